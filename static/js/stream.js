// WebSocket client for a session's stream (protocol 1, JSON encoding). Reconnects with
// exponential backoff and resumes: after a reconnect it re-sends the play state and
// the live settings, and the server's hello + frame bring the page up to date.

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

export class Stream {
  /**
   * url: ws:// URL. handlers: onMessage(msg), onStatus(status, detail) with status one of
   * "connecting", "open", "reconnecting", "closed", "gone"; resumeCommands(): the commands
   * to re-send after a reconnect (e.g. play with its fps).
   */
  constructor(url, { onMessage, onStatus = () => {}, resumeCommands = () => [] }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.resumeCommands = resumeCommands;
    this._ws = null;
    this._attempt = 0;
    this._timer = null;
    this._closed = false;
    this._queue = [];
    this._opened = false;
    this._connect();
  }

  _connect() {
    this.onStatus(this._opened ? "reconnecting" : "connecting", this._attempt);
    const ws = new WebSocket(this.url);
    this._ws = ws;
    ws.onopen = () => {
      const resumed = this._opened;
      this._opened = true;
      this._attempt = 0;
      this.onStatus("open", resumed);
      if (resumed) for (const cmd of this.resumeCommands()) this._sendNow(cmd);
      for (const cmd of this._queue.splice(0)) this._sendNow(cmd);
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") return; // binary encoding not requested
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        this.onMessage({ type: "error", message: "the server sent a message that is not JSON" });
        return;
      }
      this.onMessage(msg);
    };
    ws.onclose = (event) => {
      if (this._ws !== ws || this._closed) return;
      // 1008 / 4404: the session no longer exists (expired or server restarted).
      if (event.code === 4404 || event.code === 1008 || event.code === 4004) {
        this._closed = true;
        this.onStatus("gone", event.reason || "the session no longer exists");
        return;
      }
      this._scheduleReconnect();
    };
    ws.onerror = () => {}; // onclose follows and handles it
  }

  _scheduleReconnect() {
    const delay = BACKOFF_MS[Math.min(this._attempt, BACKOFF_MS.length - 1)];
    this._attempt += 1;
    this.onStatus("reconnecting", delay);
    clearTimeout(this._timer);
    this._timer = setTimeout(() => {
      if (!this._closed) this._connect();
    }, delay);
  }

  _sendNow(cmd) {
    this._ws.send(JSON.stringify(cmd));
  }

  /** Send a command now, or as soon as the connection is (re)opened. */
  send(cmd) {
    if (this._ws && this._ws.readyState === WebSocket.OPEN) this._sendNow(cmd);
    else if (!this._closed) this._queue.push(cmd);
  }

  get open() {
    return Boolean(this._ws && this._ws.readyState === WebSocket.OPEN);
  }

  /** Close for good (no reconnect). */
  close() {
    this._closed = true;
    clearTimeout(this._timer);
    if (this._ws) this._ws.close(1000, "closed by the page");
    this.onStatus("closed");
  }
}

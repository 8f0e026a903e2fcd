// One training session on the server and its stream: create it, connect, send commands,
// follow reconnects, and start a fresh session with the same body when the old one is
// gone (expired, or the server restarted). No DOM: it reports through callbacks.

import { api } from "./api.js";
import { Stream } from "./stream.js";

const CHECK_AFTER_ATTEMPTS = 2;

export class Session {
  /**
   * handlers: onMessage(msg), onStatus(text | "", kind) for the connection indicator,
   * onReplaced(message) when a lost session was recreated, resumeCommands().
   */
  constructor(handlers) {
    this.h = handlers;
    this.id = null;
    this.body = null;
    this.stream = null;
  }

  /** Create a session from `body` (throws ApiError, keeping the current one on failure). */
  async create(body) {
    const created = await api.createSession(body);
    this._drop();
    this.id = created.id;
    this.body = body;
    this._connect();
    return created;
  }

  _connect() {
    const id = this.id;
    this.stream = new Stream(api.streamUrl(id), {
      onMessage: (msg) => {
        if (id === this.id) this.h.onMessage(msg);
      },
      onStatus: (status, detail) => this._status(id, status, detail),
      resumeCommands: () => this.h.resumeCommands(),
    });
  }

  async _status(id, status, detail) {
    if (id !== this.id) return;
    if (status === "open") {
      this.h.onStatus(detail ? "Reconnected; the run continues." : "", detail ? "ok" : "");
      this._attempts = 0;
    } else if (status === "reconnecting" && typeof detail === "number") {
      this._attempts = (this._attempts ?? 0) + 1;
      this.h.onStatus(`Connection lost. Reconnecting in ${(detail / 1000).toFixed(1)} s…`, "warn");
      if (this._attempts === CHECK_AFTER_ATTEMPTS) await this._checkGone(id);
    } else if (status === "gone") {
      await this._recreate(id, String(detail));
    }
  }

  async _checkGone(id) {
    try {
      await api.getSession(id);
    } catch (err) {
      if (err.status === 404) await this._recreate(id, "the session no longer exists on the server");
    }
  }

  async _recreate(id, why) {
    if (id !== this.id || !this.body) return;
    try {
      await this.create(this.body);
      this.h.onReplaced(`The connection came back but ${why}; started a new run with the same settings.`);
    } catch (err) {
      this.h.onStatus(`Cannot start a new run: ${err.message}`, "warn");
    }
  }

  /** Send a stream command (queued while reconnecting). */
  send(cmd) {
    this.stream?.send(cmd);
  }

  _drop() {
    if (this.stream) this.stream.close();
    if (this.id) api.deleteSession(this.id).catch(() => {}); // it may have expired already
    this.stream = null;
    this.id = null;
  }
}

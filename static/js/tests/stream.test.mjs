import test, { mock } from "node:test";
import assert from "node:assert/strict";
import { errorMessage } from "../api.js";

// A stand-in WebSocket: records what is sent; the test opens, closes and feeds it.
class FakeSocket {
  static OPEN = 1;
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    FakeSocket.all.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  receive(msg) {
    this.onmessage?.({ data: typeof msg === "string" ? msg : JSON.stringify(msg) });
  }
}
globalThis.WebSocket = FakeSocket;
const { Stream } = await import("../stream.js");

function setup(resume = []) {
  FakeSocket.all = [];
  const messages = [];
  const statuses = [];
  const stream = new Stream("ws://x/stream", {
    onMessage: (m) => messages.push(m),
    onStatus: (s, d) => statuses.push([s, d]),
    resumeCommands: () => resume,
  });
  return { stream, messages, statuses };
}

test("commands sent before the socket opens are queued, then sent in order", () => {
  const { stream } = setup();
  stream.send({ action: "play", fps: 20 });
  stream.send({ action: "pause" });
  const ws = FakeSocket.all[0];
  assert.deepEqual(ws.sent, []);
  ws.open();
  assert.deepEqual(ws.sent, [{ action: "play", fps: 20 }, { action: "pause" }]);
  stream.close();
});

test("a lost connection reconnects with growing delays and re-sends the play state", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const { statuses } = setup([{ action: "play", fps: 15 }]);
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop();
    assert.deepEqual(statuses.at(-1), ["reconnecting", 250]);
    mock.timers.tick(249);
    assert.equal(FakeSocket.all.length, 1);
    mock.timers.tick(1);
    assert.equal(FakeSocket.all.length, 2);
    FakeSocket.all[1].drop(); // the server is still down
    assert.deepEqual(statuses.at(-1), ["reconnecting", 500]);
    mock.timers.tick(500);
    const ws = FakeSocket.all[2];
    ws.open();
    assert.deepEqual(statuses.at(-1), ["open", true]);
    assert.deepEqual(ws.sent, [{ action: "play", fps: 15 }]);
    // After a successful open the backoff starts again from the shortest delay.
    ws.drop();
    assert.deepEqual(statuses.at(-1), ["reconnecting", 250]);
  } finally {
    mock.timers.reset();
  }
});

test("close code 4404 means the session is gone: no reconnect", () => {
  mock.timers.enable({ apis: ["setTimeout"] });
  try {
    const { statuses } = setup();
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop(4404);
    assert.equal(statuses.at(-1)[0], "gone");
    mock.timers.tick(60_000);
    assert.equal(FakeSocket.all.length, 1);
  } finally {
    mock.timers.reset();
  }
});

test("messages are parsed; a non-JSON message becomes an error message", () => {
  const { stream, messages } = setup();
  const ws = FakeSocket.all[0];
  ws.open();
  ws.receive({ type: "frame", step: 3 });
  ws.receive("not json");
  assert.deepEqual(messages[0], { type: "frame", step: 3 });
  assert.equal(messages[1].type, "error");
  stream.close();
  assert.equal(FakeSocket.all.length, 1); // closing on purpose does not reconnect
});

test("FastAPI error bodies become one readable message", () => {
  assert.equal(errorMessage({ detail: "Session not found" }, 404), "Session not found");
  assert.equal(
    errorMessage({ detail: [{ loc: ["body", "layers", 0], msg: "must equal n_features 2" }, { loc: ["body"], msg: "bad" }] }, 422),
    "layers.0: must equal n_features 2\nbad",
  );
  assert.equal(errorMessage(null, 500), "request failed with HTTP 500");
  assert.equal(errorMessage({ detail: { message: "too big" } }, 413), "too big");
});

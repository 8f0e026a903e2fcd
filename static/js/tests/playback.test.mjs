import test from "node:test";
import assert from "node:assert/strict";
import { operations } from "../operations.js";
import { Playback, speedFps, speedMsPerOp } from "../playback.js";

const ops = operations(2);

test("Step animates every op of the new iteration in order, then holds the last", () => {
  const p = new Playback(ops.length);
  p.requestStep(0, "animate");
  assert.equal(p.onFrame({ step: 0 }, 0, 100), false); // a repeat of the old state is not the answer
  assert.equal(p.onFrame({ step: 1 }, 1000, 100), true);
  const seen = [];
  for (let now = 1000; now < 1000 + 100 * (ops.length + 3); now += 25) {
    p.tick(now);
    if (seen.at(-1) !== p.opIndex) seen.push(p.opIndex);
  }
  assert.deepEqual(seen, [...ops.keys()]);
  assert.equal(p.animating, false);
  assert.equal(p.current(ops).kind, "update");
});

test("Next walks the ops, asks for a step at the end; Previous asks for the previous iteration at op 0", () => {
  const p = new Playback(ops.length);
  assert.equal(p.current(ops), null);
  const labels = [];
  while (p.next() === "moved") labels.push(p.current(ops).label);
  assert.deepEqual(labels, ops.map((o) => o.label));
  assert.equal(p.opIndex, ops.length - 1);
  for (let i = ops.length - 1; i > 0; i -= 1) assert.equal(p.prev(), "moved");
  assert.equal(p.opIndex, 0);
  assert.equal(p.prev(), "previous");
});

test("Next at the end of an iteration shows op 0 of the next frame", () => {
  const p = new Playback(ops.length);
  p.goto(ops.length - 1);
  assert.equal(p.next(), "step");
  p.requestStep(4, "first-op");
  assert.equal(p.onFrame({ step: 5 }, 0, 100), true);
  assert.equal(p.opIndex, 0);
  assert.equal(p.animating, false);
});

test("Play shows whole iterations and cancels an animation; fast-forward frames pass through", () => {
  const p = new Playback(ops.length);
  p.requestStep(0, "animate");
  p.onFrame({ step: 1 }, 0, 100);
  p.play();
  assert.equal(p.opIndex, -1);
  assert.equal(p.animating, false);
  p.requestStep(1, "fast");
  assert.equal(p.onFrame({ step: 50 }, 0, 100), true);
  assert.equal(p.pending.mode, "fast");
  p.endFast();
  assert.equal(p.pending, null);
  assert.equal(p.opIndex, -1);
});

test("changing the pace keeps the current op", () => {
  const p = new Playback(ops.length);
  p.requestStep(0, "animate");
  p.onFrame({ step: 1 }, 0, 100);
  p.tick(350);
  assert.equal(p.opIndex, 3);
  p.setMsPerOp(1000, 350);
  p.tick(1300);
  assert.equal(p.opIndex, 3);
  p.tick(1350);
  assert.equal(p.opIndex, 4);
});

test("speed maps to a pace and a frame rate, clamped", () => {
  assert.ok(speedMsPerOp(1) > speedMsPerOp(5));
  assert.equal(speedMsPerOp(9), speedMsPerOp(5));
  assert.equal(speedFps(5, 30), 30);
  assert.ok(speedFps(1) < speedFps(3));
});

test("a refused step cancels what was pending, so the next frame is shown as it comes", () => {
  const pb = new Playback(20);
  pb.requestStep(0, "fast");
  pb.cancelPending();
  assert.equal(pb.pending, null);
  assert.equal(pb.onFrame({ step: 1 }, 0, 100), false); // no longer waited for
  pb.requestStep(1, "first-op");
  pb.cancelPending();
  assert.equal(pb.onFrame({ step: 2 }, 0, 100), false);
  assert.equal(pb.opIndex, -1);
});

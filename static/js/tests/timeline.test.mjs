import test from "node:test";
import assert from "node:assert/strict";
import { animationDone, opIndexAt, Timeline } from "../timeline.js";

const f = (step) => ({ step });

test("keeps the last `capacity` frames, oldest first", () => {
  const tl = new Timeline(3);
  for (let s = 1; s <= 5; s += 1) tl.push(f(s));
  assert.equal(tl.size, 3);
  assert.deepEqual(tl.steps(), [3, 4, 5]);
  assert.equal(tl.latest().step, 5);
  assert.equal(tl.current().step, 5);
  assert.equal(tl.get(3), undefined);
});

test("a scrubbed cursor stays on its frame while new frames arrive and wrap", () => {
  const tl = new Timeline(4);
  for (let s = 1; s <= 4; s += 1) tl.push(f(s));
  assert.equal(tl.seek(1).step, 2);
  assert.equal(tl.live, false);
  tl.push(f(5));
  tl.push(f(6));
  assert.deepEqual(tl.steps(), [3, 4, 5, 6]);
  assert.equal(tl.current().step, 3); // frame 2 fell out; cursor clamps to the oldest
  assert.equal(tl.follow().step, 6);
  tl.push(f(7));
  assert.equal(tl.current().step, 7);
});

test("seek clamps, and seeking to the newest resumes following", () => {
  const tl = new Timeline(10);
  assert.equal(tl.seek(3), null);
  for (let s = 0; s < 5; s += 1) tl.push(f(s));
  assert.equal(tl.seek(-4).step, 0);
  assert.equal(tl.move(2).step, 2);
  assert.equal(tl.seek(99).step, 4);
  assert.equal(tl.live, true);
  tl.push(f(5));
  assert.equal(tl.current().step, 5);
});

test("a repeated step replaces the newest; a smaller step (reset) starts over", () => {
  const tl = new Timeline(10);
  tl.push(f(0));
  tl.push(f(1));
  const again = { step: 1, resumed: true };
  tl.push(again);
  assert.equal(tl.size, 2);
  assert.equal(tl.latest(), again);
  tl.push(f(0));
  assert.deepEqual(tl.steps(), [0]);
});

test("op clock: one op per msPerOp, holds the last, reports done", () => {
  const anim = { start: 1000, msPerOp: 100, count: 5 };
  assert.equal(opIndexAt(1000, anim), 0);
  assert.equal(opIndexAt(1099, anim), 0);
  assert.equal(opIndexAt(1100, anim), 1);
  assert.equal(opIndexAt(9999, anim), 4);
  assert.equal(opIndexAt(500, anim), 0);
  assert.equal(animationDone(1499, anim), false);
  assert.equal(animationDone(1500, anim), true);
  assert.equal(opIndexAt(1000, { ...anim, from: 3 }), 3);
  assert.equal(opIndexAt(0, { ...anim, count: 0 }), -1);
});

test("a scrubbed frame gets the newest grid at or before its step", async () => {
  const { GridHistory } = await import("../timeline.js");
  const grids = new GridHistory(3);
  assert.equal(grids.at(5), null);
  for (const s of [0, 4, 9, 15]) grids.push({ step: s, tag: `g${s}` });
  assert.deepEqual(grids.steps(), [4, 9, 15]); // capacity 3: the oldest went
  assert.equal(grids.at(9).step, 9);
  assert.equal(grids.at(14).step, 9);
  assert.equal(grids.at(100).step, 15);
  assert.equal(grids.at(2).step, 4); // nothing that old is kept: the oldest kept one
  grids.push({ step: 15, tag: "again" }); // a resumed stream repeats its state
  assert.equal(grids.at(15).tag, "again");
  assert.equal(grids.size, 3);
  grids.push({ step: 0, tag: "reset" }); // a reset starts over
  assert.deepEqual(grids.steps(), [0]);
});

test("divergence: the server's flag, a non-finite cost, or a cost grown 1e4 times", async () => {
  const { divergence } = await import("../timeline.js");
  assert.equal(divergence({ step: 10, cost: 0.2 }, 0.24), null);
  assert.equal(divergence({ step: 10, cost: 2000 }, 0.24), null);
  assert.match(divergence({ step: 10, cost: 0.2, diverged: true }, 0.24), /diverged at iteration 10/);
  assert.match(divergence({ step: 3, cost: NaN }, 0.24), /no longer a finite number/);
  assert.match(divergence({ step: 3, cost: Infinity }, 0.24), /no longer a finite number/);
  // The reviewer's run: sine, relu, lr 3, 500 iterations ends at a finite 2.74e+299.
  assert.match(divergence({ step: 500, cost: 2.7429877014281984e299 }, 0.24205552053425322), /diverging: the cost grew from 0.242 to 2.74e\+299/);
  assert.equal(divergence({ step: 500, cost: 5 }, undefined), null);
});

import test from "node:test";
import assert from "node:assert/strict";
import { colorscale, diverging, divergingRgb, maxAbsOf, NEGATIVE, POSITIVE, ZERO } from "../palette.js";

const hex = ([r, g, b]) => "#" + [r, g, b].map((x) => x.toString(16).padStart(2, "0")).join("");

test("ends and middle are the named colours", () => {
  assert.equal(hex(divergingRgb(-1, 1)), NEGATIVE);
  assert.equal(hex(divergingRgb(0, 1)), ZERO);
  assert.equal(hex(divergingRgb(1, 1)), POSITIVE);
});

test("values beyond maxAbs clamp; undefined scale is neutral", () => {
  assert.equal(diverging(50, 2), diverging(2, 2));
  assert.equal(diverging(-50, 2), diverging(-2, 2));
  assert.equal(hex(divergingRgb(3, 0)), ZERO);
  assert.equal(hex(divergingRgb(NaN, 1)), ZERO);
});

test("halfway between two stops is their average", () => {
  // t = 0.125 sits midway between #b35806 and #f1a340.
  assert.deepEqual(divergingRgb(-0.75, 1), [Math.round((0xb3 + 0xf1) / 2), Math.round((0x58 + 0xa3) / 2), Math.round((0x06 + 0x40) / 2)]);
});

test("no red-green: negative is orange (R > B), positive is blue (B > R)", () => {
  for (const v of [0.2, 0.5, 0.9]) {
    const [r1, , b1] = divergingRgb(-v, 1);
    const [r2, , b2] = divergingRgb(v, 1);
    assert.ok(r1 > b1 && b2 > r2);
  }
});

test("plotly colorscale spans 0..1 and matches the function", () => {
  assert.equal(colorscale[0][0], 0);
  assert.equal(colorscale.at(-1)[0], 1);
  assert.equal(colorscale[2][1], diverging(0, 1));
  assert.equal(colorscale[4][1], diverging(1, 1));
});

test("maxAbsOf walks nested lists and skips non-finite", () => {
  assert.equal(maxAbsOf([[1, -3], [2, NaN]]), 3);
  assert.equal(maxAbsOf([]), 0);
  assert.equal(maxAbsOf(-2.5), 2.5);
});

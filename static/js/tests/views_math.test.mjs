// node --test static/js/tests/ — pure logic of the views (no DOM).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cellAt, equationTokens, fmtNum, fmtShape, isMatched, layerShapes, lessonContent, maxAbsDiff,
  moveCursor, opIndex, opSequence, opTensors, shapeOf, stats, toHTML, toText, walkthroughSteps,
} from "../views/math.js";

const config = { layers: [2, 16, 8, 1], activations: ["relu", "relu", "sigmoid"], loss: "binary_cross_entropy" };

test("shape formatting", () => {
  assert.equal(fmtShape([16, 320]), "(16×320)");
  assert.equal(fmtShape([16, null]), "(16×m)");
  assert.deepEqual(shapeOf([[1, 2, 3], [4, 5, 6]]), [2, 3]);
  assert.deepEqual(shapeOf([]), [0, 0]);
});

test("layer shapes follow the course notation", () => {
  const s = layerShapes(config, 2, 500);
  assert.deepEqual(s.W, [8, 16]);
  assert.deepEqual(s.b, [8, 1]);
  assert.deepEqual(s.A_prev, [16, 500]);
  assert.deepEqual(s.dZ, [8, 500]);
  assert.deepEqual(s.dA_prev, [16, 500]);
  assert.throws(() => layerShapes(config, 0, 5), /layer must be 1\.\.3, got 0/);
  assert.throws(() => layerShapes(config, 4, 5), RangeError);
});

test("dW equation with live shapes (the issue's example)", () => {
  const toks = equationTokens({ kind: "dW", layer: 2 }, config, 500);
  assert.equal(toText(toks), "dW[2] (8×16) = 1/m · dZ[2] (8×500) · A[1]^T (500×16)");
  const html = toHTML(toks);
  assert.match(html, /dW<sup>\[2\]<\/sup><\/span> <span class="eq-shape">\(8×16\)/);
  assert.match(html, /A<sup>\[1\]T<\/sup>/);
});

test("every op's equation has matching inner dimensions", () => {
  for (const op of opSequence(3)) {
    const text = toText(equationTokens(op, config, 40));
    assert.ok(text.length > 5, `${op.kind} has text`);
  }
  assert.equal(toText(equationTokens({ kind: "linear", layer: 1 }, config, 40)),
    "Z[1] (16×40) = W[1] (16×2) · A[0] (2×40) + b[1] (16×1)");
  assert.equal(toText(equationTokens({ kind: "dA_prev", layer: 3 }, config, 40)),
    "dA[2] (8×40) = W[3]^T (8×1) · dZ[3] (1×40)");
  assert.match(toText(equationTokens({ kind: "dA_L", layer: 3 }, config, 40)), /dA\[3\] \(1×40\) = ∂L\/∂A = −\(Y \/ A − \(1 − Y\) \/ \(1 − A\)\)/);
  assert.match(toText(equationTokens({ kind: "dZ", layer: 2 }, config, null)), /dZ\[2\] \(8×m\) = dA\[2\] \(8×m\) ∗ g′\( Z\[2\] \(8×m\) \) , g′ = 1\{Z > 0\}/);
  assert.match(toText(equationTokens({ kind: "db", layer: 1 }, config, 7)), /^db\[1\] \(16×1\) = 1\/m · Σᵢ dZ\[1\] \(16×7\)/);
});

test("html escapes operators", () => {
  assert.match(toHTML(["1{Z > 0}"]), /1\{Z &gt; 0\}/);
});

test("op sequence and indices follow protocol.md", () => {
  const ops = opSequence(2);
  assert.deepEqual(ops.map((o) => `${o.kind}${o.layer ?? ""}`), [
    "linear1", "activation1", "linear2", "activation2", "cost2", "dA_L2",
    "dZ2", "dW2", "db2", "dA_prev2", "dZ1", "dW1", "db1", "update",
  ]);
  assert.equal(opIndex(2, { kind: "dA_prev", layer: 2 }), 9);
  assert.equal(opIndex(2, { kind: "update", layer: null }), 13);
  assert.equal(opIndex(2, null), -1);
  assert.equal(opIndex(2, { kind: "dA_prev", layer: 1 }), -1);
});

test("op tensors: inputs and outputs", () => {
  const refs = opTensors({ kind: "dA_prev", layer: 3 }, 3);
  assert.deepEqual(refs.filter((r) => r.role === "output"), [{ key: "dA", layer: 2, role: "output" }]);
  assert.deepEqual(refs.filter((r) => r.role === "input").map((r) => r.key).sort(), ["W", "dZ"]);
  assert.deepEqual(opTensors({ kind: "dW", layer: 1 }, 3).find((r) => r.key === "A"), { key: "A", layer: 0, role: "input" });
  assert.equal(opTensors({ kind: "update" }, 3).length, 12);
});

test("numbers and stats", () => {
  assert.equal(fmtNum(1.1e-16), "1.1e-16");
  assert.equal(fmtNum(-0.53219), "−0.532");
  assert.equal(fmtNum(0), "0");
  assert.equal(fmtNum(null), "–");
  assert.equal(fmtNum(123456), "1.2e5");
  const s = stats([[3, -4], [0, 0]]);
  assert.equal(s.norm, 5);
  assert.equal(s.maxAbs, 4);
  assert.equal(s.min, -4);
  assert.equal(s.max, 3);
  assert.equal(maxAbsDiff([[1, 2]], [[1, 2.5]]), 0.5);
  assert.throws(() => maxAbsDiff([[1]], [[1, 2]]), /shapes differ: \(1×1\) vs \(1×2\)/);
});

test("heatmap cell lookup and keyboard cursor", () => {
  assert.deepEqual(cellAt(0, 0, 100, 50, 5, 10), { row: 0, col: 0 });
  assert.deepEqual(cellAt(99.9, 49.9, 100, 50, 5, 10), { row: 4, col: 9 });
  assert.deepEqual(cellAt(25, 12, 100, 50, 5, 10), { row: 1, col: 2 });
  assert.equal(cellAt(100, 0, 100, 50, 5, 10), null);
  assert.deepEqual(moveCursor({ row: 0, col: 0 }, "ArrowUp", 3, 3), { row: 0, col: 0 });
  assert.deepEqual(moveCursor({ row: 0, col: 0 }, "ArrowDown", 3, 3), { row: 1, col: 0 });
  assert.deepEqual(moveCursor({ row: 1, col: 1 }, "End", 3, 3), { row: 1, col: 2 });
  assert.equal(moveCursor({ row: 0, col: 0 }, "a", 3, 3), null);
});

test("lesson: matched pair cancels, unmatched explains why", () => {
  assert.ok(isMatched("sigmoid", "binary_cross_entropy"));
  assert.ok(!isMatched("sigmoid", "mean_squared_error"));
  assert.ok(isMatched("tanh", "x", { matched_pairs: { tanh: "x" } }));
  const good = lessonContent("sigmoid", "binary_cross_entropy", 3);
  assert.equal(good.matched, true);
  assert.equal(good.shortcut, "dZ[3] = A[3] − Y");
  assert.match(good.why, /= A − Y/);
  assert.equal(good.explicit[0], "dA[3] = ∂L/∂A[3] = −(Y / A − (1 − Y) / (1 − A))");
  const bad = lessonContent("sigmoid", "mean_squared_error", 2);
  assert.equal(bad.matched, false);
  assert.equal(bad.shortcut, "dZ[2] = (A − Y) · A(1 − A)");
  assert.match(bad.why, /not available/);
  const tanh = lessonContent("tanh", "binary_cross_entropy", 2);
  assert.match(tanh.shortcut, /−\(Y \/ A − \(1 − Y\) \/ \(1 − A\)\) · \(1 − A²\)/);
});

test("walkthrough: one stop per backward block with live numbers, then the answer", () => {
  const frame = {
    m: 320, columns: [0, 1, 2, 3],
    layers: [
      { layer: 1, dA: [[0.25]], dZ: [[0.5]], dA_norm: 1.5, dW_norm: 0.125 },
      { layer: 2, dA: [[-2]], dZ: [[0.75]], dA_norm: 2.5, dW_norm: 0.5 },
      { layer: 3, dA: [[3]], dZ: [[0.1]], dA_norm: 3.5, dW_norm: 0.25 },
    ],
  };
  const steps = walkthroughSteps(config, frame);
  assert.equal(steps.length, 5);
  assert.deepEqual(steps.slice(1, 4).map((s) => s.title), ["Block 3 of 3 (output layer)", "Block 2 of 3", "Block 1 of 3"]);
  assert.deepEqual(steps[1].target, { phase: "backward", kind: "dA_prev", layer: 3 });
  assert.deepEqual(steps[3].target, { phase: "backward", kind: "db", layer: 1 });
  assert.match(steps[2].lines[0], /^In: dA\[2\] \(8×320\) from block 3; ‖dA\[2\]‖ = 2\.5, first entry −2\./);
  assert.match(steps[2].lines[3], /Handed down: dA\[1\] \(16×320\) = W\[2\]ᵀ dZ\[2\]/);
  assert.match(steps[3].lines[3], /Nothing to hand down/);
  assert.match(steps[0].lines[1], /4 of the m = 320 example columns/);
  assert.match(steps[4].lines.join(" "), /dA is the hand-off between blocks: without it no layer below 3 gets a gradient/);
  for (const s of steps) assert.ok(opIndex(3, s.target) >= 0, `target of ${s.title} is an op`);
  const bare = walkthroughSteps(config, null);
  assert.match(bare[1].lines[0], /dA\[3\] \(1×m\) from the loss; ‖dA\[3\]‖ = –/);
});

test("notation parts put layer indices in superscripts", async () => {
  const { notationParts } = await import("../views/math.js");
  assert.deepEqual(notationParts("dA[1] = W[2]ᵀ dZ[2]!"), [
    { base: "dA", sup: "[1]" }, { text: " = " }, { base: "W", sup: "[2]T" }, { text: " " }, { base: "dZ", sup: "[2]" }, { text: "!" },
  ]);
  assert.deepEqual(notationParts("no symbols"), [{ text: "no symbols" }]);
});

test("explicit dZ from the cache matches hand-computed values", async () => {
  const { explicitDZ, maxAbsDiff, subtract } = await import("../views/math.js");
  // sigmoid + BCE: dA = -(y/a - (1-y)/(1-a)); dZ = dA a(1-a) = a - y.
  const A = [[0.2, 0.9]], Y = [[0, 1]];
  const dA = [[-(0 / 0.2 - 1 / 0.8), -(1 / 0.9 - 0 / 0.1)]];
  assert.ok(maxAbsDiff(explicitDZ("sigmoid", dA, [[0, 0]], A), subtract(A, Y)) < 1e-15);
  assert.deepEqual(explicitDZ("relu", [[2, 3]], [[-1, 1]], [[0, 1]]), [[0, 3]]);
  assert.deepEqual(explicitDZ("leaky_relu", [[2, 3]], [[-1, 1]], [[-0.01, 1]]), [[0.02, 3]]);
  assert.deepEqual(explicitDZ("tanh", [[2]], [[0]], [[0.5]]), [[1.5]]);
  // softmax + CCE: dA = -y/a; dZ = a - y (column sums of a and y are 1).
  const As = [[0.7], [0.2], [0.1]], Ys = [[0], [1], [0]];
  const dAs = [[-0], [-1 / 0.2], [-0]];
  assert.ok(maxAbsDiff(explicitDZ("softmax", dAs, As, As), subtract(As, Ys)) < 1e-15);
  assert.throws(() => explicitDZ("swish", [[1]], [[1]], [[1]]), /unknown activation swish/);
});

test("lesson agreement text: server float64 figure first, the browser's float32 one explained", async () => {
  const { agreementText } = await import("../views/math.js");
  const t = agreementText(3, true, 5.8e-8, 1.1e-16);
  assert.match(t, /^max \|dZ\[3\] explicit − \(A\[3\] − Y\)\| = 1\.1e-16 over the whole batch in float64/);
  assert.match(t, /Recomputed here from this window's values: 5\.8e-8 \(the browser gets float32/);
  assert.equal(agreementText(2, true, 0, null), "They agree: recomputed here from this window's values: 0.");
  assert.match(agreementText(2, false, 0.451, null), /= 0\.451 in this window: A\[2\] − Y is not dZ\[2\]/);
});

test("chart values: NaN, Infinity and diverged magnitudes become null (a line break)", async () => {
  const { chartValue, logChartValue, clampValue, CHART_LIMIT } = await import("../views/math.js");
  assert.equal(chartValue(0.5), 0.5);
  assert.equal(chartValue(-3), -3);
  for (const bad of [NaN, Infinity, -Infinity, 2.74e299, -1e31, null, undefined, "1"]) {
    assert.equal(chartValue(bad), null, String(bad));
  }
  assert.equal(chartValue(CHART_LIMIT), CHART_LIMIT);
  assert.equal(logChartValue(0), null);
  assert.equal(logChartValue(-1e-3), null);
  assert.equal(logChartValue(1e-12), 1e-12);
  assert.equal(logChartValue(1e299), null);
  assert.equal(clampValue(1e299, -2, 2), 2);
  assert.equal(clampValue(-1e299, -2, 2), -2);
  assert.equal(clampValue(0.3, -2, 2), 0.3);
  assert.equal(clampValue(NaN, -2, 2), null);
});

test("log tick step: at most six labels over any decade span", async () => {
  const { logTickStep } = await import("../views/math.js");
  assert.equal(logTickStep(0.5, 0.6), 1); // one point: one decade a tick
  assert.equal(logTickStep(1e-3, 10), 1); // 4 decades: 5 labels
  assert.equal(logTickStep(1e-5, 1), 1); // 5 decades: 6 labels
  assert.equal(logTickStep(1e-12, 1e2), 3); // 14 decades
  assert.equal(logTickStep(1e-3, 1e299), 61);
  assert.equal(logTickStep(0, 1), 1); // no positive range: the default
  for (let lo = -300; lo <= 300; lo += 7) {
    for (let hi = lo; hi <= 300; hi += 13) {
      const step = logTickStep(10 ** lo * 1.5, 10 ** hi * 1.5);
      const decades = Math.ceil(hi + Math.log10(1.5)) - Math.floor(lo + Math.log10(1.5));
      assert.ok(Math.floor(decades / step) + 1 <= 6, `${lo}..${hi}: step ${step}`);
      assert.ok(step === 1 || Math.ceil(decades / (step - 1)) + 1 > 6, `${lo}..${hi}: step ${step} is wider than needed`);
    }
  }
});

test("finite range over nested lists skips NaN and null", async () => {
  const { finiteRange } = await import("../views/math.js");
  assert.deepEqual(finiteRange([[1, -2, NaN]], [[null, 5]]), [-2, 5]);
  assert.equal(finiteRange([[NaN]], []), null);
});

test("lesson products are bracketed for every loss and activation (no A − Y · g′ slip)", async () => {
  const { asFactor } = await import("../views/math.js");
  assert.equal(lessonContent("sigmoid", "mean_squared_error", 3).explicit[1], "dZ[3] = dA[3] ∗ g′(Z[3]) = (A − Y) · A(1 − A)");
  assert.equal(lessonContent("tanh", "categorical_cross_entropy", 2).explicit[1], "dZ[2] = dA[2] ∗ g′(Z[2]) = (−Y / A) · (1 − A²)");
  assert.equal(asFactor("A − Y"), "(A − Y)");
  assert.equal(asFactor("(A) − (B)"), "((A) − (B))"); // two groups are not one
  assert.equal(asFactor("−(Y / A − (1 − Y) / (1 − A))"), "−(Y / A − (1 − Y) / (1 − A))");
  assert.equal(asFactor("A(1 − A)"), "A(1 − A)");
  assert.equal(asFactor("1{Z > 0}"), "1{Z > 0}");
  assert.equal(asFactor("1"), "1");
  // Every pair: each side of the product is a symbol, a function term or one bracketed group.
  for (const a of ["sigmoid", "softmax", "linear", "tanh", "relu", "leaky_relu"]) {
    for (const loss of ["binary_cross_entropy", "categorical_cross_entropy", "mean_squared_error"]) {
      const c = lessonContent(a, loss, 2);
      const rhs = c.explicit[1].split(") = ").at(-1);
      const sides = rhs.split(" · ");
      assert.equal(sides.length, 2, `${a} + ${loss}: ${rhs}`);
      for (const side of sides) assert.equal(asFactor(side), side, `${a} + ${loss}: ${side} needs brackets`);
      if (!c.matched) assert.equal(c.shortcut, `dZ[2] = ${rhs}`);
    }
  }
});

test("the update op shows the optimizer's rule in the course's notation", async () => {
  const { updateLines, opExplanation } = await import("../views/math.js");
  const update = { phase: "update", kind: "update", layer: null };
  const gd = toText(equationTokens(update, config));
  assert.match(gd, /^W\[l\] := W\[l\] − α · dW\[l\]/);
  const mom = toText(equationTokens(update, { ...config, optimizer: { name: "momentum", learning_rate: 0.1, beta: 0.9 } }));
  assert.match(mom, /v_dW\[l\] := β · v_dW\[l\] \+ \(1 − β\) · dW\[l\] , W\[l\] := W\[l\] − α · v_dW\[l\]/);
  assert.match(mom, /β = 0\.9/);
  assert.doesNotMatch(mom, /− α · dW/);
  const adam = toText(equationTokens(update, { ...config, optimizer: { name: "adam", learning_rate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } }));
  for (const part of ["s_dW[l] := β₂ · s_dW[l] + (1 − β₂) · dW[l] ²", "v̂ = v / (1 − β₁ᵗ)", "ŝ = s / (1 − β₂ᵗ)", "W[l] := W[l] − α · v̂ / (√ŝ + ε)", "β₂ = 0.999", "ε = 1e-8"]) {
    assert.ok(adam.includes(part), `${part} missing in ${adam}`);
  }
  assert.equal(updateLines(null).length, 1);
  assert.match(updateLines({ name: "momentum", beta: 0.8 }).join("\n"), /β = 0\.8.*\n.*W\[l\] := W\[l\] − α v_dW\[l\]/);
  assert.match(updateLines({ name: "adam" }).at(-1), /v̂_dW\[l\] \/ \(√ŝ_dW\[l\] \+ ε\)/);
  assert.match(opExplanation(update, { ...config, optimizer: { name: "adam" } }), /^Adam:/);
  assert.match(opExplanation(update, config), /^Gradient descent:/);
});

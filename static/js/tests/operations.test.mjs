import test from "node:test";
import assert from "node:assert/strict";
import { equation, operationCount, operations, touches, weightTensor } from "../operations.js";

test("a 2-layer iteration, in the course's order", () => {
  const labels = operations(2, ["relu", "sigmoid"]).map((o) => o.label);
  assert.deepEqual(labels, [
    "Z[1] = W[1] A[0] + b[1]",
    "A[1] = relu(Z[1])",
    "Z[2] = W[2] A[1] + b[2]",
    "A[2] = sigmoid(Z[2])",
    "J = 1/m Σ L(A[2], Y)",
    "dA[2] = dL/dA[2]",
    "dZ[2] = dA[2] * g'(Z[2])",
    "dW[2] = 1/m dZ[2] A[1]^T",
    "db[2] = 1/m Σ dZ[2]",
    "dA[1] = W[2]^T dZ[2]",
    "dZ[1] = dA[1] * g'(Z[1])",
    "dW[1] = 1/m dZ[1] A[0]^T",
    "db[1] = 1/m Σ dZ[1]",
    "W := W - α dW, b := b - α db",
  ]);
});

test("count is 6L + 2 and indices run 0..n-1; no dA[0]", () => {
  for (const L of [1, 2, 3, 5]) {
    const ops = operations(L);
    assert.equal(ops.length, operationCount(L));
    assert.deepEqual(ops.map((o) => o.index), [...ops.keys()]);
    assert.ok(!ops.some((o) => touches(o, "dA", 0)));
  }
  assert.throws(() => operations(0), /L must be/);
});

test("phases come in order forward, cost, backward, update", () => {
  const phases = operations(3).map((o) => o.phase);
  const order = ["forward", "cost", "backward", "update"];
  for (let i = 1; i < phases.length; i += 1) {
    assert.ok(order.indexOf(phases[i]) >= order.indexOf(phases[i - 1]));
  }
});

test("each backward op reads only what an earlier op wrote, or a forward cache", () => {
  const ops = operations(3);
  const written = new Set(["A:0", "Y:3", "W:1", "W:2", "W:3", "b:1", "b:2", "b:3"]);
  for (const o of ops) {
    for (const r of o.reads) assert.ok(written.has(`${r.tensor}:${r.layer}`), `${o.label} reads ${r.tensor}[${r.layer}]`);
    for (const w of o.writes) written.add(`${w.tensor}:${w.layer}`);
  }
});

test("equations carry live shapes", () => {
  const ops = operations(3, ["relu", "relu", "sigmoid"]);
  const dims = { layers: [2, 8, 16, 1], m: 500, activations: ["relu", "relu", "sigmoid"] };
  const dW2 = ops.find((o) => o.kind === "dW" && o.layer === 2);
  assert.equal(equation(dW2, dims), "dW[2] (16×8) = 1/m · dZ[2] (16×500) · A[1]ᵀ (500×8)");
  const lin1 = ops.find((o) => o.kind === "linear" && o.layer === 1);
  assert.equal(equation(lin1, dims), "Z[1] (8×500) = W[1] (8×2) · A[0] (2×500) + b[1] (8×1)");
  const back = ops.find((o) => o.kind === "dA_prev" && o.layer === 3);
  assert.equal(equation(back, dims), "dA[2] (16×500) = W[3]ᵀ (16×1) · dZ[3] (1×500)");
  for (const o of ops) assert.ok(equation(o, dims).length > 0);
});

test("weights shown as dW during backward and update, W otherwise", () => {
  const ops = operations(2);
  assert.equal(weightTensor(null), "W");
  assert.equal(weightTensor(ops[0]), "W");
  assert.equal(weightTensor(ops.find((o) => o.kind === "dW")), "dW");
  assert.equal(weightTensor(ops.at(-1)), "dW");
});

test("the update op follows the optimizer", () => {
  assert.equal(operations(2).at(-1).label, "W := W - α dW, b := b - α db");
  assert.equal(operations(2, [], { name: "gd" }).at(-1).label, "W := W - α dW, b := b - α db");
  assert.equal(operations(2, [], { name: "momentum" }).at(-1).label, "v := β v + (1 - β) dW, W := W - α v (b likewise)");
  assert.match(operations(2, [], { name: "adam" }).at(-1).label, /s := β2 s \+ \(1 - β2\) dW², W := W - α v̂\/\(√ŝ \+ ε\)/);
  const up = operations(3).at(-1);
  assert.match(equation(up, { layers: [2, 4, 4, 1], m: 10 }), /^W\[l\] := W\[l\] − α · dW\[l\]/);
  const mom = equation(up, { layers: [2, 4, 4, 1], m: 10, optimizer: { name: "momentum", beta: 0.9 } });
  assert.match(mom, /v_dW\[l\] := β · v_dW\[l\] \+ \(1 − β\) · dW\[l\], {2}W\[l\] := W\[l\] − α · v_dW\[l\]/);
  const adam = equation(up, { layers: [2, 4, 4, 1], m: 10, optimizer: { name: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } });
  assert.match(adam, /W\[l\] := W\[l\] − α · v̂ \/ \(√ŝ \+ ε\)/);
  assert.match(adam, /ŝ = s \/ \(1 − β₂ᵗ\)/);
});

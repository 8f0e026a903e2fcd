import test from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULTS, PROPS, changedKeys, deserialize, hiddenActivations, needsReset, normalize, serialize, sessionBody,
} from "../state.js";

test("Playground's key names are used where they exist", () => {
  const names = PROPS.map((p) => p.name);
  for (const k of ["networkShape", "activation", "learningRate", "batchSize", "dataset", "noise", "percTrainData", "seed", "regularizationRate"]) {
    assert.ok(names.includes(k), k);
  }
});

test("serialize -> deserialize round-trips", () => {
  const state = { ...DEFAULTS, dataset: "xor", networkShape: [8, 3, 2], activations: ["relu", "tanh", "relu"], learningRate: 0.03, seed: 42, batchSize: 32, noise: 0.25 };
  const { state: back, errors } = deserialize("#" + serialize(state));
  assert.deepEqual(errors, []);
  assert.deepEqual(back, state);
});

test("a known hash parses to the expected values", () => {
  const { state } = deserialize("#dataset=spiral&networkShape=16,16&learningRate=0.1&seed=7&percTrainData=50");
  assert.equal(state.dataset, "spiral");
  assert.deepEqual(state.networkShape, [16, 16]);
  assert.equal(state.learningRate, 0.1);
  assert.equal(state.seed, 7);
  assert.equal(state.percTrainData, 50);
  assert.equal(state.loss, DEFAULTS.loss);
});

test("bad values and unknown keys are reported and fall back to defaults", () => {
  const { state, errors } = deserialize("learningRate=abc&networkShape=4,-1&seed=1.5&percTrainData=100&bogus=1&dataset=<x>");
  assert.equal(state.learningRate, DEFAULTS.learningRate);
  assert.deepEqual(state.networkShape, DEFAULTS.networkShape);
  assert.equal(state.seed, DEFAULTS.seed);
  assert.equal(state.dataset, DEFAULTS.dataset);
  assert.equal(errors.length, 6);
  assert.ok(errors.some((e) => e.includes("learningRate")));
  assert.ok(errors.some((e) => e.includes("bogus")));
});

test("an empty networkShape (no hidden layer) survives the round trip", () => {
  const { state } = deserialize(serialize({ ...DEFAULTS, networkShape: [] }));
  assert.deepEqual(state.networkShape, []);
});

test("per-layer activations fall back to `activation`; uniform lists collapse", () => {
  const s = { ...DEFAULTS, networkShape: [4, 4, 4], activation: "relu", activations: ["tanh"] };
  assert.deepEqual(hiddenActivations(s), ["tanh", "relu", "relu"]);
  const n = normalize({ ...s, activations: ["tanh", "tanh", "tanh"] });
  assert.equal(n.activation, "tanh");
  assert.deepEqual(n.activations, []);
});

test("session body follows protocol.md", () => {
  const s = { ...DEFAULTS, networkShape: [16, 16], activation: "relu", learningRate: 0.1, seed: 3, batchSize: 0, regularizationRate: 0.01 };
  assert.deepEqual(sessionBody(s, { n_features: 2, n_outputs: 1 }), {
    layers: [2, 16, 16, 1],
    activations: ["relu", "relu", "sigmoid"],
    loss: "binary_cross_entropy",
    init: DEFAULTS.init,
    seed: 3,
    dataset: { name: "circle", n_samples: 400, noise: 0.1, train_fraction: 0.8 },
    optimizer: { name: "gd", learning_rate: 0.1 },
    batch_size: null,
    l2: 0.01,
  });
  const csv = sessionBody({ ...s, dataset: "csv", batchSize: 64 }, { n_features: 3, n_outputs: 1 }, "a,b,c,label\n");
  assert.deepEqual(csv.dataset, { name: "csv", csv: "a,b,c,label\n", label_column: null, train_fraction: 0.8 });
  assert.equal(csv.batch_size, 64);
  assert.deepEqual(csv.layers, [3, 16, 16, 1]);
});

test("learning rate, L2 and batch size are live; the rest resets", () => {
  const a = { ...DEFAULTS };
  assert.deepEqual(changedKeys(a, { ...a }), []);
  assert.equal(needsReset(a, { ...a, learningRate: 1 }), false);
  assert.equal(needsReset(a, { ...a, regularizationRate: 0.1, batchSize: 10 }), false);
  assert.equal(needsReset(a, { ...a, networkShape: [4] }), true);
  assert.equal(needsReset(a, { ...a, seed: 9 }), true);
});

test("names are checked against the catalog", async () => {
  const { checkAgainstCatalog } = await import("../state.js");
  const catalog = {
    datasets: { circle: {}, xor: {} },
    hidden_activations: ["relu", "tanh"],
    output_activations: ["sigmoid", "softmax", "linear"],
    losses: ["binary_cross_entropy", "categorical_cross_entropy", "mean_squared_error"],
    compatible_losses: { sigmoid: ["binary_cross_entropy", "mean_squared_error"], softmax: ["categorical_cross_entropy"], linear: ["mean_squared_error"] },
    matched_pairs: { sigmoid: "binary_cross_entropy", softmax: "categorical_cross_entropy", linear: "mean_squared_error" },
    initializers: ["he", "xavier"],
    optimizers: { gd: {}, adam: {} },
  };
  const ok = { ...DEFAULTS, dataset: "xor", activation: "relu", outputActivation: "sigmoid", loss: "mean_squared_error", init: "he" };
  assert.deepEqual(checkAgainstCatalog(ok, catalog), { state: ok, errors: [] });
  const { state, errors } = checkAgainstCatalog(
    { ...ok, dataset: "moons", activations: ["relu", "softmax"], outputActivation: "softmax", loss: "binary_cross_entropy", optimizer: "lbfgs" },
    catalog,
  );
  assert.equal(state.dataset, "circle");
  assert.deepEqual(state.activations, ["relu", "relu"]);
  assert.equal(state.loss, "categorical_cross_entropy");
  assert.equal(state.optimizer, "gd");
  assert.equal(errors.length, 4);
  assert.equal(checkAgainstCatalog({ ...ok, dataset: "csv" }, catalog).state.dataset, "circle");
});

test("lists stay readable in the hash (commas are not escaped)", () => {
  const text = serialize({ ...DEFAULTS, networkShape: [8, 4] });
  assert.ok(text.includes("networkShape=8,4"), text);
  assert.ok(text.startsWith("dataset=circle&"));
});

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

// The catalog's dataset, loss and optimizer entries as GET /api/catalog gives them.
const CATALOG = {
  datasets: {
    circle: { task: "binary", suggested_output_activation: "sigmoid", suggested_loss: "binary_cross_entropy" },
    sine: { task: "regression", suggested_output_activation: "linear", suggested_loss: "mean_squared_error" },
    iris: { task: "multiclass", suggested_output_activation: "softmax", suggested_loss: "categorical_cross_entropy" },
  },
  hidden_activations: ["relu", "tanh"],
  output_activations: ["relu", "tanh", "sigmoid", "linear", "softmax"],
  losses: ["binary_cross_entropy", "categorical_cross_entropy", "mean_squared_error"],
  compatible_losses: {
    sigmoid: ["binary_cross_entropy", "mean_squared_error"],
    softmax: ["categorical_cross_entropy", "mean_squared_error"],
    linear: ["mean_squared_error"],
    tanh: ["mean_squared_error"],
    relu: ["mean_squared_error"],
  },
  matched_pairs: { sigmoid: "binary_cross_entropy", softmax: "categorical_cross_entropy", linear: "mean_squared_error" },
  initializers: ["he", "xavier"],
  optimizers: { gd: { learning_rate: 0.1 }, adam: { learning_rate: 0.01 } },
};

test("a link naming only the dataset gets the dataset's suggested output activation and loss", async () => {
  const { checkAgainstCatalog } = await import("../state.js");
  const { state: parsed, given } = deserialize("#dataset=sine");
  const { state, errors } = checkAgainstCatalog(parsed, CATALOG, given);
  assert.deepEqual(errors, []);
  assert.equal(state.outputActivation, "linear");
  assert.equal(state.loss, "mean_squared_error");
  const parsedIris = deserialize("#dataset=iris");
  const iris = checkAgainstCatalog(parsedIris.state, CATALOG, parsedIris.given);
  assert.equal(iris.state.outputActivation, "softmax");
  assert.equal(iris.state.loss, "categorical_cross_entropy");
  // The default page (no hash) keeps the circle's pair.
  const none = deserialize("");
  assert.equal(checkAgainstCatalog(none.state, CATALOG, none.given).state.loss, "binary_cross_entropy");
});

test("a link's own output activation stays, with a loss that fits the dataset's targets", async () => {
  const { checkAgainstCatalog } = await import("../state.js");
  const a = deserialize("#dataset=sine&outputActivation=tanh");
  assert.equal(checkAgainstCatalog(a.state, CATALOG, a.given).state.loss, "mean_squared_error");
  // Sigmoid + cross-entropy asked for on a regression target: the loss is replaced and said.
  const b = deserialize("#dataset=sine&outputActivation=sigmoid&loss=binary_cross_entropy");
  const { state, errors } = checkAgainstCatalog(b.state, CATALOG, b.given);
  assert.equal(state.outputActivation, "sigmoid");
  assert.equal(state.loss, "mean_squared_error");
  assert.equal(errors.length, 1);
  assert.match(errors[0], /binary_cross_entropy.*sine.*regression/);
});

test("only losses that fit the task are offered", async () => {
  const { fittingLosses, lossFor } = await import("../state.js");
  assert.deepEqual(fittingLosses(CATALOG, "sigmoid", "regression"), ["mean_squared_error"]);
  assert.deepEqual(fittingLosses(CATALOG, "sigmoid", "binary"), ["binary_cross_entropy", "mean_squared_error"]);
  assert.deepEqual(fittingLosses(CATALOG, "softmax", "multiclass"), ["categorical_cross_entropy", "mean_squared_error"]);
  assert.deepEqual(fittingLosses(CATALOG, "sigmoid", undefined), ["binary_cross_entropy", "mean_squared_error"]);
  assert.equal(lossFor(CATALOG, "sigmoid", "regression", "binary_cross_entropy"), "mean_squared_error");
  assert.equal(lossFor(CATALOG, "sigmoid", "binary", "mean_squared_error"), "mean_squared_error");
  assert.equal(lossFor(CATALOG, "softmax", "multiclass", "mean_squared_error"), "mean_squared_error");
  assert.equal(lossFor(CATALOG, "linear", "binary", "binary_cross_entropy"), "mean_squared_error");
});

test("an optimizer brings its default learning rate unless the link sets one", async () => {
  const { checkAgainstCatalog, withOptimizer } = await import("../state.js");
  assert.equal(withOptimizer({ ...DEFAULTS, learningRate: 3 }, "adam", CATALOG).learningRate, 0.01);
  assert.equal(withOptimizer({ ...DEFAULTS, learningRate: 3 }, "gd", CATALOG).learningRate, 0.1);
  const a = deserialize("#optimizer=adam");
  assert.equal(checkAgainstCatalog(a.state, CATALOG, a.given).state.learningRate, 0.01);
  const b = deserialize("#optimizer=adam&learningRate=0.003");
  assert.equal(checkAgainstCatalog(b.state, CATALOG, b.given).state.learningRate, 0.003);
  const c = deserialize("#seed=3");
  assert.equal(checkAgainstCatalog(c.state, CATALOG, c.given).state.learningRate, DEFAULTS.learningRate);
});

// The page state <-> the URL hash, table-driven as in TensorFlow Playground's state.ts:
// one list of {name, type} drives both serialize() and deserialize(). Playground's key
// names where they exist; `networkShape` is the hidden layers only, as there.
// Pure: no DOM (main.js reads and writes location.hash).

export const PROPS = [
  { name: "dataset", type: "string" },
  { name: "nSamples", type: "int", min: 1 },
  { name: "noise", type: "number", min: 0 },
  { name: "percTrainData", type: "int", min: 1, max: 99 },
  { name: "networkShape", type: "ints", min: 1 },
  { name: "activation", type: "string" },
  { name: "activations", type: "strings" },
  { name: "outputActivation", type: "string" },
  { name: "loss", type: "string" },
  { name: "init", type: "string" },
  { name: "optimizer", type: "string" },
  { name: "learningRate", type: "number", min: 0 },
  { name: "regularizationRate", type: "number", min: 0 },
  { name: "batchSize", type: "int", min: 0 },
  { name: "seed", type: "int", min: 0 },
];

export const DEFAULTS = Object.freeze({
  dataset: "circle",
  nSamples: 400,
  noise: 0.1,
  percTrainData: 80,
  networkShape: [4, 4],
  activation: "tanh",
  activations: [],
  outputActivation: "sigmoid",
  loss: "binary_cross_entropy",
  init: "xavier",
  optimizer: "gd",
  learningRate: 0.3,
  regularizationRate: 0,
  batchSize: 0,
  seed: 0,
});

/** Settings that apply to a running session without a reset. */
export const LIVE_KEYS = ["learningRate", "regularizationRate", "batchSize"];

function parseValue(prop, text) {
  const bounded = (x) =>
    Number.isFinite(x) && (prop.min === undefined || x >= prop.min) &&
    (prop.max === undefined || x <= prop.max);
  switch (prop.type) {
    case "string":
      return /^[A-Za-z0-9_.-]+$/.test(text) ? text : undefined;
    case "number": {
      const x = Number(text);
      return text !== "" && bounded(x) ? x : undefined;
    }
    case "int": {
      const x = Number(text);
      return text !== "" && Number.isInteger(x) && bounded(x) ? x : undefined;
    }
    case "ints": {
      if (text === "") return [];
      const xs = text.split(",").map(Number);
      return xs.every((x) => Number.isInteger(x) && bounded(x)) ? xs : undefined;
    }
    case "strings": {
      if (text === "") return [];
      const xs = text.split(",");
      return xs.every((x) => /^[A-Za-z0-9_]+$/.test(x)) ? xs : undefined;
    }
    default:
      throw new TypeError(`unknown property type ${prop.type}`);
  }
}

function formatValue(prop, value) {
  return Array.isArray(value) ? value.join(",") : String(value);
}

/** The hash text ("dataset=circle&networkShape=4,4&...") of a state, keys in table order. */
export function serialize(state) {
  return PROPS.filter((p) => state[p.name] !== undefined)
    .filter((p) => !(p.type === "strings" && state[p.name].length === 0))
    .map((p) => `${p.name}=${encodeURIComponent(formatValue(p, state[p.name])).replace(/%2C/g, ",")}`)
    .join("&");
}

/**
 * The state in a hash ("#a=1&b=2" or "a=1&b=2"), on top of DEFAULTS.
 * Returns {state, errors, given}; a bad or unknown key is skipped and named in `errors`;
 * `given` is the Set of keys the hash set (checkAgainstCatalog fills the others in).
 */
export function deserialize(hash) {
  const state = structuredClone({ ...DEFAULTS });
  const errors = [];
  const given = new Set();
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of text.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
    const prop = PROPS.find((p) => p.name === name);
    if (!prop) {
      errors.push(`unknown URL setting "${name}"`);
      continue;
    }
    const value = parseValue(prop, raw);
    if (value === undefined) errors.push(`URL setting ${name}="${raw}" is not a valid ${prop.type}`);
    else {
      state[name] = value;
      given.add(name);
    }
  }
  return { state, errors, given };
}

/** Activation of each hidden layer: the per-layer list where given, else `activation`. */
export function hiddenActivations(state) {
  return state.networkShape.map((_, i) => state.activations[i] ?? state.activation);
}

/** A copy of state with per-layer activations dropped when they all equal `activation`. */
export function normalize(state) {
  const acts = hiddenActivations(state);
  const uniform = acts.every((a) => a === acts[0]);
  return {
    ...state,
    activation: uniform && acts.length ? acts[0] : state.activation,
    activations: uniform ? [] : acts,
  };
}

/**
 * The POST /api/sessions body for a state. `shape` gives the dataset's n_features and
 * n_outputs; `csv` (optional) is the uploaded file's text, used when dataset is "csv".
 */
export function sessionBody(state, { n_features, n_outputs }, csv = null) {
  const dataset =
    state.dataset === "csv"
      ? { name: "csv", csv, label_column: null, train_fraction: state.percTrainData / 100 }
      : {
          name: state.dataset,
          n_samples: state.nSamples,
          noise: state.noise,
          train_fraction: state.percTrainData / 100,
        };
  return {
    layers: [n_features, ...state.networkShape, n_outputs],
    activations: [...hiddenActivations(state), state.outputActivation],
    loss: state.loss,
    init: state.init,
    seed: state.seed,
    dataset,
    optimizer: { name: state.optimizer, learning_rate: state.learningRate },
    batch_size: state.batchSize > 0 ? state.batchSize : null,
    l2: state.regularizationRate,
  };
}

/** Names of the keys whose values differ between two states. */
export function changedKeys(a, b) {
  return PROPS.map((p) => p.name).filter(
    (k) => formatValue(PROPS.find((p) => p.name === k), a[k]) !==
      formatValue(PROPS.find((p) => p.name === k), b[k]),
  );
}

/** True when going from state a to b needs a new session (not only live settings). */
export function needsReset(a, b) {
  return changedKeys(a, b).some((k) => !LIVE_KEYS.includes(k));
}

/** Losses that fit the targets of each dataset task (BCE needs 0/1 labels, CCE one-hot). */
export const TASK_LOSSES = Object.freeze({
  binary: ["binary_cross_entropy", "mean_squared_error"],
  multiclass: ["categorical_cross_entropy", "mean_squared_error"],
  regression: ["mean_squared_error"],
});

/** The task ("binary" | "multiclass" | "regression") of a catalog dataset, or undefined. */
export function datasetTask(catalog, dataset) {
  return catalog.datasets?.[dataset]?.task;
}

/**
 * Losses to offer for an output activation and a dataset task: the catalog's compatible
 * losses for the activation that also fit the task's targets (all of them for an unknown
 * task), in the catalog's order.
 */
export function fittingLosses(catalog, outputActivation, task) {
  const compatible = catalog.compatible_losses?.[outputActivation] ?? catalog.losses ?? [];
  const fit = TASK_LOSSES[task];
  return fit ? compatible.filter((l) => fit.includes(l)) : compatible;
}

/** `current` if it is offered for (activation, task), else the matched loss if offered, else the first. */
export function lossFor(catalog, outputActivation, task, current) {
  const ok = fittingLosses(catalog, outputActivation, task);
  if (ok.includes(current)) return current;
  const matched = catalog.matched_pairs?.[outputActivation];
  return ok.includes(matched) ? matched : ok[0];
}

/** The state with optimizer `name` and that optimizer's catalog learning rate. */
export function withOptimizer(state, name, catalog) {
  const lr = catalog.optimizers?.[name]?.learning_rate;
  return { ...state, optimizer: name, ...(Number.isFinite(lr) ? { learningRate: lr } : {}) };
}

/**
 * Names in a state checked against GET /api/catalog: an unknown dataset, activation,
 * loss, initializer or optimizer falls back to the default (or the matched loss) and is
 * named in `errors`. A "csv" dataset cannot come from a URL (the file is not in it).
 *
 * `given` (deserialize's Set of the keys a hash set; null = all of them) fills in what a
 * link left out: the dataset's suggested output activation and loss, and the optimizer's
 * default learning rate when the link names an optimizer but no learning rate. A loss
 * that does not fit the dataset's targets (binary cross-entropy for sine) is replaced.
 */
export function checkAgainstCatalog(state, catalog, given = null) {
  const s = structuredClone(state);
  const errors = [];
  const has = (key) => given === null || given.has(key);
  const fix = (key, ok, fallback, what) => {
    if (!ok(s[key])) {
      errors.push(`${what} "${s[key]}" is not available; using "${fallback}"`);
      s[key] = fallback;
    }
  };
  const datasets = Object.keys(catalog.datasets ?? {});
  if (s.dataset === "csv") {
    errors.push("a CSV dataset cannot be restored from a link; choose the file again");
    s.dataset = DEFAULTS.dataset;
  }
  fix("dataset", (v) => datasets.includes(v), datasets.includes(DEFAULTS.dataset) ? DEFAULTS.dataset : datasets[0], "dataset");
  const info = catalog.datasets?.[s.dataset] ?? {};
  const task = info.task;
  if (!has("outputActivation") && info.suggested_output_activation) s.outputActivation = info.suggested_output_activation;
  if (!has("loss") && info.suggested_loss) s.loss = info.suggested_loss;
  const hidden = catalog.hidden_activations ?? [];
  fix("activation", (v) => hidden.includes(v), DEFAULTS.activation, "activation");
  const bad = s.activations.filter((a) => !hidden.includes(a));
  if (bad.length) {
    errors.push(`activation "${bad[0]}" is not available for a hidden layer; using "${s.activation}"`);
    s.activations = s.activations.map((a) => (hidden.includes(a) ? a : s.activation));
  }
  fix("outputActivation", (v) => (catalog.output_activations ?? []).includes(v), info.suggested_output_activation ?? DEFAULTS.outputActivation, "output activation");
  if (fittingLosses(catalog, s.outputActivation, task).length === 0 && info.suggested_output_activation) {
    errors.push(`output activation "${s.outputActivation}" has no loss that fits ${s.dataset}'s ${task} targets; using "${info.suggested_output_activation}"`);
    s.outputActivation = info.suggested_output_activation;
  }
  const losses = catalog.compatible_losses?.[s.outputActivation] ?? catalog.losses ?? [];
  fix("loss", (v) => losses.includes(v), lossFor(catalog, s.outputActivation, task, s.loss), `loss for ${s.outputActivation}`);
  if (!fittingLosses(catalog, s.outputActivation, task).includes(s.loss)) {
    const fallback = lossFor(catalog, s.outputActivation, task, s.loss);
    errors.push(`loss "${s.loss}" does not fit ${s.dataset}'s ${task} targets; using "${fallback}"`);
    s.loss = fallback;
  }
  fix("init", (v) => (catalog.initializers ?? []).includes(v), DEFAULTS.init, "initializer");
  fix("optimizer", (v) => Object.keys(catalog.optimizers ?? {}).includes(v), DEFAULTS.optimizer, "optimizer");
  if (given !== null && given.has("optimizer") && !given.has("learningRate")) {
    s.learningRate = withOptimizer(s, s.optimizer, catalog).learningRate;
  }
  return { state: s, errors };
}

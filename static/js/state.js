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
 * Returns {state, errors}; a bad or unknown key is skipped and named in `errors`.
 */
export function deserialize(hash) {
  const state = structuredClone({ ...DEFAULTS });
  const errors = [];
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
    else state[name] = value;
  }
  return { state, errors };
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

/**
 * Names in a state checked against GET /api/catalog: an unknown dataset, activation,
 * loss, initializer or optimizer falls back to the default (or the matched loss) and is
 * named in `errors`. A "csv" dataset cannot come from a URL (the file is not in it).
 */
export function checkAgainstCatalog(state, catalog) {
  const s = structuredClone(state);
  const errors = [];
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
  const hidden = catalog.hidden_activations ?? [];
  fix("activation", (v) => hidden.includes(v), DEFAULTS.activation, "activation");
  const bad = s.activations.filter((a) => !hidden.includes(a));
  if (bad.length) {
    errors.push(`activation "${bad[0]}" is not available for a hidden layer; using "${s.activation}"`);
    s.activations = s.activations.map((a) => (hidden.includes(a) ? a : s.activation));
  }
  fix("outputActivation", (v) => (catalog.output_activations ?? []).includes(v), DEFAULTS.outputActivation, "output activation");
  const losses = catalog.compatible_losses?.[s.outputActivation] ?? catalog.losses ?? [];
  fix("loss", (v) => losses.includes(v), catalog.matched_pairs?.[s.outputActivation] ?? losses[0], `loss for ${s.outputActivation}`);
  fix("init", (v) => (catalog.initializers ?? []).includes(v), DEFAULTS.init, "initializer");
  fix("optimizer", (v) => Object.keys(catalog.optimizers ?? {}).includes(v), DEFAULTS.optimizer, "optimizer");
  return { state: s, errors };
}

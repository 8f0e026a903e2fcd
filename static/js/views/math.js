// Pure helpers for the views: shapes, numbers, equations with live shapes, the
// output-layer lesson and the "Why dA?" walkthrough texts. No DOM, no palette:
// everything here is node-tested (static/js/tests/views_math.test.mjs).

const LOSS_NAMES = {
  binary_cross_entropy: "binary cross-entropy",
  categorical_cross_entropy: "categorical cross-entropy",
  mean_squared_error: "squared error",
};

// dL/dA[L] per example, as the course writes it (A means A[L]).
const LOSS_GRADIENT = {
  binary_cross_entropy: "−(Y / A − (1 − Y) / (1 − A))",
  categorical_cross_entropy: "−Y / A",
  mean_squared_error: "A − Y",
};

const COST_FORMULA = {
  binary_cross_entropy: "−1/m · Σ (Y log A + (1 − Y) log(1 − A))",
  categorical_cross_entropy: "−1/m · Σ Σₖ Y log A",
  mean_squared_error: "1/m · Σ ½ Σₖ (A − Y)²",
};

// g'(Z) written in terms of what the forward pass cached.
const DERIVATIVE = {
  relu: "1{Z > 0}",
  leaky_relu: "(1 if Z > 0 else 0.01)",
  tanh: "(1 − A²)",
  sigmoid: "A(1 − A)",
  linear: "1",
  softmax: "(diag(A) − A Aᵀ)",
};

const MATCHED = {
  sigmoid: "binary_cross_entropy",
  softmax: "categorical_cross_entropy",
  linear: "mean_squared_error",
};

// How the product dL/dA · g'(Z) collapses to A − Y for each matched pair.
const CANCELLATION = {
  sigmoid: "−(Y/A − (1 − Y)/(1 − A)) · A(1 − A) = −Y(1 − A) + (1 − Y)A = A − Y",
  softmax: "A ⊙ (−Y/A − Σₖ A ⊙ (−Y/A)) = −Y + A · Σₖ Yₖ = A − Y (Σₖ Yₖ = 1)",
  linear: "(A − Y) · 1 = A − Y",
};

/** Human name of a loss ("binary cross-entropy"); unknown names pass through. */
export function lossName(loss) {
  return LOSS_NAMES[loss] ?? String(loss);
}

/** dL/dA[L] per example for a loss, in terms of A = A[L] and Y. */
export function lossGradient(loss) {
  return LOSS_GRADIENT[loss] ?? "∂L/∂A";
}

/** g'(Z) of an activation, in terms of the cached Z or A. */
export function derivative(activation) {
  return DERIVATIVE[activation] ?? `${activation}'(Z)`;
}

/** True when dZ[L] = A[L] − Y holds for this output activation and loss. */
export function isMatched(activation, loss, catalog = null) {
  const pairs = catalog?.matched_pairs ?? MATCHED;
  return pairs[activation] === loss;
}

/** [rows, cols] of a nested-list matrix ([0, 0] for empty or missing). */
export function shapeOf(matrix) {
  if (!Array.isArray(matrix) || matrix.length === 0) return [0, 0];
  return [matrix.length, Array.isArray(matrix[0]) ? matrix[0].length : 1];
}

/** "16×320"; a missing dimension prints as its symbol (m). */
export function fmtShape(shape) {
  if (!shape) return "";
  return `(${shape.map((d) => (d === null || d === undefined ? "m" : d)).join("×")})`;
}

/** Compact number: 3 significant digits, exponent when tiny or huge. */
export function fmtNum(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  const s = a < 1e-3 || a >= 1e4 ? x.toExponential(1).replace("e+", "e") : String(Number(x.toPrecision(3)));
  return s.replace(/^-/, "−");
}

/** Full-batch shapes of every tensor of layer l (1-based) for batch size m. */
export function layerShapes(config, l, m = null) {
  const n = config.layers;
  if (!Number.isInteger(l) || l < 1 || l >= n.length) {
    throw new RangeError(`layer must be 1..${n.length - 1}, got ${l}`);
  }
  const [cur, prev] = [n[l], n[l - 1]];
  return {
    A_prev: [prev, m], Z: [cur, m], A: [cur, m], dA: [cur, m], dZ: [cur, m],
    dA_prev: [prev, m], W: [cur, prev], b: [cur, 1], dW: [cur, prev], db: [cur, 1],
  };
}

/** Frobenius norm, maximum |x|, min and max of a nested-list matrix. */
export function stats(matrix) {
  let sq = 0, maxAbs = 0, min = Infinity, max = -Infinity, count = 0;
  for (const row of matrix ?? []) {
    for (const v of Array.isArray(row) ? row : [row]) {
      sq += v * v; count += 1;
      if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return count ? { norm: Math.sqrt(sq), maxAbs, min, max, count } : { norm: 0, maxAbs: 0, min: 0, max: 0, count: 0 };
}

/** Element-wise a − b of two equal-shape matrices. */
export function subtract(a, b) {
  const [ra, ca] = shapeOf(a), [rb, cb] = shapeOf(b);
  if (ra !== rb || ca !== cb) throw new RangeError(`shapes differ: ${fmtShape([ra, ca])} vs ${fmtShape([rb, cb])}`);
  return a.map((row, i) => row.map((v, j) => v - b[i][j]));
}

/** max |a − b| over two equal-shape matrices. */
export function maxAbsDiff(a, b) {
  return stats(subtract(a, b)).maxAbs;
}

/** The (row, col) cell under a point of a rows×cols grid drawn width×height, or null. */
export function cellAt(x, y, width, height, rows, cols) {
  if (x < 0 || y < 0 || x >= width || y >= height || rows < 1 || cols < 1) return null;
  return { row: Math.min(rows - 1, Math.floor((y / height) * rows)), col: Math.min(cols - 1, Math.floor((x / width) * cols)) };
}

/** Move a keyboard cursor by an arrow key, clamped to the grid; null for other keys. */
export function moveCursor(cursor, key, rows, cols) {
  const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Home: [0, -cols], End: [0, cols] }[key];
  if (!d) return null;
  const clamp = (v, hi) => Math.max(0, Math.min(hi - 1, v));
  return { row: clamp(cursor.row + d[0], rows), col: clamp(cursor.col + d[1], cols) };
}

// ---- the operation sequence (mirrors static/js/operations.js, protocol.md) ----

/** Ops of one iteration for L layers, in the protocol's order. */
export function opSequence(L) {
  const ops = [];
  for (let l = 1; l <= L; l++) {
    ops.push({ phase: "forward", kind: "linear", layer: l }, { phase: "forward", kind: "activation", layer: l });
  }
  ops.push({ phase: "cost", kind: "cost", layer: L }, { phase: "backward", kind: "dA_L", layer: L });
  for (let l = L; l >= 1; l--) {
    for (const kind of ["dZ", "dW", "db"]) ops.push({ phase: "backward", kind, layer: l });
    if (l > 1) ops.push({ phase: "backward", kind: "dA_prev", layer: l });
  }
  ops.push({ phase: "update", kind: "update", layer: null });
  return ops;
}

/** Index of op (matched by kind and layer) in opSequence(L), or -1. */
export function opIndex(L, op) {
  if (!op) return -1;
  return opSequence(L).findIndex((o) => o.kind === op.kind && (o.kind === "update" || o.layer === op.layer));
}

/**
 * Tensors an op reads and writes, as canonical refs {key, layer, role}; keys are
 * A, Z, dA, dZ, W, b, dW, db, Y, J (A of layer 0 is X, dA of layer l-1 is dA_prev of l).
 */
export function opTensors(op, L) {
  if (!op) return [];
  const l = op.layer, i = (key, layer = l) => ({ key, layer, role: "input" }), o = (key, layer = l) => ({ key, layer, role: "output" });
  switch (op.kind) {
    case "linear": return [i("W"), i("A", l - 1), i("b"), o("Z")];
    case "activation": return [i("Z"), o("A")];
    case "cost": return [i("A", L), i("Y", L), o("J", L)];
    case "dA_L": return [i("A", L), i("Y", L), o("dA", L)];
    case "dZ": return [i("dA"), i("Z"), o("dZ")];
    case "dW": return [i("dZ"), i("A", l - 1), o("dW")];
    case "db": return [i("dZ"), o("db")];
    case "dA_prev": return [i("W"), i("dZ"), o("dA", l - 1)];
    case "update": {
      const refs = [];
      for (let k = 1; k <= L; k++) refs.push(i("dW", k), i("db", k), o("W", k), o("b", k));
      return refs;
    }
    default: return [];
  }
}

// ---- equations with live shapes ----

/** A symbol token: base with layer superscript, optional transpose and shape. */
export function sym(base, layer, shape = null, transpose = false) {
  return { base, layer, shape, transpose };
}

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Render equation tokens (strings and sym()s) as HTML with sub/sup. */
export function toHTML(tokens) {
  return tokens.map((t) => {
    if (typeof t === "string") return `<span class="eq-op">${esc(t)}</span>`;
    const sup = t.layer === null || t.layer === undefined ? (t.transpose ? "T" : "") : `[${t.layer}]${t.transpose ? "T" : ""}`;
    const shape = t.shape ? ` <span class="eq-shape">${fmtShape(t.shape)}</span>` : "";
    return `<span class="eq-sym">${esc(t.base)}${sup ? `<sup>${sup}</sup>` : ""}</span>${shape}`;
  }).join(" ");
}

/** Render equation tokens as plain text (an aria-label, so ^T rather than ᵀ, which screen readers spell out): dW[2] (16×8) = 1/m · dZ[2] (16×500) · A[1]^T (500×8). */
export function toText(tokens) {
  return tokens.map((t) => {
    if (typeof t === "string") return t;
    const layer = t.layer === null || t.layer === undefined ? "" : `[${t.layer}]`;
    return `${t.base}${layer}${t.transpose ? "^T" : ""}${t.shape ? ` ${fmtShape(t.shape)}` : ""}`;
  }).join(" ");
}

/**
 * Tokens of the equation an op computes, with the full-batch shapes for batch size m.
 * config = {layers, activations, loss}.
 */
export function equationTokens(op, config, m = null) {
  if (!op) return [];
  const L = config.layers.length - 1;
  if (op.kind === "update") {
    const name = config.optimizer?.name ?? "gd";
    const tail = `for l = 1…${L}`;
    if (name === "momentum") {
      return [sym("v_dW", "l"), ":= β ·", sym("v_dW", "l"), "+ (1 − β) ·", sym("dW", "l"), ",", sym("W", "l"), ":=", sym("W", "l"), "− α ·", sym("v_dW", "l"),
        `(b the same with v_db), β = ${fmtNum(config.optimizer.beta ?? 0.9)}, ${tail}`];
    }
    if (name === "adam") {
      const h = config.optimizer;
      return [sym("v_dW", "l"), ":= β₁ ·", sym("v_dW", "l"), "+ (1 − β₁) ·", sym("dW", "l"), ",", sym("s_dW", "l"), ":= β₂ ·", sym("s_dW", "l"), "+ (1 − β₂) ·", sym("dW", "l"), "² ,",
        "v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ) ,", sym("W", "l"), ":=", sym("W", "l"), "− α · v̂ / (√ŝ + ε)",
        `(b the same with db), β₁ = ${fmtNum(h.beta1 ?? 0.9)}, β₂ = ${fmtNum(h.beta2 ?? 0.999)}, ε = ${h.epsilon ?? 1e-8}, t = update count, ${tail}`];
    }
    return [sym("W", "l"), ":=", sym("W", "l"), "− α ·", sym("dW", "l"), ",", sym("b", "l"), ":=", sym("b", "l"), "− α ·", sym("db", "l"), tail];
  }
  const l = op.layer;
  const s = layerShapes(config, l, m);
  const g = config.activations[l - 1];
  const aPrev = sym("A", l - 1, s.A_prev);
  switch (op.kind) {
    case "linear": return [sym("Z", l, s.Z), "=", sym("W", l, s.W), "·", aPrev, "+", sym("b", l, s.b)];
    case "activation": return [sym("A", l, s.A), "=", `${g}(`, sym("Z", l, s.Z), ")"];
    case "cost": return [sym("J", null), "=", COST_FORMULA[config.loss] ?? "1/m · Σ L(A, Y)", "with A =", sym("A", L, s.A), ", Y", fmtShape(s.A)];
    case "dA_L": return [sym("dA", L, s.dA), "= ∂L/∂A =", lossGradient(config.loss)];
    case "dZ": return [sym("dZ", l, s.dZ), "=", sym("dA", l, s.dA), "∗ g′(", sym("Z", l, s.Z), ") , g′ =", derivative(g)];
    case "dW": return [sym("dW", l, s.dW), "= 1/m ·", sym("dZ", l, s.dZ), "·", sym("A", l - 1, [s.A_prev[1], s.A_prev[0]], true)];
    case "db": return [sym("db", l, s.db), "= 1/m · Σᵢ", sym("dZ", l, s.dZ), "(sum over the m columns)"];
    case "dA_prev": return [sym("dA", l - 1, s.dA_prev), "=", sym("W", l, [s.W[1], s.W[0]], true), "·", sym("dZ", l, s.dZ)];
    default: throw new RangeError(`unknown op kind ${op.kind}`);
  }
}

const UPDATE_EXPLANATION = {
  gd: "Gradient descent: every W and b moves against its gradient, by α times dW and db.",
  momentum: "Gradient descent with momentum: each parameter keeps v, an exponentially weighted average of its gradients (β of the old v, 1 − β of the new dW), and moves by α times v, which damps the zig-zag.",
  adam: "Adam: each parameter keeps v, an average of its gradients (β₁), and s, an average of their squares (β₂), both bias-corrected for the first steps; it moves by α v̂ / (√ŝ + ε), a step scaled per entry.",
};

/**
 * The building-blocks view's update bar for an optimizer ({name, beta, beta1, beta2, ...}):
 * one to three lines in the course's notation (Course 2), [l] marks a layer superscript.
 */
export function updateLines(optimizer = null) {
  const name = optimizer?.name ?? "gd";
  if (name === "momentum") {
    return [
      `momentum (β = ${fmtNum(optimizer.beta ?? 0.9)}): v_dW[l] := β v_dW[l] + (1 − β) dW[l],  v_db[l] := β v_db[l] + (1 − β) db[l]`,
      "update: W[l] := W[l] − α v_dW[l],  b[l] := b[l] − α v_db[l]  for every layer l",
    ];
  }
  if (name === "adam") {
    return [
      `Adam (β₁ = ${fmtNum(optimizer.beta1 ?? 0.9)}, β₂ = ${fmtNum(optimizer.beta2 ?? 0.999)}): v_dW[l] := β₁ v_dW[l] + (1 − β₁) dW[l],  s_dW[l] := β₂ s_dW[l] + (1 − β₂) dW[l]²`,
      "bias-corrected at update t: v̂_dW[l] = v_dW[l] / (1 − β₁ᵗ),  ŝ_dW[l] = s_dW[l] / (1 − β₂ᵗ)",
      "update: W[l] := W[l] − α v̂_dW[l] / (√ŝ_dW[l] + ε),  b[l] the same with db[l]  for every layer l",
    ];
  }
  return ["update: W[l] := W[l] − α dW[l],  b[l] := b[l] − α db[l]  for every layer l"];
}

/** One sentence on what an op does, for the inspector's caption. */
export function opExplanation(op, config) {
  if (!op) return "";
  const L = config.layers.length - 1, l = op.layer;
  return {
    linear: `Layer ${l} forward, linear part: mixes the ${config.layers[l - 1]} inputs of every example; caches A[${l - 1}], W[${l}], b[${l}].`,
    activation: `Layer ${l} forward, activation ${config.activations[l - 1]}; caches Z[${l}] for the backward pass.`,
    cost: `The cost averages the ${lossName(config.loss)} over the m examples.`,
    dA_L: `The backward pass starts at the loss: dA[${L}] is ∂L/∂A[${L}] per example (no 1/m yet).`,
    dZ: `Layer ${l} backward: dZ[${l}] is made locally from the incoming dA[${l}] and the cached Z[${l}].`,
    dW: `dW[${l}] comes from dZ[${l}] and the cached A[${l - 1}], averaged over the m examples; kept for the update.`,
    db: `db[${l}] is dZ[${l}] averaged over the m examples; kept for the update.`,
    dA_prev: `The hand-off: dA[${l - 1}] goes down to layer ${l - 1}, which needs it to make its own dZ[${l - 1}].`,
    update: `${UPDATE_EXPLANATION[config.optimizer?.name] ?? UPDATE_EXPLANATION.gd} The W and b shown are the ones this iteration used; the next iteration shows the updated ones.`,
  }[op.kind] ?? "";
}

// ---- output-layer lesson ----

/** True when `s` is one bracketed group from its first to its last character. */
function oneGroup(s) {
  if (!s.startsWith("(") || !s.endsWith(")")) return false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")") depth--;
    if (depth === 0 && i < s.length - 1) return false;
  }
  return true;
}

/**
 * An expression made safe as a factor of a product: brackets unless it is one symbol,
 * a number, a function-style term like A(1 − A) or 1{Z > 0}, or already one bracketed
 * group (a leading minus before it is fine: −(…) · x = −((…) · x)).
 */
export function asFactor(expr) {
  const s = String(expr).trim();
  if (/^[A-Za-z0-9.]+$/.test(s) || oneGroup(s)) return s;
  if (s.startsWith("−") && oneGroup(s.slice(1))) return s;
  if (/^[A-Za-z0-9]+(\(.*\)|\{.*\})$/.test(s) && oneGroup(s.slice(s.search(/[({]/)).replace(/^\{/, "(").replace(/\}$/, ")"))) return s;
  return `(${s})`;
}

/**
 * What the lesson shows for an output activation and loss: the explicit path's
 * two steps, and either the cancellation to A − Y or why it does not happen.
 */
export function lessonContent(activation, loss, L, catalog = null) {
  const matched = isMatched(activation, loss, catalog);
  const dA = lossGradient(loss), gp = derivative(activation);
  const product = `${asFactor(dA)} · ${asFactor(gp)}`;
  const explicit = [
    `dA[${L}] = ∂L/∂A[${L}] = ${dA}`,
    `dZ[${L}] = dA[${L}] ∗ g′(Z[${L}]) = ${product}`,
  ];
  if (matched) {
    return {
      matched, explicit,
      shortcut: `dZ[${L}] = A[${L}] − Y`,
      why: `For ${activation} + ${lossName(loss)} the factor g′(Z) cancels the denominator of ∂L/∂A: ${CANCELLATION[activation]}.`,
    };
  }
  return {
    matched, explicit,
    shortcut: `dZ[${L}] = ${product}`,
    why: `For ${activation} + ${lossName(loss)} the shortcut dZ[${L}] = A[${L}] − Y is not available: g′(Z) = ${gp} does not cancel ∂L/∂A = ${dA}, so dZ[${L}] = ${product}. You must go through dA[${L}].`,
  };
}

// ---- "Why dA?" walkthrough ----

const layerOf = (frame, l) => frame?.layers?.find((x) => x.layer === l) ?? null;

function normOf(frame, l, key) {
  const layer = layerOf(frame, l);
  if (!layer) return null;
  if (key === "dA" && typeof layer.dA_norm === "number") return layer.dA_norm;
  if (key === "dW" && typeof layer.dW_norm === "number") return layer.dW_norm;
  return layer[key] ? stats(layer[key]).norm : null;
}

function first(frame, l, key) {
  const v = layerOf(frame, l)?.[key]?.[0]?.[0];
  return typeof v === "number" ? v : null;
}

/**
 * The walkthrough's steps over the live network: an intro at dA[L], one stop per
 * backward block from L down to 1 (at its hand-off op, or db[1] for layer 1), and
 * the answer. Each step: {title, lines: [text], target: op}.
 */
export function walkthroughSteps(config, frame = null) {
  const L = config.layers.length - 1;
  const m = frame?.m ?? null;
  const w = frame?.columns?.length ?? null;
  const windowNote = w ? ` (the views show ${w} of the m = ${m} example columns)` : "";
  const steps = [{
    title: "Why do we need dA?",
    lines: [
      `The backward pass is a chain of ${L} building blocks, one per layer, run from layer ${L} down to layer 1.`,
      `It starts at the loss: dA[${L}] ${fmtShape([config.layers[L], m])} = ∂L/∂A[${L}] = ${lossGradient(config.loss)}${windowNote}.`,
      "Watch what each block receives and what it gives away.",
    ],
    target: { phase: "backward", kind: "dA_L", layer: L },
  }];
  for (let l = L; l >= 1; l--) {
    const s = layerShapes(config, l, m);
    const comesFrom = l === L ? "from the loss" : `from block ${l + 1}`;
    const lines = [
      `In: dA[${l}] ${fmtShape(s.dA)} ${comesFrom}; ‖dA[${l}]‖ = ${fmtNum(normOf(frame, l, "dA"))}, first entry ${fmtNum(first(frame, l, "dA"))}.`,
      `Locally: dZ[${l}] = dA[${l}] ∗ g′(Z[${l}]) with the cached Z[${l}] (${config.activations[l - 1]}); first entry ${fmtNum(first(frame, l, "dZ"))}.`,
      `Kept for the update: dW[${l}] ${fmtShape(s.dW)} = 1/m dZ[${l}] A[${l - 1}]ᵀ (‖dW[${l}]‖ = ${fmtNum(normOf(frame, l, "dW"))}) and db[${l}] ${fmtShape(s.db)}.`,
    ];
    if (l > 1) {
      lines.push(`Handed down: dA[${l - 1}] ${fmtShape(s.dA_prev)} = W[${l}]ᵀ dZ[${l}] — the only thing block ${l - 1} gets from above.`);
    } else {
      lines.push("Nothing to hand down: dA[0] would be the gradient with respect to the input X, which no parameter needs.");
    }
    steps.push({
      title: `Block ${l} of ${L}${l === L ? " (output layer)" : ""}`,
      lines,
      target: l > 1 ? { phase: "backward", kind: "dA_prev", layer: l } : { phase: "backward", kind: "db", layer: 1 },
    });
  }
  steps.push({
    title: "The answer",
    lines: [
      "dW and db are what we update, but they are made from dZ, and layer l − 1 can only get its dZ[l−1] from dA[l−1] = W[l]ᵀ dZ[l].",
      `dA is the hand-off between blocks: without it no layer below ${L} gets a gradient${L > 1 ? "" : " (with one layer there is nothing below, so dA[0] is never needed)"}.`,
    ],
    target: { phase: "update", kind: "update", layer: null },
  });
  return steps;
}

/** Split course notation into parts for rendering: "dA[2] = Wᵀ" -> [{base:"dA", sup:"[2]"}, {text:" = Wᵀ"}]. */
export function notationParts(str) {
  const parts = [];
  const re = /([A-Za-z]+)\[([^\]]+)\](ᵀ)?/g;
  let last = 0;
  for (let mt; (mt = re.exec(str));) {
    if (mt.index > last) parts.push({ text: str.slice(last, mt.index) });
    parts.push({ base: mt[1], sup: `[${mt[2]}]${mt[3] ? "T" : ""}` });
    last = re.lastIndex;
  }
  if (last < str.length) parts.push({ text: str.slice(last) });
  return parts;
}

/** dZ = dA ∗ g′(Z) computed from the cached window (softmax: its Jacobian-vector product per column). */
export function explicitDZ(activation, dA, Z, A) {
  const per = {
    relu: (d, z) => (z > 0 ? d : 0),
    leaky_relu: (d, z) => (z > 0 ? d : 0.01 * d),
    tanh: (d, z, a) => d * (1 - a * a),
    sigmoid: (d, z, a) => d * a * (1 - a),
    linear: (d) => d,
  }[activation];
  if (per) return dA.map((row, i) => row.map((d, j) => per(d, Z[i][j], A[i][j])));
  if (activation === "softmax") {
    const cols = shapeOf(A)[1];
    const dot = Array.from({ length: cols }, (_, j) => A.reduce((s, row, i) => s + row[j] * dA[i][j], 0));
    return A.map((row, i) => row.map((a, j) => a * (dA[i][j] - dot[j])));
  }
  throw new RangeError(`unknown activation ${activation}`);
}

/**
 * What the lesson says about the two dZ[L]: `windowDiff` is max |explicit − (A − Y)|
 * recomputed in the browser from the window (sent as float32, so ~1e-7 at best);
 * `serverDiff` is the server's float64 value over the whole batch (or null).
 */
export function agreementText(L, matched, windowDiff, serverDiff = null) {
  const here = `recomputed here from this window's values: ${fmtNum(windowDiff)}`;
  if (!matched) {
    return `max |dZ[${L}] − (A[${L}] − Y)| = ${fmtNum(windowDiff)} in this window: A[${L}] − Y is not dZ[${L}] for this pair.`;
  }
  const server = typeof serverDiff === "number"
    ? `max |dZ[${L}] explicit − (A[${L}] − Y)| = ${fmtNum(serverDiff)} over the whole batch in float64: they agree to rounding (about 1e-16). `
    : "";
  const precision = windowDiff > 1e-12 ? " (the browser gets float32 numbers, so ~1e-7 is as close as it can see)" : "";
  return `${server}${server ? here[0].toUpperCase() + here.slice(1) : `They agree: ${here}`}${precision}.`;
}

// ---- chart values (never hand NaN or Infinity to Plotly) ----

/** Largest magnitude a chart draws; beyond it (a diverged run) a line breaks. */
export const CHART_LIMIT = 1e30;

/** v when it is a finite number within ±limit, else null (a clean break in a Plotly line). */
export function chartValue(v, limit = CHART_LIMIT) {
  return typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= limit ? v : null;
}

/** v when finite and positive within limit (a log axis), else null. */
export function logChartValue(v, limit = CHART_LIMIT) {
  return typeof v === "number" && Number.isFinite(v) && v > 0 && v <= limit ? v : null;
}

/** v clamped into [lo, hi]; null when v is not a finite number. */
export function clampValue(v, lo, hi) {
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Decades between log-axis ticks so that at most `maxTicks` labels show for positive
 * values spanning [min, max]: 1 (every decade) up to a five-decade span, then wider.
 */
export function logTickStep(min, max, maxTicks = 6) {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return 1;
  const lo = Math.floor(Math.log10(Math.min(min, max)));
  const hi = Math.ceil(Math.log10(Math.max(min, max)));
  return Math.max(1, Math.ceil((hi - lo) / Math.max(1, maxTicks - 1)));
}

/** [lo, hi] of the finite values in nested lists, or null when there are none. */
export function finiteRange(...lists) {
  let lo = Infinity, hi = -Infinity;
  const walk = (v) => {
    if (Array.isArray(v)) { for (const x of v) walk(x); return; }
    if (typeof v === "number" && Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  };
  for (const l of lists) walk(l);
  return lo <= hi ? [lo, hi] : null;
}

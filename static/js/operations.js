// The operation sequence of one training iteration (protocol.md), pure and node-tested:
// forward (per layer linear, activation), cost, backward (dA[L], then per layer dZ, dW,
// db, dA[l-1]), update. Each op knows its label, the tensors it reads and writes, and
// can write its equation with the live shapes.

const T = "ᵀ";

function op(phase, kind, layer, label, reads, writes) {
  return { phase, kind, layer, label, reads, writes };
}

const t = (tensor, layer) => ({ tensor, layer });

// The update op's label per optimizer (Course 2's rules; b is updated the same way).
const UPDATE_LABEL = {
  gd: "W := W - α dW, b := b - α db",
  momentum: "v := β v + (1 - β) dW, W := W - α v (b likewise)",
  adam: "v := β1 v + (1 - β1) dW, s := β2 s + (1 - β2) dW², W := W - α v̂/(√ŝ + ε) (b likewise)",
};

/**
 * The ops of one iteration of an L-layer network, in order.
 * activations: names per layer 1..L (optional; used in the activation labels);
 * optimizer: {name: "gd" | "momentum" | "adam"} (optional; the update op's rule).
 */
export function operations(L, activations = [], optimizer = null) {
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`L must be an integer >= 1, got ${L}`);
  const g = (l) => activations[l - 1] ?? `g[${l}]`;
  const ops = [];
  for (let l = 1; l <= L; l += 1) {
    ops.push(op("forward", "linear", l, `Z[${l}] = W[${l}] A[${l - 1}] + b[${l}]`,
      [t("A", l - 1), t("W", l), t("b", l)], [t("Z", l)]));
    ops.push(op("forward", "activation", l, `A[${l}] = ${g(l)}(Z[${l}])`,
      [t("Z", l)], [t("A", l)]));
  }
  ops.push(op("cost", "cost", L, `J = 1/m Σ L(A[${L}], Y)`, [t("A", L), t("Y", L)], [t("J", L)]));
  ops.push(op("backward", "dA_L", L, `dA[${L}] = dL/dA[${L}]`, [t("A", L), t("Y", L)], [t("dA", L)]));
  for (let l = L; l >= 1; l -= 1) {
    ops.push(op("backward", "dZ", l, `dZ[${l}] = dA[${l}] * g'(Z[${l}])`,
      [t("dA", l), t("Z", l)], [t("dZ", l)]));
    ops.push(op("backward", "dW", l, `dW[${l}] = 1/m dZ[${l}] A[${l - 1}]^T`,
      [t("dZ", l), t("A", l - 1)], [t("dW", l)]));
    ops.push(op("backward", "db", l, `db[${l}] = 1/m Σ dZ[${l}]`, [t("dZ", l)], [t("db", l)]));
    if (l > 1) {
      ops.push(op("backward", "dA_prev", l, `dA[${l - 1}] = W[${l}]^T dZ[${l}]`,
        [t("W", l), t("dZ", l)], [t("dA", l - 1)]));
    }
  }
  const all = (name) => Array.from({ length: L }, (_, i) => t(name, i + 1));
  ops.push(op("update", "update", null, UPDATE_LABEL[optimizer?.name ?? "gd"] ?? UPDATE_LABEL.gd,
    [...all("dW"), ...all("db")], [...all("W"), ...all("b")]));
  return ops.map((o, index) => Object.freeze({ ...o, index }));
}

/** Number of ops in one iteration of an L-layer network: 2L + 2 + 4L - 1 + 1. */
export function operationCount(L) {
  return 6 * L + 2;
}

const dim = (n, m) => `(${n}×${m})`;

/**
 * The op's equation with live shapes, e.g.
 * `dW[2] (16×8) = 1/m · dZ[2] (16×500) · A[1]ᵀ (500×8)`.
 * layers: n[0..L]; m: examples in the batch; activations: names per layer 1..L;
 * optimizer: {name, beta, beta1, beta2, epsilon} (optional, gradient descent without).
 */
export function equation(o, { layers, m, activations = [], optimizer = null }) {
  const n = (l) => layers[l];
  const l = o.layer;
  const g = activations[l - 1] ?? `g[${l}]`;
  switch (o.kind) {
    case "linear":
      return `Z[${l}] ${dim(n(l), m)} = W[${l}] ${dim(n(l), n(l - 1))} · A[${l - 1}] ${dim(n(l - 1), m)} + b[${l}] ${dim(n(l), 1)}`;
    case "activation":
      return `A[${l}] ${dim(n(l), m)} = ${g}(Z[${l}] ${dim(n(l), m)})`;
    case "cost":
      return `J (1×1) = 1/m · Σ L(A[${l}] ${dim(n(l), m)}, Y ${dim(n(l), m)}),  m = ${m}`;
    case "dA_L":
      return `dA[${l}] ${dim(n(l), m)} = ∂L/∂A[${l}]`;
    case "dZ":
      return `dZ[${l}] ${dim(n(l), m)} = dA[${l}] ${dim(n(l), m)} * ${g}'(Z[${l}]) ${dim(n(l), m)}`;
    case "dW":
      return `dW[${l}] ${dim(n(l), n(l - 1))} = 1/m · dZ[${l}] ${dim(n(l), m)} · A[${l - 1}]${T} ${dim(m, n(l - 1))}`;
    case "db":
      return `db[${l}] ${dim(n(l), 1)} = 1/m · Σ dZ[${l}] ${dim(n(l), m)}`;
    case "dA_prev":
      return `dA[${l - 1}] ${dim(n(l - 1), m)} = W[${l}]${T} ${dim(n(l - 1), n(l))} · dZ[${l}] ${dim(n(l), m)}`;
    case "update": {
      const all = `for l = 1..${layers.length - 1}`;
      if (optimizer?.name === "momentum") {
        return `v_dW[l] := β · v_dW[l] + (1 − β) · dW[l],  W[l] := W[l] − α · v_dW[l]  (b the same with v_db), β = ${optimizer.beta ?? 0.9}, ${all}`;
      }
      if (optimizer?.name === "adam") {
        return `v_dW[l] := β₁ · v_dW[l] + (1 − β₁) · dW[l],  s_dW[l] := β₂ · s_dW[l] + (1 − β₂) · dW[l]²,  `
          + `v̂ = v / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ),  W[l] := W[l] − α · v̂ / (√ŝ + ε)  (b the same with db), `
          + `β₁ = ${optimizer.beta1 ?? 0.9}, β₂ = ${optimizer.beta2 ?? 0.999}, ε = ${optimizer.epsilon ?? 1e-8}, ${all}`;
      }
      return `W[l] := W[l] − α · dW[l],  b[l] := b[l] − α · db[l]  ${all}`;
    }
    default:
      throw new RangeError(`unknown operation kind ${o.kind}`);
  }
}

/** True when op `o` reads or writes `tensor` of `layer`. */
export function touches(o, tensor, layer) {
  if (!o) return false;
  return [...o.reads, ...o.writes].some((x) => x.tensor === tensor && x.layer === layer);
}

/** Which parameter tensor a view should draw for op `o`: dW during backward/update, else W. */
export function weightTensor(o) {
  return o && (o.phase === "backward" || o.phase === "update") ? "dW" : "W";
}

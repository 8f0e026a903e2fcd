// The shared colour-blind-safe diverging palette: orange for negative, near-white for
// zero, blue for positive (PuOr's orange arm, RdBu's blue arm; no red/green).
// app.css mirrors these stops as CSS custom properties (--neg, --zero, --pos).

export const NEGATIVE = "#b35806";
export const ZERO = "#f7f7f7";
export const POSITIVE = "#2166ac";

const STOPS = [
  [0.0, [0xb3, 0x58, 0x06]],
  [0.25, [0xf1, 0xa3, 0x40]],
  [0.5, [0xf7, 0xf7, 0xf7]],
  [0.75, [0x67, 0xa9, 0xcf]],
  [1.0, [0x21, 0x66, 0xac]],
];

/** Plotly colorscale of the same palette (use with zmid: 0, or zmin/zmax symmetric). */
export const colorscale = STOPS.map(([t, [r, g, b]]) => [t, `rgb(${r},${g},${b})`]);

/** [r, g, b] (0-255) for value in [-maxAbs, maxAbs]; clamps outside, neutral when undefined. */
export function divergingRgb(value, maxAbs) {
  if (!Number.isFinite(value) || !(maxAbs > 0)) return STOPS[2][1].slice();
  const t = (Math.max(-1, Math.min(1, value / maxAbs)) + 1) / 2;
  let i = 0;
  while (i < STOPS.length - 2 && t > STOPS[i + 1][0]) i += 1;
  const [t0, c0] = STOPS[i];
  const [t1, c1] = STOPS[i + 1];
  const f = (t - t0) / (t1 - t0);
  return [0, 1, 2].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * f));
}

/** CSS colour for value in [-maxAbs, maxAbs]. */
export function diverging(value, maxAbs) {
  const [r, g, b] = divergingRgb(value, maxAbs);
  return `rgb(${r},${g},${b})`;
}

/** Largest absolute finite value of a number or a nested list (0 when none). */
export function maxAbsOf(values) {
  let best = 0;
  const visit = (v) => {
    if (Array.isArray(v)) for (const x of v) visit(x);
    else if (Number.isFinite(v) && Math.abs(v) > best) best = Math.abs(v);
  };
  visit(values);
  return best;
}

// Output charts (Plotly): train/test cost, accuracy, per-layer gradient norms (log y),
// and the decision boundary with the data for 2-D sets (a fit curve for 1-D regression).
// Each chart is built once per session; frames only queue points, and tick() flushes
// at most one chart per animation frame, each chart about once a second while training
// (a Plotly redraw costs 15-35 ms, so more often would drop animation frames).

import { colorscale, NEGATIVE, POSITIVE } from "../palette.js";
import { CHART_LIMIT, chartValue, clampValue, finiteRange, logChartValue, logTickStep } from "./math.js";

// Okabe-Ito: a categorical palette that colour-blind readers can tell apart.
const LAYER_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"];
const MIN_INTERVAL_MS = 1000; // per chart
const GLOBAL_INTERVAL_MS = 250; // all charts together: at most 4 Plotly calls a second
const MAX_POINTS = 3000;
const CONFIG = { displayModeBar: false, responsive: true };
const presenter = () => document.documentElement.classList.contains("presenter");
const fontSize = () => (presenter() ? 15 : 11);
// An empty chart (iteration 0) still starts its x axis at 0.
// Room above the plot for the title at this font size (presenter mode's is larger).
const topMargin = (size) => size + 13;
const ITER_AXIS = { range: [0, 10], rangemode: "tozero", zeroline: false, automargin: true };

function baseLayout(title, extra = {}) {
  const size = fontSize();
  return {
    title: { text: title, font: { size: size + 1 }, x: 0.02, y: 0.97 },
    margin: { l: 44, r: 8, t: topMargin(size), b: 26 },
    font: { size, family: "system-ui, sans-serif" },
    paper_bgcolor: "#fff",
    plot_bgcolor: "#fff",
    showlegend: true,
    legend: { orientation: "h", y: -0.22, font: { size: 10 } },
    xaxis: { title: { text: "" }, zeroline: false, automargin: true },
    yaxis: { zeroline: false, automargin: true },
    uirevision: "keep",
    ...extra,
  };
}

const column = (M, i) => M.map((row) => row[i]);
const labelOf = (Y, i) => (Y.length === 1 ? Y[0][i] : column(Y, i).indexOf(Math.max(...column(Y, i))));

export class OutputView {
  /** els: {boundary, cost, norms} chart containers. */
  constructor(els) {
    this.els = els;
    this.Plotly = window.Plotly;
    this.built = false;
    this._last = { cost: 0, norms: 0, boundary: 0 };
    this._lastAny = 0;
    this._rr = 0;
    // Plotly's `responsive` only follows the window; presenter mode and panel changes
    // resize the containers without one.
    if (typeof ResizeObserver === "function" && this.Plotly) {
      this._resize = new ResizeObserver((entries) => {
        for (const e of entries) {
          if (!e.target._fullLayout || e.target.classList.contains("hidden-chart")) continue;
          const resized = this.Plotly.Plots.resize(e.target);
          if (e.target === els.boundary) Promise.resolve(resized).then(() => this._placeColorbar());
        }
      });
      for (const el of [els.boundary, els.cost, els.norms]) if (el) this._resize.observe(el);
    }
  }

  /** A chart layout of this session: a new session drops the old one's axis ranges. */
  _layout(title, extra = {}) {
    return baseLayout(title, { uirevision: this._rev, ...extra });
  }

  get available() {
    return Boolean(this.Plotly);
  }

  /** A new session: hello.config, hello.data, hello.input_range. */
  setConfig(config, data, inputRange) {
    if (!this.available) return;
    this.config = config;
    this.L = config.layers.length - 1;
    this.lastStep = -1;
    this._rev = (this._rev ?? 0) + 1;
    this._lines = false;
    this._xAuto = false;
    this._noAccuracy = false;
    this._normRange = null;
    this._dtick = 1;
    this._costRange = null;
    this._costFirst = null;
    this._costLog = false;
    this._costDtick = null;
    this._pending = { cost: [], norms: [] };
    this._pendingGrid = null;
    const P = this.Plotly;
    const solid = (color) => ({ color, width: 2 });
    const dotted = (color) => ({ color, width: 2, dash: "dot" });
    const cost = [
      { x: [], y: [], name: "train J", mode: "lines+markers", marker: { size: 3 }, line: solid("#0072B2") },
      { x: [], y: [], name: "test J", mode: "lines+markers", marker: { size: 3 }, line: solid("#E69F00") },
      { x: [], y: [], name: "train acc.", yaxis: "y2", mode: "lines+markers", marker: { size: 3 }, line: dotted("#0072B2") },
      { x: [], y: [], name: "test acc.", yaxis: "y2", mode: "lines+markers", marker: { size: 3 }, line: dotted("#E69F00") },
    ];
    const norms = [];
    for (const key of ["dW", "dA"]) {
      for (let l = 1; l <= this.L; l += 1) {
        const color = LAYER_COLOURS[(l - 1) % LAYER_COLOURS.length];
        norms.push({
          x: [], y: [], name: key === "dW" ? `layer ${l}` : `‖dA[${l}]‖`, legendgroup: `l${l}`,
          showlegend: key === "dW", hovertemplate: `‖${key}[${l}]‖ = %{y:.3g}<extra>it. %{x}</extra>`,
          mode: "lines+markers", marker: { size: 3 }, line: key === "dW" ? solid(color) : dotted(color),
        });
      }
    }
    const draw = this.built ? P.react : P.newPlot;
    draw(this.els.cost, cost, this._layout("Cost J · accuracy ┄", {
      showlegend: false,
      xaxis: { ...ITER_AXIS },
      yaxis: { rangemode: "tozero", automargin: true, exponentformat: "power" },
      yaxis2: {
        overlaying: "y", side: "right", range: [0, 1.02], showgrid: false, automargin: true,
        tickmode: "array", tickvals: [0, 0.5, 1], ticktext: ["0%", "50%", "100%"],
      },
      margin: { l: 40, r: 30, t: topMargin(fontSize()), b: 24 },
    }), CONFIG);
    draw(this.els.norms, norms, this._layout("‖dW‖ · ‖dA‖ ┄ (log)", {
      showlegend: false,
      xaxis: { ...ITER_AXIS },
      // Ticks a whole number of decades apart (a single point's narrow autorange would
      // otherwise crowd 2s and 5s); wider steps when the norms span many decades.
      yaxis: { type: "log", automargin: true, exponentformat: "power", dtick: 1 },
      margin: { l: 40, r: 8, t: topMargin(fontSize()), b: 24 },
    }), CONFIG);
    this._buildKey();
    this._buildBoundary(config, data, inputRange, draw);
    this.built = true;
  }

  /** The charts' colour key (legends inside 175 px charts would hide the lines). */
  _buildKey() {
    const key = this.els.key;
    if (!key) return;
    const swatch = (color, text, dash = false) => {
      const span = document.createElement("span");
      span.className = "key-item";
      const line = document.createElement("i");
      line.style.borderTop = `3px ${dash ? "dotted" : "solid"} ${color}`;
      span.append(line, text);
      return span;
    };
    const layers = Array.from({ length: this.L }, (_, i) => swatch(LAYER_COLOURS[i % LAYER_COLOURS.length], `layer ${i + 1}`));
    this._accuracyKey = swatch("#555", "accuracy", true);
    this._accuracyKey.hidden = this.config.loss === "mean_squared_error";
    key.replaceChildren(
      swatch("#0072B2", "train"), swatch("#E69F00", "test"), this._accuracyKey,
      document.createTextNode(" · norms: "), ...layers,
    );
  }

  _buildBoundary(config, data, inputRange, draw) {
    const el = this.els.boundary;
    const nIn = config.layers[0];
    this.boundaryKind = data && nIn === 2 ? "plane" : data && nIn === 1 ? "curve" : "none";
    el.classList.toggle("hidden-chart", this.boundaryKind === "none");
    if (this.boundaryKind === "none") {
      if (this.built) this.Plotly.purge(el);
      return;
    }
    const traces = [];
    this._colorbarX = null;
    this._fitOff = false;
    if (this.boundaryKind === "plane") {
      const probability = ["sigmoid", "softmax"].includes(config.activations.at(-1));
      traces.push({
        type: "heatmap", x: [], y: [], z: [[]], colorscale, showscale: true, zsmooth: "fast",
        zmin: probability ? 0 : undefined, zmax: probability ? 1 : undefined, zmid: probability ? 0.5 : 0,
        colorbar: { thickness: 8, len: 0.9, title: { text: "ŷ", side: "right" } },
        hovertemplate: "x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>", name: "network output",
      });
      // Points keep their class colour and get an outline that contrasts with it, so a
      // point stays visible on the confident background of its own class and a
      // misclassified one stands out: train filled with a white ring (as Playground),
      // test as a diamond with a black ring.
      for (const [split, symbol] of [["train", "circle"], ["test", "diamond"]]) {
        const X = data[`X_${split}`] ?? [[], []];
        const Y = data[`Y_${split}`] ?? [[]];
        const m = X[0]?.length ?? 0;
        const labels = Array.from({ length: m }, (_, i) => labelOf(Y, i));
        const many = (X[0]?.length ?? 0) > 600;
        traces.push({
          type: "scatter", mode: "markers", name: `${split} data`,
          x: X[0], y: X[1],
          marker: {
            symbol, size: many ? 6 : split === "train" ? 7.5 : 7,
            color: labels.map((v) => (v >= 0.5 ? POSITIVE : NEGATIVE)),
            line: { color: split === "train" ? "#fff" : "#111", width: 1.4 },
          },
          hovertemplate: `${split}: (%{x:.2f}, %{y:.2f}), class %{customdata}<extra></extra>`,
          customdata: labels.map((v) => (v >= 0.5 ? 1 : 0)),
        });
      }
      const [xr, yr] = inputRange ?? [undefined, undefined];
      const drawn = draw(this.els.boundary, traces, this._layout("ŷ over the inputs · ● train ◆ test", {
        showlegend: false,
        // Equal scales on both axes, so that a circle in the data looks like a circle;
        // the square plot sits in the middle of its panel.
        xaxis: { range: xr, title: { text: "x1" }, automargin: true, constrain: "domain", constraintoward: "center" },
        yaxis: { range: yr, title: { text: "x2" }, automargin: true, scaleanchor: "x", scaleratio: 1, constrain: "domain" },
      }), CONFIG);
      Promise.resolve(drawn).then(() => this._placeColorbar());
    } else {
      for (const [split, symbol] of [["train", "circle"], ["test", "circle-open"]]) {
        const X = data[`X_${split}`] ?? [[]];
        const Y = data[`Y_${split}`] ?? [[]];
        traces.push({
          type: "scatter", mode: "markers", name: `${split} data`, x: X[0], y: Y[0],
          marker: { symbol, size: 5, color: split === "train" ? POSITIVE : NEGATIVE },
        });
      }
      traces.push({ type: "scatter", mode: "lines", name: "network fit", x: [], y: [], line: { color: "#000", width: 2.5 } });
      // The y axis stays on the data (a diverging fit leaves the picture instead of
      // squashing the data into a line); the curve is clamped just outside it.
      const yr = finiteRange(data.Y_train, data.Y_test) ?? [-1, 1];
      const pad = Math.max(0.25 * (yr[1] - yr[0]), 0.1);
      this._fitRange = [yr[0] - pad, yr[1] + pad];
      draw(this.els.boundary, traces, this._layout("Fit: network output over x", {
        xaxis: { title: { text: "x" }, automargin: true },
        yaxis: { title: { text: "y" }, automargin: true, range: this._fitRange },
      }), CONFIG);
    }
  }

  /**
   * The square input plane is centred in its panel (equal axis scales leave spare
   * width); its colour bar sits right beside it rather than at the panel's edge.
   */
  _placeColorbar() {
    const el = this.els.boundary;
    const domain = el._fullLayout?.xaxis?.domain;
    if (this.boundaryKind !== "plane" || !domain) return;
    const x = Math.min(1, domain[1] + 0.02);
    if (Math.abs((this._colorbarX ?? -1) - x) < 0.005) return;
    this._colorbarX = x;
    this.Plotly.restyle(el, { "colorbar.x": x, "colorbar.xanchor": "left" }, [0]);
  }

  /** Queue a frame's numbers. A frame with a smaller step than the last (reset) clears the charts. */
  addFrame(frame) {
    if (!this.available || !this.config || !frame) return;
    if (frame.step === this.lastStep) return;
    if (frame.step < this.lastStep) {
      this.setConfig(this.config, this._data, this._range);
    }
    this.lastStep = frame.step;
    this._pending.cost.push(frame);
    this._pending.norms.push(frame);
  }

  /**
   * Redraw the cost and norm charts from the session's history (GET /api/sessions/{id}),
   * e.g. after a fast-forward whose frames skipped iterations. One Plotly call per chart.
   */
  setHistory(history) {
    if (!this.available || !this.config || !history?.length) return;
    const last = history.at(-1).iteration;
    const x = history.map((h) => h.iteration);
    const num = chartValue;
    const pos = logChartValue;
    this._pending.cost = this._pending.cost.filter((f) => f.step > last);
    this._pending.norms = this._pending.norms.filter((f) => f.step > last);
    this.lastStep = Math.max(this.lastStep, last);
    const train = history.map((h) => num(h.train_cost ?? h.cost)), test = history.map((h) => num(h.test_cost));
    this._noteCost([...train, ...test]);
    this.Plotly.restyle(this.els.cost, {
      x: [x, x, x, x],
      y: [
        train, test,
        history.map((h) => num(h.train_accuracy)), history.map((h) => num(h.test_accuracy)),
      ],
      mode: "lines",
    }, [0, 1, 2, 3]);
    this._autoX();
    const ys = [];
    for (const key of ["dW_norms", "dA_norms"]) {
      for (let l = 0; l < this.L; l += 1) ys.push(history.map((h) => pos(h[key]?.[l])));
    }
    this._normRange = null;
    this._noteNorms(ys);
    this.Plotly.restyle(this.els.norms, { x: ys.map(() => x), y: ys, mode: "lines" }, ys.map((_, i) => i));
    this._lines = true;
  }

  /** Keep the data for resets. */
  rememberData(data, inputRange) {
    this._data = data;
    this._range = inputRange;
  }

  setGrid(grid) {
    if (this.available && this.boundaryKind !== "none") this._pendingGrid = grid;
  }

  /** Flush at most one chart's queued update (true when it did). Call once per animation frame. */
  tick(now) {
    if (!this.available || !this.config) return false;
    if (now - this._lastAny < GLOBAL_INTERVAL_MS) return false;
    const jobs = ["cost", "norms", "boundary"];
    for (let k = 0; k < jobs.length; k += 1) {
      const job = jobs[(this._rr + k) % jobs.length];
      if (now - this._last[job] < MIN_INTERVAL_MS) continue;
      if (job === "boundary" ? !this._pendingGrid : this._pending[job].length === 0) continue;
      this._last[job] = now;
      this._lastAny = now;
      this._rr = (this._rr + k + 1) % jobs.length;
      const t0 = performance.now();
      this[`_flush_${job}`]();
      (window.__bpvTiming?.[`plotly_${job}`] ?? []).push(performance.now() - t0);
      return true;
    }
    return false;
  }

  /** Markers help while a chart has a point or two; afterwards plain lines read better. */
  _linesOnly(step) {
    if (this._lines || step < 3) return;
    this._lines = true;
    for (const el of [this.els.cost, this.els.norms]) this.Plotly.restyle(el, { mode: "lines" });
  }

  /** Once there are points, the iteration axis follows them (from 0). */
  _autoX() {
    if (this._xAuto) return;
    this._xAuto = true;
    for (const el of [this.els.cost, this.els.norms]) this.Plotly.relayout(el, { "xaxis.autorange": true });
  }

  /**
   * A cost that grows by orders of magnitude (a diverging run) switches the cost axis
   * to log once, so its early values and its blow-up both stay readable.
   */
  _noteCost(ys) {
    const r = finiteRange(ys.map((v) => (v > 0 ? v : null)));
    if (!r) return;
    this._costFirst ??= ys.find((v) => v > 0 && Number.isFinite(v)) ?? null;
    this._costRange = this._costRange ? [Math.min(this._costRange[0], r[0]), Math.max(this._costRange[1], r[1])] : r;
    // Growth past the first cost, not the whole span: a converging run also spans decades.
    if (!this._costLog && this._costFirst && this._costRange[1] / this._costFirst > 1e4) {
      this._costLog = true;
      this._costDtick = logTickStep(...this._costRange, 5);
      this.Plotly.relayout(this.els.cost, {
        "yaxis.type": "log", "yaxis.dtick": this._costDtick, "yaxis.exponentformat": "power",
      });
    } else if (this._costLog) {
      const dtick = logTickStep(...this._costRange, 5);
      if (dtick !== this._costDtick) this.Plotly.relayout(this.els.cost, { "yaxis.dtick": dtick });
      this._costDtick = dtick;
    }
  }

  /** Widen the norm range seen so far; relayout the tick step when it changes. */
  _noteNorms(ys) {
    const r = finiteRange(ys);
    if (!r) return;
    this._normRange = this._normRange ? [Math.min(this._normRange[0], r[0]), Math.max(this._normRange[1], r[1])] : r;
    const dtick = logTickStep(...this._normRange);
    if (dtick !== this._dtick) {
      this._dtick = dtick;
      this.Plotly.relayout(this.els.norms, { "yaxis.dtick": dtick });
    }
  }

  _flush_cost() {
    const frames = this._pending.cost.splice(0);
    this._linesOnly(frames.at(-1).step);
    const x = frames.map((f) => f.step);
    const num = chartValue;
    const hasAccuracy = frames.some((f) => f.train_accuracy !== null && f.train_accuracy !== undefined);
    if (!hasAccuracy && !this._noAccuracy) {
      this._noAccuracy = true; // regression: no accuracy axis
      if (this._accuracyKey) this._accuracyKey.hidden = true;
      this.Plotly.relayout(this.els.cost, { "yaxis2.visible": false, "title.text": "Cost J (no accuracy: regression)" });
    }
    if (frames.some((f) => f.step > 0)) this._autoX();
    const train = frames.map((f) => num(f.train_cost ?? f.cost)), test = frames.map((f) => num(f.test_cost));
    this._noteCost([...train, ...test]);
    this.Plotly.extendTraces(this.els.cost, {
      x: [x, x, x, x],
      y: [
        train, test,
        frames.map((f) => num(f.train_accuracy)), frames.map((f) => num(f.test_accuracy)),
      ],
    }, [0, 1, 2, 3], MAX_POINTS);
  }

  _flush_norms() {
    const frames = this._pending.norms.splice(0);
    const x = frames.map((f) => f.step);
    const pos = logChartValue; // log axis
    const xs = [];
    const ys = [];
    for (const key of ["dW_norm", "dA_norm"]) {
      for (let l = 0; l < this.L; l += 1) {
        xs.push(x);
        ys.push(frames.map((f) => pos(f.layers?.[l]?.[key])));
      }
    }
    this._noteNorms(ys);
    if (frames.some((f) => f.step > 0)) this._autoX();
    this.Plotly.extendTraces(this.els.norms, { x: xs, y: ys }, ys.map((_, i) => i), MAX_POINTS);
  }

  _flush_boundary() {
    const grid = this._pendingGrid;
    this._pendingGrid = null;
    if (this.boundaryKind === "plane" && grid.x_range) {
      const r = grid.resolution ?? grid.output.length;
      const axis = ([a, b]) => Array.from({ length: r }, (_, i) => a + ((b - a) * i) / (r - 1));
      const z = grid.output.map((row) => row.map((v) => clampValue(v, -CHART_LIMIT, CHART_LIMIT)));
      this.Plotly.restyle(this.els.boundary, { x: [axis(grid.x_range)], y: [axis(grid.y_range)], z: [z] }, [0]);
    } else if (this.boundaryKind === "curve" && Array.isArray(grid.x)) {
      // Clamped a plot-height outside the visible range: the curve leaves the picture
      // in the right direction without huge pixel coordinates.
      const [lo, hi] = this._fitRange;
      const span = hi - lo;
      const y = grid.output.map((v) => clampValue(v, lo - span, hi + span));
      this.Plotly.restyle(this.els.boundary, { x: [grid.x], y: [y] }, [2]);
      // Say so when the whole curve is outside the data's range (a diverged run).
      const off = y.length > 0 && y.every((v) => v === null || v < lo || v > hi);
      if (off !== Boolean(this._fitOff)) {
        this._fitOff = off;
        const title = off ? "Fit: network output over x · the curve is off the chart" : "Fit: network output over x";
        this.Plotly.relayout(this.els.boundary, { "title.text": title });
      }
    }
  }

  /** Larger chart type in presenter mode. */
  setFontSize(px) {
    if (!this.available || !this.built) return;
    for (const el of [this.els.boundary, this.els.cost, this.els.norms]) {
      if (el.classList.contains("hidden-chart")) continue;
      this.Plotly.relayout(el, { "font.size": px, "title.font.size": px + 1, "margin.t": topMargin(px) });
      const resized = this.Plotly.Plots.resize(el);
      if (el === this.els.boundary) Promise.resolve(resized).then(() => this._placeColorbar());
    }
  }
}

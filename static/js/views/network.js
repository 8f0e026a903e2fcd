// The network diagram, Playground-style: neurons as nodes, links coloured by the sign of
// W (or dW while the backward pass is shown) and sized by magnitude. For 2-D datasets
// each neuron shows its activation over the input plane (from the stream's `grid`).
// The DOM is built once per network shape; update() only restyles.

import { diverging, divergingRgb, maxAbsOf } from "../palette.js";
import { weightTensor } from "../operations.js";

const SVG = "http://www.w3.org/2000/svg";
const fmt = (x) => (Number.isFinite(x) ? (Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4)) : String(x));
const mean = (row) => (row && row.length ? row.reduce((s, v) => s + v, 0) / row.length : NaN);

function svg(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

export class NetworkView {
  /** root: the drawing area; ctx: {onSelectLayer(l), tooltip: element}. */
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.tooltip = ctx.tooltip;
    this.layers = [];
    this.frame = null;
    this.op = null;
    this._drawnKey = null;
    this._resize = new ResizeObserver(() => this._layout());
    this._resize.observe(root);
  }

  /** A new network: build nodes and links for hello.config (+ input_range). */
  setConfig(config, inputRange = null) {
    this.config = config;
    this.layers = config.layers;
    this.activations = config.activations;
    this.inputRange = inputRange;
    this.root.replaceChildren();
    this.svg = svg("svg", { "aria-hidden": "true" }, this.root);
    this.bands = [];
    this.labels = [];
    this.linkGroups = [null];
    this.links = [null];
    const L = this.layers.length - 1;
    for (let l = 0; l <= L; l += 1) {
      this.bands.push(svg("rect", { class: "column-band", rx: 6 }, this.svg));
      const label = svg("text", { class: "column-label" }, this.svg);
      label.textContent = l === 0 ? "A[0]=X" : l === L ? `A[${l}]=ŷ` : `A[${l}]`;
      this.labels.push(label);
    }
    for (let l = 1; l <= L; l += 1) {
      const g = svg("g", { class: "layer-links", "data-layer": l }, this.svg);
      this.linkGroups.push(g);
      this.links.push(
        Array.from({ length: this.layers[l] }, (_, j) =>
          Array.from({ length: this.layers[l - 1] }, (_, k) =>
            svg("line", { class: "link", "data-l": l, "data-j": j, "data-k": k }, g),
          ),
        ),
      );
    }
    this.svg.addEventListener("mouseover", (e) => {
      const d = e.target.dataset;
      if (d?.l !== undefined) this._showLinkTip(e, Number(d.l), Number(d.j), Number(d.k));
    });
    this.svg.addEventListener("mouseout", () => this._hideTip());
    this.nodes = this.layers.map((n, l) =>
      Array.from({ length: n }, (_, j) => {
        const node = document.createElement("button");
        node.type = "button";
        node.className = "node";
        node.dataset.layer = l;
        node.dataset.unit = j;
        node.setAttribute("aria-label", `Layer ${l}, unit ${j + 1}`);
        const canvas = document.createElement("canvas");
        canvas.width = 1;
        canvas.height = 1;
        node.appendChild(canvas);
        node.addEventListener("click", () => this.ctx.onSelectLayer(Math.max(1, l)));
        const show = () => this._showTip(node, l, j);
        node.addEventListener("mouseenter", show);
        node.addEventListener("focus", show);
        node.addEventListener("mouseleave", () => this._hideTip());
        node.addEventListener("blur", () => this._hideTip());
        this.root.appendChild(node);
        return { el: node, canvas, ctx2d: canvas.getContext("2d") };
      }),
    );
    this._drawnKey = null;
    this._layout();
    this._drawInputs();
  }

  _layout() {
    if (!this.layers.length) return;
    const width = this.root.clientWidth || 600;
    const height = this.root.clientHeight || 470;
    const L = this.layers.length - 1;
    const top = 22;
    const usable = height - top - 6;
    // Each column sizes its own nodes: a 2-unit input layer keeps big heatmaps next to 16 units.
    const sizes = this.layers.map((n) => Math.max(4, Math.min(44, usable / n - 4)));
    const padX = sizes[0] / 2 + 8;
    const padRight = sizes[L] / 2 + 8;
    const colX = (l) => padX + (l * (width - padX - padRight)) / Math.max(1, L);
    const pos = this.layers.map((n, l) => {
      const gap = Math.min(sizes[l] + 10, usable / n);
      const y0 = top + usable / 2 - (gap * (n - 1)) / 2;
      return Array.from({ length: n }, (_, j) => [colX(l), y0 + j * gap]);
    });
    this.layers.forEach((n, l) => {
      const bandW = Math.min(sizes[l] + 18, (width - padX - padRight) / Math.max(1, L) - 4);
      this.bands[l].setAttribute("x", colX(l) - bandW / 2);
      this.bands[l].setAttribute("y", 2);
      this.bands[l].setAttribute("width", bandW);
      this.bands[l].setAttribute("height", height - 4);
      this.labels[l].setAttribute("x", colX(l));
      this.labels[l].setAttribute("y", 14);
      for (let j = 0; j < n; j += 1) {
        const { el } = this.nodes[l][j];
        el.style.left = `${pos[l][j][0]}px`;
        el.style.top = `${pos[l][j][1]}px`;
        el.style.width = `${sizes[l]}px`;
        el.style.height = `${sizes[l]}px`;
      }
    });
    for (let l = 1; l <= L; l += 1) {
      this.links[l].forEach((row, j) =>
        row.forEach((line, k) => {
          line.setAttribute("x1", pos[l - 1][k][0] + sizes[l - 1] / 2);
          line.setAttribute("y1", pos[l - 1][k][1]);
          line.setAttribute("x2", pos[l][j][0] - sizes[l] / 2);
          line.setAttribute("y2", pos[l][j][1]);
        }),
      );
    }
  }

  /** Input neurons of a 2-D dataset show x1 and x2 over the plane. */
  _drawInputs() {
    if (this.inputRange && this.layers[0] === 1) {
      const [lo, hi] = this.inputRange[0];
      const row = Array.from({ length: 40 }, (_, i) => lo + ((hi - lo) * i) / 39);
      this._paint(this.nodes[0][0], [row], Math.max(Math.abs(lo), Math.abs(hi)));
      return;
    }
    if (!this.inputRange || this.layers[0] !== 2) return;
    const r = 24;
    for (let k = 0; k < 2; k += 1) {
      const [lo, hi] = this.inputRange[k];
      const m = Math.max(Math.abs(lo), Math.abs(hi));
      const values = Array.from({ length: r }, (_, row) =>
        Array.from({ length: r }, (_, col) => {
          const t = k === 0 ? col / (r - 1) : 1 - row / (r - 1);
          return lo + t * (hi - lo);
        }),
      );
      this._paint(this.nodes[0][k], values, m);
    }
  }

  _paint(node, values, maxAbs, offset = 0) {
    const rows = values.length;
    const cols = Array.isArray(values[0]) ? values[0].length : 1;
    if (node.canvas.width !== cols || node.canvas.height !== rows) {
      node.canvas.width = cols;
      node.canvas.height = rows;
    }
    const image = node.ctx2d.createImageData(cols, rows);
    // The grid's first row is the smallest y; draw it at the bottom, as on a plot.
    for (let i = 0; i < rows; i += 1) {
      const row = Array.isArray(values[i]) ? values[i] : [values[i]];
      for (let c = 0; c < cols; c += 1) {
        const [r, g, b] = divergingRgb(row[c] - offset, maxAbs);
        const p = ((rows - 1 - i) * cols + c) * 4;
        image.data[p] = r;
        image.data[p + 1] = g;
        image.data[p + 2] = b;
        image.data[p + 3] = 255;
      }
    }
    node.ctx2d.putImageData(image, 0, 0);
  }

  /** Per-neuron activation over the input plane (the stream's `grid` message). */
  setGrid(grid) {
    if (!this.nodes || !grid) return;
    const L = this.layers.length - 1;
    const oneD = Array.isArray(grid.x);
    const asRows = (v) => (oneD ? [v] : v); // a 1-D curve paints as a one-row strip
    (grid.units ?? []).forEach((units, i) => {
      const l = i + 1;
      if (l >= L || !this.nodes[l]) return;
      units.forEach((values, j) => {
        if (this.nodes[l][j]) this._paint(this.nodes[l][j], asRows(values), maxAbsOf(values) || 1);
      });
    });
    if (grid.output && this.nodes[L]?.[0]) {
      const probability = ["sigmoid", "softmax"].includes(this.activations.at(-1));
      const out = asRows(grid.output);
      this._paint(this.nodes[L][0], out, probability ? 0.5 : maxAbsOf(grid.output) || 1, probability ? 0.5 : 0);
    }
  }

  /** Show `frame` (a protocol frame or null) with the current op highlighted. */
  update(frame, op) {
    if (!this.nodes) return;
    this.frame = frame;
    this.op = op;
    const L = this.layers.length - 1;
    const tensor = weightTensor(op);
    if (frame && frame.layers?.length === L) {
      const key = `${frame.step}:${tensor}:${frame.cost}`;
      if (key !== this._drawnKey) {
        this._drawnKey = key;
        this._drawLinks(frame, tensor);
        if (!this.inputRange) this._drawNodeMeans(frame); // 2-D sets: the grid paints nodes
      }
    }
    this._highlight(op);
  }

  _drawLinks(frame, tensor) {
    const maxAbs = Math.max(...frame.layers.map((layer) => maxAbsOf(layer[tensor]))) || 1;
    frame.layers.forEach((layer, i) => {
      const l = i + 1;
      const W = layer[tensor];
      this.links[l]?.forEach((row, j) =>
        row.forEach((line, k) => {
          const w = W?.[j]?.[k] ?? 0;
          line.setAttribute("stroke", diverging(w, maxAbs));
          line.setAttribute("stroke-width", (0.6 + 5 * Math.min(1, Math.abs(w) / maxAbs)).toFixed(2));
        }),
      );
    });
  }

  /** Without a grid (more than 2 features), a node's colour is its mean activation. */
  _drawNodeMeans(frame) {
    frame.layers.forEach((layer, i) => {
      const A = layer.A ?? [];
      const maxAbs = maxAbsOf(A) || 1;
      this.nodes[i + 1]?.forEach((node, j) => this._paint(node, [[mean(A[j])]], maxAbs));
    });
    const X = frame.X ?? [];
    const maxX = maxAbsOf(X) || 1;
    this.nodes[0].forEach((node, k) => this._paint(node, [[mean(X[k])]], maxX));
  }

  _highlight(op) {
    const L = this.layers.length - 1;
    const key = op ? op.index : -1;
    if (key === this._highlightKey) return;
    this._highlightKey = key;
    const activeCols = new Set();
    if (op) {
      for (const t of [...op.writes, ...op.reads]) if (t.layer !== null && t.tensor !== "Y") activeCols.add(t.layer);
      if (op.kind === "update") for (let l = 1; l <= L; l += 1) activeCols.add(l);
    }
    for (let l = 0; l <= L; l += 1) {
      const writes = op && op.writes.some((t) => t.layer === l);
      this.bands[l].classList.toggle("active", Boolean(op && activeCols.has(l)));
      this.labels[l].classList.toggle("active", Boolean(writes));
      for (const node of this.nodes[l]) node.el.classList.toggle("active", Boolean(writes));
    }
    for (let l = 1; l <= L; l += 1) {
      const g = this.linkGroups[l];
      const onLinks = op && (op.layer === l || op.kind === "update") && ["linear", "dW", "dA_prev", "update"].includes(op.kind);
      g.classList.toggle("dim", Boolean(op && !onLinks));
      g.classList.toggle("active", Boolean(onLinks));
      g.classList.toggle("flow-forward", Boolean(onLinks && op.kind === "linear"));
      g.classList.toggle("flow-backward", Boolean(onLinks && op.kind === "dA_prev"));
    }
  }

  _showTip(node, l, j) {
    const frame = this.frame;
    const lines = [l === 0 ? `input x${j + 1}` : `layer ${l}, unit ${j + 1} (${this.activations[l - 1]})`];
    if (frame && l > 0) {
      const layer = frame.layers[l - 1];
      lines.push(`b[${l}][${j}]  = ${fmt(layer.b?.[j]?.[0])}`);
      lines.push(`db[${l}][${j}] = ${fmt(layer.db?.[j]?.[0])}`);
      lines.push(`mean Z  = ${fmt(mean(layer.Z?.[j]))}`);
      lines.push(`mean A  = ${fmt(mean(layer.A?.[j]))}`);
      lines.push(`mean dA = ${fmt(mean(layer.dA?.[j]))}`);
      lines.push(`mean dZ = ${fmt(mean(layer.dZ?.[j]))}`);
      const W = layer.W?.[j] ?? [];
      lines.push(`W[${l}][${j}] = [${W.slice(0, 6).map(fmt).join(", ")}${W.length > 6 ? ", …" : ""}]`);
    } else if (frame) {
      lines.push(`mean over window = ${fmt(mean(frame.X?.[j]))}`);
    }
    lines.push("(means over the shown example window)");
    this.tooltip.textContent = lines.join("\n");
    this.tooltip.hidden = false;
    const box = this.tooltip.parentElement.getBoundingClientRect();
    const r = node.getBoundingClientRect();
    const left = Math.min(r.right - box.left + 6, box.width - 240);
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${r.top - box.top}px`;
  }

  _showLinkTip(event, l, j, k) {
    const layer = this.frame?.layers?.[l - 1];
    if (!layer) return;
    this.tooltip.textContent = [
      `W[${l}][${j},${k}]  = ${fmt(layer.W?.[j]?.[k])}`,
      `dW[${l}][${j},${k}] = ${fmt(layer.dW?.[j]?.[k])}`,
      `from unit ${k + 1} of layer ${l - 1} to unit ${j + 1} of layer ${l}`,
    ].join("\n");
    this.tooltip.hidden = false;
    const box = this.tooltip.parentElement.getBoundingClientRect();
    this.tooltip.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 260)}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 12}px`;
  }

  _hideTip() {
    this.tooltip.hidden = true;
  }
}

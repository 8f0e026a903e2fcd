// Tensor inspector: for the selected layer, heatmaps of its cache and gradients,
// and the current op's equation written with live shapes; the op's inputs and
// output are marked on the heatmaps.
import { Heatmap } from "./heatmap.js";
import { setNotation } from "./lesson.js";
import { equationTokens, fmtShape, layerShapes, opExplanation, opTensors, sym, toHTML, toText } from "./math.js";

// card key -> [symbol base, layer offset, canonical key]; A_prev is A of l-1, dA_prev is dA of l-1.
const CARDS = {
  forward: [["A_prev", "A", -1, "A"], ["W", "W", 0, "W"], ["b", "b", 0, "b"], ["Z", "Z", 0, "Z"], ["A", "A", 0, "A"]],
  backward: [["dA", "dA", 0, "dA"], ["dZ", "dZ", 0, "dZ"], ["dW", "dW", 0, "dW"], ["db", "db", 0, "db"], ["dA_prev", "dA", -1, "dA"]],
};
const WINDOWED = new Set(["A_prev", "Z", "A", "dA", "dZ", "dA_prev"]);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class InspectorView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.layer = 1;
    this.frame = null;
    this.op = null;
    root.classList.add("inspector-view");
    const head = el("div", "inspector-head");
    const title = el("h2", "view-title", "Tensor inspector");
    const pick = el("label", "inspector-pick", "Layer ");
    this.select = el("select");
    this.select.addEventListener("change", () => {
      this.follow.checked = false; // a layer picked by hand stays put
      this.ctx.onSelectLayer?.(Number(this.select.value));
    });
    pick.append(this.select);
    const follow = el("label", "inspector-follow");
    this.follow = el("input");
    this.follow.type = "checkbox";
    this.follow.checked = true;
    this.follow.addEventListener("change", () => { this.dirty = true; this.update(this.frame, this.op); });
    follow.append(this.follow, " follow the operation");
    head.append(title, pick, follow);
    this.eq = el("div", "inspector-eq");
    this.eq.setAttribute("aria-live", "polite");
    this.explain = el("p", "inspector-explain");
    this.windowNote = el("p", "inspector-window");
    this.grids = {};
    const sections = el("div", "inspector-sections");
    for (const [group, label] of [["forward", "Forward cache"], ["backward", "Gradients"]]) {
      const section = el("section", `inspector-group inspector-${group}`);
      section.append(el("h3", "inspector-group-title", label));
      const grid = el("div", "inspector-grid");
      section.append(grid);
      sections.append(section);
      this.grids[group] = grid;
    }
    root.append(head, this.eq, this.explain, this.windowNote, sections);
    this.maps = {};
    for (const group of Object.keys(CARDS)) {
      for (const [key] of CARDS[group]) {
        // windows (n × w columns) get more width than the parameters
        const wide = WINDOWED.has(key);
        this.maps[key] = new Heatmap(this.grids[group], { maxWidth: wide ? 200 : 140, maxHeight: 110 });
      }
    }
    this.setConfig(ctx.config);
  }

  /** Rebuild the layer picker and titles for a new network. */
  setConfig(config) {
    this.ctx.config = config;
    this.config = config;
    const L = config.layers.length - 1;
    this.select.replaceChildren(...Array.from({ length: L }, (_, i) => {
      const o = el("option", "", `${i + 1}${i + 1 === L ? " (output)" : ""} · ${config.activations[i]}`);
      o.value = String(i + 1);
      return o;
    }));
    this.#show(Math.min(this.layer, L));
  }

  /**
   * Show layer l (1-based). Picking a layer other than the current op's turns "follow the
   * operation" off, so a clicked block stays shown while stepping.
   */
  selectLayer(l) {
    if (this.op?.layer && Number(l) !== this.op.layer) this.follow.checked = false;
    this.#show(l);
  }

  #show(l) {
    const L = this.config.layers.length - 1;
    this.layer = Math.max(1, Math.min(L, Number(l) || 1));
    this.select.value = String(this.layer);
    for (const group of Object.keys(CARDS)) {
      for (const [key, base, off] of CARDS[group]) {
        const layer = this.layer + off;
        this.maps[key].setTitle(toHTML([sym(base, layer)]), `${base}[${layer}]`);
      }
    }
    this.dirty = true;
    this.update(this.frame, this.op);
  }

  /** Show a frame (or null) at an op (or null); a no-op when neither changed. */
  update(frame, op) {
    if (frame === this.frame && op === this.op && !this.dirty) return;
    this.dirty = false;
    this.frame = frame;
    this.op = op;
    if (this.follow.checked && op?.layer && op.layer !== this.layer) {
      this.#show(op.layer); // re-enters update() with the new layer
      return;
    }
    const l = this.layer;
    const L = this.config.layers.length - 1;
    const m = frame?.m ?? null;
    const eqHTML = op ? toHTML(equationTokens(op, this.config, m)) : "Press Step or Next operation to see each operation.";
    if (this.eqHTML !== eqHTML) {
      this.eq.innerHTML = eqHTML;
      this.eq.setAttribute("aria-label", op ? toText(equationTokens(op, this.config, m)) : eqHTML);
      this.eqHTML = eqHTML;
    }
    setNotation(this.explain, opExplanation(op, this.config));
    const w = frame?.columns?.length;
    this.windowNote.textContent = w
      ? `A, Z, dA, dZ show a window of ${w} of the m = ${m} example columns (batch columns ${frame.columns[0]}–${frame.columns[w - 1]}); shapes in the titles are the full batch. W, b, dW, db are whole.`
      : "Waiting for the first frame.";
    const shapes = layerShapes(this.config, l, m);
    const refs = opTensors(op, L);
    const cur = frame?.layers?.find((x) => x.layer === l);
    const below = frame?.layers?.find((x) => x.layer === l - 1);
    for (const group of Object.keys(CARDS)) {
      for (const [key, , off, canon] of CARDS[group]) {
        const map = this.maps[key];
        const ref = refs.find((r) => r.key === canon && r.layer === l + off);
        map.setRole(ref?.role ?? null);
        const shape = fmtShape(shapes[key]);
        const cols = WINDOWED.has(key) ? frame?.columns : null;
        let data = null;
        if (key === "A_prev") data = l === 1 ? frame?.X : below?.A;
        else data = cur?.[key];
        if (!frame) map.clear("no frame yet");
        else if (key === "dA_prev" && l === 1) map.clear("not needed: dA[0] would be ∂L/∂X");
        else if (!data) map.clear("not in this frame");
        else map.set(data, cols, WINDOWED.has(key) ? `${shape} · window ${fmtShape([data.length, data[0].length])}` : shape);
      }
    }
  }
}

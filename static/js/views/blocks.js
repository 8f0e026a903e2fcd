// The lecture's building-blocks diagram as SVG: per layer a forward block and
// under it a backward block, caches passed down, A flowing left to right and dA
// flowing right to left, tensor shapes on every arrow; animated op by op.
import { fmtNum, fmtShape, isMatched, layerShapes, lossName, updateLines } from "./math.js";

const NS = "http://www.w3.org/2000/svg";
const G = { x0: 8, inW: 56, gap: 86, bw: 180, fy: 30, fh: 100, by: 226, bh: 126, outY: 374, upY: 420, upH: 30, costW: 140 };
G.first = G.x0 + G.inW + G.gap;
G.col = G.bw + G.gap;

function svg(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (parent) parent.append(node);
  return node;
}

/** SVG text whose symbols X[l] get their [l] as a superscript; returns {text, live}. */
function mathText(parent, x, y, str, cls, anchor = "start", fit = null) {
  const text = svg("text", { x, y, class: cls, "text-anchor": anchor }, parent);
  if (fit) text.dataset.fit = String(fit); // squeezed to this width if the font (presenter mode) makes it longer
  const re = /([A-Za-zαJ]+)\[([^\]]+)\](ᵀ)?/g;
  let last = 0;
  for (let mt; (mt = re.exec(str));) {
    if (mt.index > last) svg("tspan", {}, text).textContent = str.slice(last, mt.index);
    svg("tspan", {}, text).textContent = mt[1];
    svg("tspan", { class: "sup", "baseline-shift": "super" }, text).textContent = `[${mt[2]}]${mt[3] ? "T" : ""}`;
    last = re.lastIndex;
  }
  if (last < str.length) svg("tspan", {}, text).textContent = str.slice(last);
  const live = svg("tspan", { class: "live" }, text);
  return { text, live };
}

/** An arrow path with its label and a packet that can travel along it. */
function arrow(parent, d, cls, labelAt, labelStr, anchor = "middle", vertical = false) {
  const g = svg("g", { class: `arrow ${cls}` }, parent);
  svg("path", { d, class: "arrow-line", "marker-end": `url(#bv-head)` }, g);
  let label = null;
  if (labelStr) {
    const name = mathText(g, labelAt[0], labelAt[1], labelStr, "arrow-label", anchor);
    const live = svg("text", { x: labelAt[0], y: labelAt[1] + (vertical ? 17 : 24), class: "arrow-shape", "text-anchor": anchor }, g);
    label = { text: name.text, live };
  }
  const packet = svg("circle", { r: 6, class: "packet", opacity: 0 }, g);
  const motion = svg("animateMotion", { dur: "0.7s", begin: "indefinite", fill: "freeze", path: d }, packet);
  return { g, label, packet, motion };
}

export class BlocksView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.selected = 1;
    this.lastOpKey = null;
    root.classList.add("blocks-view");
    this.titleEl = document.createElement("h2");
    this.titleEl.className = "view-title";
    this.titleEl.textContent = "Building blocks: forward (top) and backward (bottom)";
    this.scroller = document.createElement("div");
    this.scroller.className = "blocks-scroll";
    this.svg = svg("svg", { class: "blocks-svg", role: "group", "aria-label": "Building blocks of the forward and backward pass" });
    this.scroller.append(this.svg);
    this.legend = document.createElement("p");
    this.legend.className = "blocks-legend";
    this.legend.textContent = "Arrows carry full-batch shapes (rows × m examples). Glow = the operation now shown; a dot travels along the arrow it sends. Click or press Enter on a block to inspect its layer.";
    this.scrollHint = document.createElement("div");
    this.scrollHint.className = "blocks-scroll-hint";
    this.scrollHint.hidden = true;
    this.hintText = document.createElement("span");
    const jump = (label, name, toEnd) => {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = "blocks-jump";
      btn.textContent = label;
      btn.setAttribute("aria-label", name);
      btn.addEventListener("click", () => { this.scroller.scrollLeft = toEnd ? this.scroller.scrollWidth : 0; });
      return btn;
    };
    this.scrollHint.append(jump("◀ Input", "Scroll the diagram to the input", false), this.hintText, jump("Loss ▶", "Scroll the diagram to the Loss", true));
    root.append(this.titleEl, this.scroller, this.scrollHint, this.legend);
    // Deep networks: say that the diagram scrolls, and where the Loss (dA[L]'s start) is.
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => this.#hint()).observe(this.scroller);
    }
    this.setConfig(ctx.config);
    // presenter mode changes the font size: refit the box texts when <html>/<body> classes change
    const refit = new MutationObserver(() => requestAnimationFrame(() => this.#fitText()));
    for (const node of [document.documentElement, document.body]) refit.observe(node, { attributes: true, attributeFilter: ["class"] });
  }

  /** Build the diagram for a network config {layers, activations, loss}. */
  setConfig(config) {
    this.config = config;
    this.ctx.config = config;
    const L = config.layers.length - 1;
    const s = this.svg;
    s.replaceChildren();
    const costX = G.first + L * G.col;
    const width = costX + G.costW + G.x0;
    const upLines = updateLines(config.optimizer);
    const upH = G.upH + 20 * (upLines.length - 1);
    const height = G.upY + upH + 12;
    s.setAttribute("viewBox", `0 0 ${width} ${height}`);
    // Below this width the panel scrolls sideways (a visible scrollbar) rather than
    // shrinking the text under ~11 px: deep networks stay readable, the Loss reachable.
    s.style.minWidth = `${Math.round(width * 0.82)}px`;
    s.style.maxWidth = `${Math.round(width * 1.3)}px`; // a small network does not blow up to poster size
    const defs = svg("defs", {}, s);
    const marker = svg("marker", { id: "bv-head", viewBox: "0 0 10 10", refX: 8, refY: 5, markerWidth: 13, markerHeight: 13, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow-head" }, marker);
    const filter = svg("filter", { id: "bv-glow", x: "-30%", y: "-30%", width: "160%", height: "160%" }, defs);
    svg("feGaussianBlur", { stdDeviation: 3.5, result: "blur" }, filter);
    const merge = svg("feMerge", {}, filter);
    svg("feMergeNode", { in: "blur" }, merge);
    svg("feMergeNode", { in: "SourceGraphic" }, merge);

    const fmid = G.fy + G.fh / 2, bmid = G.by + G.bh / 2;
    this.el = { fwd: {}, bwd: {}, cache: {}, aArrow: {}, daArrow: {}, dW: {}, db: {}, lines: {} };
    // input X
    const xin = svg("g", { class: "input-box" }, s);
    svg("rect", { x: G.x0, y: fmid - 26, width: G.inW, height: 52, rx: 8, class: "box input" }, xin);
    mathText(xin, G.x0 + G.inW / 2, fmid - 4, "X", "box-title", "middle");
    mathText(xin, G.x0 + G.inW / 2, fmid + 15, "= A[0]", "box-line", "middle");
    for (let l = 1; l <= L; l++) {
      const x = G.first + (l - 1) * G.col;
      const g = config.activations[l - 1];
      // forward block
      const f = svg("g", { class: "block fwd", tabindex: 0, role: "button", "data-layer": l }, s);
      svg("rect", { x, y: G.fy, width: G.bw, height: G.fh, rx: 10, class: "box" }, f);
      mathText(f, x + 10, G.fy + 22, `Layer ${l} forward`, "box-title", "start", G.bw - 18);
      mathText(f, x + 10, G.fy + 44, `Z[${l}] = W[${l}]A[${l - 1}] + b[${l}]`, "box-line", "start", G.bw - 18);
      mathText(f, x + 10, G.fy + 64, `A[${l}] = ${g}(Z[${l}])`, "box-line", "start", G.bw - 18);
      const fl = mathText(f, x + 10, G.fy + 84, "", "box-live");
      this.el.fwd[l] = { g: f, live: fl.live };
      // backward block
      const b = svg("g", { class: "block bwd", tabindex: 0, role: "button", "data-layer": l }, s);
      svg("rect", { x, y: G.by, width: G.bw, height: G.bh, rx: 10, class: "box" }, b);
      mathText(b, x + 10, G.by + 20, `Layer ${l} backward`, "box-title", "start", G.bw - 18);
      const lines = {
        dZ: mathText(b, x + 10, G.by + 40, `dZ[${l}] = dA[${l}] ∗ g′(Z[${l}])`, "box-line", "start", G.bw - 18),
        dW: mathText(b, x + 10, G.by + 58, `dW[${l}] = 1/m dZ[${l}] A[${l - 1}]ᵀ`, "box-line", "start", G.bw - 18),
        db: mathText(b, x + 10, G.by + 76, `db[${l}] = 1/m Σ dZ[${l}]`, "box-line", "start", G.bw - 18),
        dA_prev: mathText(b, x + 10, G.by + 94, l > 1 ? `dA[${l - 1}] = W[${l}]ᵀ dZ[${l}]` : "dA[0] not needed", "box-line", "start", G.bw - 18),
      };
      const bl = mathText(b, x + 10, G.by + 113, "", "box-live");
      this.el.bwd[l] = { g: b, live: bl.live };
      this.el.lines[l] = lines;
      for (const blk of [f, b]) {
        blk.addEventListener("click", () => this.#select(l));
        blk.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") { e.preventDefault(); e.stopPropagation(); this.#select(l); }
        });
      }
      // cache arrow, forward block -> backward block
      const cx = x + 26;
      this.el.cache[l] = arrow(s, `M${cx},${G.fy + G.fh} L${cx},${G.by - 2}`, "cache", null, null);
      this.el.cache[l].title = svg("title", {}, this.el.cache[l].g);
      mathText(this.el.cache[l].g, cx + 8, G.fy + G.fh + 30, "cache:", "cache-label");
      mathText(this.el.cache[l].g, cx + 8, G.fy + G.fh + 48, `A[${l - 1}], Z[${l}], W[${l}], b[${l}]`, "cache-label");
      // A[l-1] into the forward block
      const ax0 = l === 1 ? G.x0 + G.inW : x - G.gap;
      this.el.aArrow[l - 1] = arrow(s, `M${ax0},${fmid} L${x - 2},${fmid}`, "fwd-arrow", [(ax0 + x) / 2, fmid - 9], `A[${l - 1}]`);
      // dA[l] leaving this backward block's right side comes from block l+1 (or the loss)
      const dx1 = x + G.bw, dx0 = l === L ? costX : x + G.col;
      this.el.daArrow[l] = arrow(s, `M${dx0},${bmid} L${dx1 + 2},${bmid}`, "bwd-arrow", [(dx0 + dx1) / 2, bmid - 9], `dA[${l}]`);
      // outputs kept for the update
      this.el.dW[l] = arrow(s, `M${x + 48},${G.by + G.bh} L${x + 48},${G.outY}`, "out-arrow", [x + 48, G.outY + 16], `dW[${l}]`, "middle", true);
      this.el.db[l] = arrow(s, `M${x + 140},${G.by + G.bh} L${x + 140},${G.outY}`, "out-arrow", [x + 140, G.outY + 16], `db[${l}]`, "middle", true);
    }
    // A[L] into the loss; dA[0] leaving block 1 (not needed)
    const lastX = G.first + (L - 1) * G.col + G.bw;
    this.el.aArrow[L] = arrow(s, `M${lastX},${fmid} L${costX - 2},${fmid}`, "fwd-arrow", [(lastX + costX) / 2, fmid - 9], `A[${L}]`);
    const d0 = arrow(s, `M${G.first},${bmid} L${G.x0 + G.inW / 2},${bmid}`, "bwd-arrow unused", [(G.first + G.x0 + G.inW / 2) / 2, bmid - 9], "dA[0]");
    d0.label.live.textContent = "not needed";
    // cost box
    const c = svg("g", { class: "cost-box" }, s);
    svg("rect", { x: costX, y: G.fy, width: G.costW, height: G.by + G.bh - G.fy, rx: 10, class: "box cost" }, c);
    mathText(c, costX + G.costW / 2, G.fy + 22, "Loss", "box-title", "middle", G.costW - 14);
    mathText(c, costX + G.costW / 2, G.fy + 42, lossName(config.loss), "box-line", "middle", G.costW - 14);
    this.costLive = mathText(c, costX + G.costW / 2, G.fy + 70, "J = ", "box-cost", "middle").live;
    this.mLive = mathText(c, costX + G.costW / 2, G.fy + 92, "", "box-live", "middle").live;
    mathText(c, costX + 10, G.by - 34, `dA[${L}] = ∂L/∂A[${L}]`, "box-line", "start", G.costW - 18);
    const matched = isMatched(config.activations[L - 1], config.loss, this.ctx.catalog);
    mathText(c, costX + 10, G.by - 12, matched ? "shortcut (matched):" : "no shortcut:", "box-note", "start", G.costW - 18);
    mathText(c, costX + 10, G.by + 6, matched ? `dZ[${L}] = A[${L}] − Y` : `${config.activations[L - 1]} + ${lossName(config.loss)}`, "box-note", "start", G.costW - 18);
    mathText(c, costX + 10, G.by + 24, matched ? "(see the lesson)" : "is unmatched", "box-note", "start", G.costW - 18);
    this.costBox = c;
    // update bar
    const up = svg("g", { class: "update-bar" }, s);
    const upX1 = costX + G.costW; // spans the blocks and the loss box, so one layer still fits the text
    svg("rect", { x: G.first - 10, y: G.upY, width: upX1 - G.first + 10, height: upH, rx: 6, class: "box update" }, up);
    upLines.forEach((line, i) => mathText(up, (G.first - 10 + upX1) / 2, G.upY + 19 + 20 * i, line, "box-line", "middle", upX1 - G.first - 16));
    this.updateBar = up;
    this.lastOpKey = null;
    this.dirty = true;
    this.fitted = null;
    this.#markSelected();
    this.update(this.frame ?? null, this.op ?? null);
  }

  #hint() {
    const over = this.scroller.scrollWidth > this.scroller.clientWidth + 1;
    this.scrollHint.hidden = !over;
    const L = this.config.layers.length - 1;
    if (over) this.hintText.textContent = `The diagram scrolls sideways (scrollbar, Shift + wheel or these buttons): ${L} layers, and the Loss on the right where dA[${L}] starts. It follows the current operation.`;
  }

  /** When the diagram scrolls sideways (many layers, narrow screen), keep the active block in view. */
  #reveal() {
    const sc = this.scroller;
    if (sc.scrollWidth <= sc.clientWidth) return;
    const target = this.svg.querySelector(".block.is-active, .cost-box.is-active, .update-bar.is-active");
    if (!target) return;
    const r = target.getBoundingClientRect(), box = sc.getBoundingClientRect();
    if (r.left < box.left || r.right > box.right) sc.scrollLeft += r.left - box.left - (box.width - r.width) / 2;
  }

  /** Squeeze block texts that outgrow their box; redone when presenter mode toggles. */
  #fitText() {
    const key = `${document.documentElement.className}|${document.body.className}`;
    if (key === this.fitted || !this.svg.isConnected) return;
    this.fitted = key;
    for (const t of this.svg.querySelectorAll("text[data-fit]")) {
      t.removeAttribute("textLength");
      const max = Number(t.dataset.fit);
      if (t.getComputedTextLength() > max) {
        t.setAttribute("textLength", String(max));
        t.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    }
  }

  /** Mark layer l as the one the inspector shows. */
  selectLayer(l) {
    this.selected = l;
    this.#markSelected();
  }

  #select(l) {
    this.selectLayer(l);
    this.ctx.onSelectLayer?.(l);
  }

  #markSelected() {
    for (const side of ["fwd", "bwd"]) {
      for (const [l, b] of Object.entries(this.el[side])) b.g.classList.toggle("is-selected", Number(l) === this.selected);
    }
  }

  /** Show a frame (or null) at an op (or null); a no-op when neither changed. */
  update(frame, op) {
    this.#fitText();
    if (frame === this.frame && op === this.op && !this.dirty) return;
    this.dirty = false;
    this.frame = frame;
    this.op = op;
    const cfg = this.config, L = cfg.layers.length - 1, m = frame?.m ?? null;
    for (let l = 0; l <= L; l++) {
      const shape = fmtShape([cfg.layers[l], m]);
      this.el.aArrow[l].label.live.textContent = ` ${shape}`;
      if (l >= 1) this.el.daArrow[l].label.live.textContent = ` ${shape}`;
    }
    for (let l = 1; l <= L; l++) {
      const s = layerShapes(cfg, l, m);
      this.el.dW[l].label.live.textContent = ` ${fmtShape(s.dW)}`;
      this.el.db[l].label.live.textContent = ` ${fmtShape(s.db)}`;
      this.el.cache[l].title.textContent = `cache of layer ${l}, kept from the forward pass for the backward pass: ` +
        `A[${l - 1}] ${fmtShape(s.A_prev)}, Z[${l}] ${fmtShape(s.Z)}, W[${l}] ${fmtShape(s.W)}, b[${l}] ${fmtShape(s.b)}`;
      const lay = frame?.layers?.find((x) => x.layer === l);
      const dAn = lay?.dA_norm, dWn = lay?.dW_norm;
      this.el.bwd[l].live.textContent = lay ? `‖dA‖ ${fmtNum(dAn)}  ‖dW‖ ${fmtNum(dWn)}` : "";
      this.el.fwd[l].live.textContent = `${s.W[0]} unit${s.W[0] === 1 ? "" : "s"} · ${cfg.activations[l - 1]}`;
      this.el.fwd[l].g.setAttribute("aria-label",
        `Layer ${l} forward block: takes A[${l - 1}] ${fmtShape(s.A_prev)}, computes Z[${l}] and A[${l}] ${fmtShape(s.A)} with ${cfg.activations[l - 1]}, caches A[${l - 1}], Z[${l}], W[${l}], b[${l}]. Enter inspects layer ${l}.`);
      this.el.bwd[l].g.setAttribute("aria-label",
        `Layer ${l} backward block: receives dA[${l}] ${fmtShape(s.dA)}, norm ${fmtNum(dAn)}; computes dZ[${l}], dW[${l}] ${fmtShape(s.dW)} norm ${fmtNum(dWn)}, db[${l}] ${fmtShape(s.db)}; ` +
        (l > 1 ? `hands dA[${l - 1}] ${fmtShape(s.dA_prev)} down to layer ${l - 1}.` : "nothing to hand down.") + ` Enter inspects layer ${l}.`);
    }
    this.costLive.textContent = frame && typeof frame.cost === "number" ? fmtNum(frame.cost) : "–";
    this.mLive.textContent = m ? `mean over m = ${m}` : "";
    this.#highlight(op);
  }

  #highlight(op) {
    const key = op ? `${op.kind}:${op.layer}` : null;
    if (key === this.lastOpKey) return;
    this.lastOpKey = key;
    for (const n of this.svg.querySelectorAll(".is-active")) n.classList.remove("is-active");
    this.svg.classList.toggle("phase-forward", op?.phase === "forward" || op?.phase === "cost");
    this.svg.classList.toggle("phase-backward", op?.phase === "backward");
    const e = this.el;
    const arrows = [...Object.values(e.aArrow), ...Object.values(e.daArrow), ...Object.values(e.cache), ...Object.values(e.dW), ...Object.values(e.db)];
    for (const a of arrows) a.packet.setAttribute("opacity", 0);
    if (!op) return;
    const L = this.config.layers.length - 1, l = op.layer;
    const on = (...nodes) => nodes.forEach((n) => n?.classList.add("is-active"));
    const send = (a) => { if (a) { on(a.g); a.packet.setAttribute("opacity", 1); a.motion.beginElement?.(); } };
    switch (op.kind) {
      case "linear": on(e.fwd[l].g); send(e.aArrow[l - 1]); break;
      case "activation": on(e.fwd[l].g); send(e.aArrow[l]); break;
      case "cost": on(this.costBox); send(e.aArrow[L]); break;
      case "dA_L": on(this.costBox); send(e.daArrow[L]); break;
      case "dZ": on(e.bwd[l].g, e.daArrow[l].g, e.lines[l].dZ.text); send(e.cache[l]); break;
      case "dW": on(e.bwd[l].g, e.cache[l].g, e.lines[l].dW.text); send(e.dW[l]); break;
      case "db": on(e.bwd[l].g, e.lines[l].db.text); send(e.db[l]); break;
      case "dA_prev": on(e.bwd[l].g, e.lines[l].dA_prev.text); send(e.daArrow[l - 1]); break;
      case "update":
        on(this.updateBar);
        for (let k = 1; k <= L; k++) { on(e.dW[k].g, e.db[k].g, e.fwd[k].g); }
        break;
      default: break;
    }
    this.#reveal();
  }
}

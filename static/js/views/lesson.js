// Output-layer lesson: the explicit path (dA[L] first, then dZ[L] = dA[L] * g'(Z[L]))
// next to the shortcut dZ[L] = A[L] - Y, with both dZ[L] windows side by side and
// how far apart they are; for an unmatched pair, why the shortcut does not hold.
import { Heatmap } from "./heatmap.js";
import { agreementText, explicitDZ, fmtNum, fmtShape, isMatched, lessonContent, lossName, maxAbsDiff, notationParts, shapeOf, stats, subtract, sym, toHTML } from "./math.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Fill a node with course notation, layer indices as <sup>. */
export function setNotation(node, str) {
  if (node.dataset.text === str) return;
  node.dataset.text = str;
  node.replaceChildren(...notationParts(str).map((p) => {
    if (p.text !== undefined) return document.createTextNode(p.text);
    const span = el("span", "sym", p.base);
    span.append(el("sup", "", p.sup));
    return span;
  }));
}

export class LessonView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.mode = "explicit";
    this.frame = null;
    this.op = null;
    root.classList.add("lesson-view");
    const title = el("h2", "view-title", "Output layer: where dZ");
    this.titleSup = el("sup", "", "[L]");
    title.append(this.titleSup, el("span", "", " comes from"));
    this.pair = el("p", "lesson-pair");
    const toggle = el("div", "lesson-toggle");
    toggle.setAttribute("role", "group");
    toggle.setAttribute("aria-label", "Path to dZ of the output layer");
    this.buttons = {
      explicit: el("button", "lesson-btn", "Explicit path: dA first"),
      shortcut: el("button", "lesson-btn", "Shortcut: A − Y"),
    };
    for (const [mode, b] of Object.entries(this.buttons)) {
      b.type = "button";
      b.addEventListener("click", () => this.setMode(mode));
      toggle.append(b);
    }
    this.explicitPanel = el("div", "lesson-panel lesson-explicit");
    this.steps = el("ol", "lesson-steps");
    this.stepItems = [el("li"), el("li")];
    this.steps.append(...this.stepItems);
    this.explicitPanel.append(this.steps);
    this.shortcutPanel = el("div", "lesson-panel lesson-shortcut");
    this.shortcutEq = el("p", "lesson-eq");
    this.why = el("p", "lesson-why");
    this.shortcutPanel.append(this.shortcutEq, this.why);
    this.compare = el("div", "lesson-compare");
    this.maps = {
      explicit: new Heatmap(this.compare, { maxWidth: 160, maxHeight: 110 }),
      shortcut: new Heatmap(this.compare, { maxWidth: 160, maxHeight: 110 }),
      dA: new Heatmap(this.compare, { maxWidth: 160, maxHeight: 110 }),
    };
    this.agree = el("p", "lesson-agree");
    this.agree.setAttribute("aria-live", "polite");
    this.numbers = el("table", "lesson-numbers");
    this.numbersCaption = this.numbers.createCaption();
    this.numbersCaption.textContent = "First examples of the window, output unit 0";
    this.numbersHead = this.numbers.createTHead().insertRow();
    this.numbersBody = this.numbers.createTBody();
    this.numberRows = [];
    root.append(title, this.pair, toggle, this.explicitPanel, this.shortcutPanel, this.compare, this.agree, this.numbers);
    this.setConfig(ctx.config);
    this.setMode("explicit");
  }

  setConfig(config) {
    this.config = config;
    this.ctx.config = config;
    const L = config.layers.length - 1;
    const act = config.activations[L - 1];
    this.matched = isMatched(act, config.loss, this.ctx.catalog);
    this.content = lessonContent(act, config.loss, L, this.ctx.catalog);
    this.titleSup.textContent = `[${L}]`;
    this.pair.textContent = `Output activation ${act} with ${lossName(config.loss)}: ` +
      (this.matched ? "a matched pair — both paths give the same dZ." : "an unmatched pair — only the explicit path is right.");
    this.root.classList.toggle("is-matched", this.matched);
    setNotation(this.stepItems[0], `1. ${this.content.explicit[0]}`);
    setNotation(this.stepItems[1], `2. ${this.content.explicit[1]}`);
    setNotation(this.shortcutEq, this.matched ? this.content.shortcut : `A[${L}] − Y is not dZ[${L}] here; ${this.content.shortcut}`);
    setNotation(this.why, this.content.why);
    this.buttons.shortcut.textContent = this.matched ? "Shortcut: A − Y" : "Shortcut? (unavailable)";
    this.maps.dA.setTitle(toHTML([sym("dA", L)]) + " = ∂L/∂A", `dA[${L}]`);
    this.maps.explicit.setTitle(toHTML([sym("dZ", L)]) + " explicit", `dZ[${L}] explicit`);
    this.maps.shortcut.setTitle(toHTML([sym("A", L)]) + " − Y" + (this.matched ? " shortcut" : " (not dZ)"), `A[${L}] − Y`);
    this.numbersHead.replaceChildren(...["example", `dA[${L}]`, `dZ[${L}] explicit`, `A[${L}] − Y`].map((h) => {
      const th = el("th");
      setNotation(th, h);
      return th;
    }));
    if (this.mode) this.setMode(this.mode);
    this.dirty = true;
    this.update(this.frame, this.op);
  }

  /** "explicit" or "shortcut". */
  setMode(mode) {
    this.mode = mode === "shortcut" ? "shortcut" : "explicit";
    for (const [m, b] of Object.entries(this.buttons)) b.setAttribute("aria-pressed", String(m === this.mode));
    this.root.dataset.mode = this.mode;
    this.maps.dA.setRole(this.mode === "explicit" ? "input" : null);
    this.maps.explicit.setRole(this.mode === "explicit" ? "output" : null);
    this.maps.shortcut.setRole(this.mode === "shortcut" && this.matched ? "output" : null);
  }

  /** Show a frame (or null) at an op (or null); a no-op when neither changed. */
  update(frame, op) {
    if (frame === this.frame && op === this.op && !this.dirty) return;
    this.dirty = false;
    this.frame = frame;
    this.op = op;
    const L = this.config.layers.length - 1;
    this.root.classList.toggle("is-current", !!op && ((op.kind === "dA_L") || (op.kind === "dZ" && op.layer === L)));
    const out = frame?.layers?.find((x) => x.layer === L);
    if (!out || !frame.Y) {
      for (const m of Object.values(this.maps)) m.clear("no frame yet");
      this.agree.textContent = "";
      return;
    }
    const cols = frame.columns;
    // Both paths recomputed from the window, so each is what its title says whichever
    // one the server let flow down: explicit = dA[L] * g'(Z[L]), shortcut = A[L] - Y.
    const explicit = explicitDZ(this.config.activations[L - 1], out.dA, out.Z, out.A);
    const shortcut = subtract(out.A, frame.Y);
    const shape = `${fmtShape([this.config.layers[L], frame.m ?? null])} · window ${fmtShape(shapeOf(out.dA))}`;
    this.maps.dA.set(out.dA, cols, shape);
    // one colour scale for the two dZ candidates, so a difference shows as a colour difference
    const scale = Math.max(stats(explicit).maxAbs, stats(shortcut).maxAbs);
    this.maps.explicit.set(explicit, cols, shape, scale);
    this.maps.shortcut.set(shortcut, cols, shape, scale);
    setNotation(this.agree, agreementText(L, this.matched, maxAbsDiff(explicit, shortcut), frame.shortcut?.max_abs_diff));
    const n = Math.min(4, shapeOf(out.dZ)[1]);
    while (this.numberRows.length < n) {
      const row = this.numbersBody.insertRow();
      this.numberRows.push([0, 1, 2, 3].map(() => row.insertCell()));
    }
    this.numberRows.forEach((cells, j) => {
      cells[0].parentElement.hidden = j >= n;
      if (j >= n) return;
      cells[0].textContent = String(cols?.[j] ?? j);
      cells[1].textContent = fmtNum(out.dA[0][j]);
      cells[2].textContent = fmtNum(explicit[0][j]);
      cells[3].textContent = fmtNum(shortcut[0][j]);
    });
  }
}

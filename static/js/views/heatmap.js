// A small canvas heatmap of one matrix: one canvas pixel per cell scaled up with
// pixelated rendering, a symmetric diverging scale with a legend, values on hover
// and on keyboard focus (arrow keys move a cursor cell).
import { diverging } from "../palette.js";
import { cellAt, fmtNum, fmtShape, moveCursor, shapeOf, stats } from "./math.js";

let tooltip = null;

function sharedTooltip() {
  if (!tooltip) {
    tooltip = document.createElement("div");
    tooltip.className = "heatmap-tooltip";
    tooltip.setAttribute("role", "presentation");
    tooltip.hidden = true;
    document.body.append(tooltip);
  }
  return tooltip;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class Heatmap {
  /** opts: {titleHTML, name (plain text for labels), maxWidth px, maxHeight px, maxCell px} */
  constructor(root, opts = {}) {
    this.opts = { maxWidth: 200, maxHeight: 150, maxCell: 14, ...opts };
    this.matrix = null;
    this.columns = null;
    this.cursor = { row: 0, col: 0 };
    this.cw = 1;
    this.ch = 1;
    this.root = el("figure", "heatmap");
    this.caption = el("figcaption", "heatmap-title");
    this.titleEl = el("span", "heatmap-name");
    this.shapeEl = el("span", "heatmap-shape");
    this.badge = el("span", "heatmap-badge");
    this.caption.append(this.titleEl, " ", this.shapeEl, " ", this.badge);
    this.wrap = el("div", "heatmap-wrap");
    this.canvas = el("canvas", "heatmap-canvas");
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute("role", "img");
    this.cursorEl = el("div", "heatmap-cursor");
    this.cursorEl.hidden = true;
    this.empty = el("div", "heatmap-empty");
    this.empty.hidden = true;
    this.wrap.append(this.canvas, this.cursorEl, this.empty);
    this.legend = el("div", "heatmap-legend");
    this.legendMin = el("span", "heatmap-legend-min");
    this.legendBar = el("span", "heatmap-legend-bar");
    this.legendMax = el("span", "heatmap-legend-max");
    this.legend.append(this.legendMin, this.legendBar, this.legendMax);
    this.range = el("div", "heatmap-range");
    this.live = el("div", "visually-hidden");
    this.live.setAttribute("aria-live", "polite");
    this.root.append(this.caption, this.wrap, this.legend, this.range, this.live);
    root.append(this.root);
    this.setTitle(this.opts.titleHTML ?? "", this.opts.name ?? "");
    const stops = [-1, -0.5, 0, 0.5, 1].map((v) => diverging(v, 1));
    this.legendBar.style.background = `linear-gradient(to right, ${stops.join(", ")})`;
    this.canvas.addEventListener("mousemove", (e) => this.#hover(e));
    this.canvas.addEventListener("mouseleave", () => { if (document.activeElement !== this.canvas) this.#hideTip(); });
    this.canvas.addEventListener("focus", () => this.#showCursor());
    this.canvas.addEventListener("blur", () => { this.cursorEl.hidden = true; this.#hideTip(); });
    this.canvas.addEventListener("keydown", (e) => this.#key(e));
  }

  /** Title as trusted HTML (from math.js's toHTML) and its plain-text name. */
  setTitle(titleHTML, name) {
    this.titleEl.innerHTML = titleHTML;
    this.name = name;
  }

  /** Mark the matrix as an input or output of the current op (or neither). */
  setRole(role) {
    this.root.classList.toggle("role-input", role === "input");
    this.root.classList.toggle("role-output", role === "output");
    this.badge.textContent = role === "input" ? "input" : role === "output" ? "output" : "";
  }

  /**
   * Draw a matrix; columns = batch indices of the window's columns (for tooltips);
   * scale = a shared ±maxAbs for heatmaps meant to be compared (default: this matrix's).
   */
  set(matrix, columns = null, shapeText = null, scale = null) {
    this.columns = columns;
    if (!matrix || shapeOf(matrix)[0] === 0) return this.clear("no data");
    this.matrix = matrix;
    this.empty.hidden = true;
    this.canvas.hidden = false;
    this.legend.hidden = false;
    const [rows, cols] = shapeOf(matrix);
    const st = stats(matrix);
    const maxAbs = scale || st.maxAbs || 1;
    if (this.canvas.width !== cols || this.canvas.height !== rows) {
      this.canvas.width = cols;
      this.canvas.height = rows;
      const { maxWidth, maxHeight, maxCell } = this.opts;
      // cells may be taller than wide, so a 1×32 row or a 16×32 window stays readable
      this.cw = Math.max(2, Math.min(maxCell, Math.floor(maxWidth / cols)));
      this.ch = Math.max(2, Math.min(maxCell, Math.floor(maxHeight / rows), Math.max(this.cw, 10)));
      this.canvas.style.width = `${cols * this.cw}px`;
      this.canvas.style.height = `${rows * this.ch}px`;
      this.cursor = { row: Math.min(this.cursor.row, rows - 1), col: Math.min(this.cursor.col, cols - 1) };
    }
    const ctx = this.canvas.getContext("2d");
    for (let r = 0; r < rows; r++) {
      const row = matrix[r];
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = diverging(row[c], maxAbs);
        ctx.fillRect(c, r, 1, 1);
      }
    }
    this.shapeEl.textContent = shapeText ?? fmtShape([rows, cols]);
    this.legendMin.textContent = fmtNum(-maxAbs);
    this.legendMax.textContent = fmtNum(maxAbs);
    this.range.textContent = `min ${fmtNum(st.min)} · max ${fmtNum(st.max)} · ‖·‖ ${fmtNum(st.norm)}`;
    this.canvas.setAttribute("aria-label",
      `${this.name} ${fmtShape([rows, cols])}: min ${fmtNum(st.min)}, max ${fmtNum(st.max)}. Arrow keys read the cells.`);
    if (document.activeElement === this.canvas) this.#showCursor();
    return this;
  }

  /** Show a message instead of a matrix. */
  clear(message) {
    this.matrix = null;
    this.canvas.hidden = true;
    this.cursorEl.hidden = true;
    this.empty.hidden = false;
    this.legend.hidden = true;
    this.empty.textContent = message;
    this.range.textContent = "";
    this.legendMin.textContent = "";
    this.legendMax.textContent = "";
    this.canvas.setAttribute("aria-label", `${this.name}: ${message}`);
    return this;
  }

  #describe(cell) {
    const v = this.matrix[cell.row][cell.col];
    const ex = this.columns ? ` (example ${this.columns[cell.col]})` : "";
    return `${this.name} row ${cell.row}, col ${cell.col}${ex}: ${fmtNum(v)}`;
  }

  #tip(cell, clientX, clientY) {
    const t = sharedTooltip();
    t.textContent = this.#describe(cell);
    t.hidden = false;
    const x = Math.min(clientX + 12, window.innerWidth - t.offsetWidth - 4);
    t.style.left = `${Math.max(4, x)}px`;
    t.style.top = `${clientY + 14}px`;
  }

  #hideTip() {
    if (tooltip) tooltip.hidden = true;
  }

  #hover(e) {
    if (!this.matrix) return;
    const rect = this.canvas.getBoundingClientRect();
    const [rows, cols] = shapeOf(this.matrix);
    const cell = cellAt(e.clientX - rect.left, e.clientY - rect.top, rect.width, rect.height, rows, cols);
    if (cell) this.#tip(cell, e.clientX, e.clientY); else this.#hideTip();
  }

  #showCursor() {
    if (!this.matrix) return;
    const { row, col } = this.cursor;
    Object.assign(this.cursorEl.style, {
      left: `${col * this.cw}px`, top: `${row * this.ch}px`, width: `${this.cw}px`, height: `${this.ch}px`,
    });
    this.cursorEl.hidden = false;
    const rect = this.canvas.getBoundingClientRect();
    this.#tip(this.cursor, rect.left + (col + 1) * this.cw, rect.top + row * this.ch);
  }

  #key(e) {
    if (!this.matrix) return;
    const [rows, cols] = shapeOf(this.matrix);
    const next = moveCursor(this.cursor, e.key, rows, cols);
    if (!next) return;
    e.preventDefault();
    e.stopPropagation(); // the page's arrow-key shortcuts must not fire while reading cells
    this.cursor = next;
    this.#showCursor();
    this.live.textContent = this.#describe(next);
  }
}

// "Why dA?" walkthrough: a non-modal side panel that stops at each backward block
// from L down to 1, says what comes in and what goes out with the live numbers,
// moves the op cursor (ctx.onStepOp) so the other views animate in step, and ends
// with the answer.
import { opIndex, walkthroughSteps } from "./math.js";
import { setNotation } from "./lesson.js";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class WalkthroughView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.config = ctx.config;
    this.frame = null;
    this.op = null;
    this.index = 0;
    this.returnFocus = null;
    root.classList.add("walkthrough-root"); // the panel is fixed; its page slot takes no room
    this.panel = el("section", "walkthrough");
    this.panel.setAttribute("role", "dialog");
    this.panel.setAttribute("aria-modal", "false");
    this.panel.setAttribute("aria-labelledby", "walkthrough-title");
    this.panel.hidden = true;
    this.progress = el("p", "walkthrough-progress");
    this.title = el("h2", "walkthrough-title");
    this.title.id = "walkthrough-title";
    this.title.tabIndex = -1;
    this.body = el("div", "walkthrough-body");
    this.body.setAttribute("aria-live", "polite");
    const nav = el("div", "walkthrough-nav");
    this.back = el("button", "walkthrough-back", "Back");
    this.next = el("button", "walkthrough-next", "Next");
    this.close = el("button", "walkthrough-close", "Close");
    for (const b of [this.back, this.next, this.close]) b.type = "button";
    this.close.setAttribute("aria-label", "Close the walkthrough");
    nav.append(this.back, this.next, this.close);
    this.panel.append(this.progress, this.title, this.body, nav);
    root.append(this.panel);
    this.back.addEventListener("click", () => this.go(this.index - 1));
    this.next.addEventListener("click", () => (this.index >= this.steps().length - 1 ? this.stop() : this.go(this.index + 1)));
    this.close.addEventListener("click", () => this.stop());
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { e.preventDefault(); this.stop(); }
      // keep the page's arrow/space shortcuts from moving the timeline under the walkthrough
      else if (e.key === "ArrowRight" && e.target.tagName !== "BUTTON") { e.preventDefault(); this.next.click(); }
      else if (e.key === "ArrowLeft" && e.target.tagName !== "BUTTON") { e.preventDefault(); this.back.click(); }
      e.stopPropagation();
    });
  }

  get isActive() {
    return !this.panel.hidden;
  }

  setConfig(config) {
    this.config = config;
    this.ctx.config = config;
    if (this.isActive) this.go(Math.min(this.index, this.steps().length - 1));
  }

  steps() {
    return walkthroughSteps(this.config, this.frame);
  }

  start() {
    this.returnFocus = document.activeElement;
    this.panel.hidden = false;
    document.body.classList.add("walkthrough-open");
    this.go(0);
    this.title.focus({ preventScroll: true });
    // bring the diagram the walkthrough talks about into view
    const blocks = document.querySelector(".blocks-view");
    if (blocks) {
      const header = document.querySelector("header");
      const sticky = header && getComputedStyle(header).position === "sticky" ? header.offsetHeight : 0;
      window.scrollTo({ top: blocks.getBoundingClientRect().top + window.scrollY - sticky - 8, behavior: "smooth" });
    }
  }

  stop() {
    if (!this.isActive) return;
    this.panel.hidden = true;
    document.body.classList.remove("walkthrough-open");
    if (this.returnFocus && this.returnFocus.isConnected) this.returnFocus.focus();
  }

  /** Show step i and move the op cursor to its target op. */
  go(i) {
    const steps = this.steps();
    this.index = Math.max(0, Math.min(steps.length - 1, i));
    this.render(steps);
    const L = this.config.layers.length - 1;
    // The inspector follows the op cursor by itself, so moving the cursor is enough.
    const target = opIndex(L, steps[this.index].target);
    if (this.ctx.onGotoOp) this.ctx.onGotoOp(target);
    else {
      const cur = opIndex(L, this.op); // -1 when no single op is shown
      const delta = target - cur;
      if (delta !== 0) this.ctx.onStepOp?.(delta);
    }
  }

  render(steps = this.steps()) {
    const step = steps[this.index];
    this.progress.textContent = `“Why dA?” · step ${this.index + 1} of ${steps.length}`;
    setNotation(this.title, step.title);
    while (this.body.children.length < step.lines.length) this.body.append(el("p"));
    [...this.body.children].forEach((p, j) => {
      p.hidden = j >= step.lines.length;
      if (j < step.lines.length) setNotation(p, step.lines[j]);
    });
    this.back.disabled = this.index === 0;
    this.next.textContent = this.index === steps.length - 1 ? "Finish" : "Next";
    this.panel.dataset.step = String(this.index);
  }

  /** Follow the live frame and op cursor; re-renders the open step only when they change. */
  update(frame, op) {
    const changed = frame !== this.frame || op !== this.op;
    this.frame = frame;
    this.op = op;
    if (changed && this.isActive) this.render();
  }
}

// The op cursor: which operation of the shown iteration the views highlight, and the
// op-by-op animation of a Step. Pure (no DOM, no timers): the caller passes `now`.
// opIndex -1 means "no single op": the whole iteration is shown (e.g. while playing).

import { animationDone, opIndexAt } from "./timeline.js";

/** Milliseconds per op for speed 1..5, and the stream's frames per second while playing. */
export const MS_PER_OP = [900, 450, 220, 110, 45];
export const PLAY_FPS = [2, 5, 15, 30, 60];

export const speedMsPerOp = (speed) => MS_PER_OP[Math.max(1, Math.min(5, speed)) - 1];
export const speedFps = (speed, maxFps = Infinity) =>
  Math.min(maxFps, PLAY_FPS[Math.max(1, Math.min(5, speed)) - 1]);

export class Playback {
  constructor(opCount = 0) {
    this.reset(opCount);
  }

  /** A new network (or a reset run): nothing pending, no op shown. */
  reset(opCount = this.opCount) {
    this.opCount = opCount;
    this.opIndex = -1;
    this.anim = null;
    this.pending = null; // {fromStep, mode: "animate" | "first-op" | "fast"}
  }

  get animating() {
    return this.anim !== null;
  }

  /** A step request went out; `mode` says what to show when its frame arrives. */
  requestStep(fromStep, mode) {
    this.anim = null;
    this.pending = { fromStep, mode };
  }

  /**
   * A frame arrived. Returns true when it completes the pending request (the caller
   * then shows it live). "animate" starts the op-by-op animation, "first-op" shows op 0.
   */
  onFrame(frame, now, msPerOp) {
    const p = this.pending;
    if (!p || frame.step <= p.fromStep) return false;
    if (p.mode === "fast") return true; // the caller ends the fast-forward on its final frame
    this.pending = null;
    if (p.mode === "animate") {
      this.anim = { start: now, msPerOp, count: this.opCount, from: 0 };
      this.opIndex = 0;
    } else {
      this.opIndex = 0;
    }
    return true;
  }

  /** A step request was refused (an error or a pause came instead of its frame). */
  cancelPending() {
    this.pending = null;
  }

  /** A fast-forward finished (or was cancelled). */
  endFast() {
    if (this.pending?.mode === "fast") this.pending = null;
  }

  /** Advance the animation clock. */
  tick(now) {
    if (!this.anim) return;
    this.opIndex = opIndexAt(now, this.anim);
    if (animationDone(now, this.anim)) this.anim = null;
  }

  /** Change the pace of a running animation without a jump. */
  setMsPerOp(msPerOp, now) {
    if (!this.anim) return;
    this.anim = { start: now, msPerOp, count: this.opCount, from: this.opIndex };
  }

  /** Playing shows whole iterations. */
  play() {
    this.anim = null;
    this.opIndex = -1;
  }

  /** Jump to op i (clamped); stops an animation. */
  goto(i) {
    this.anim = null;
    this.opIndex = Math.max(0, Math.min(this.opCount - 1, i));
    return this.opIndex;
  }

  /**
   * One op forward. Returns "moved", or "step" when the iteration's last op is shown
   * (the caller trains one more iteration and shows its first op).
   */
  next() {
    if (this.anim) {
      this.anim = null;
    }
    if (this.opIndex >= this.opCount - 1) return "step";
    this.opIndex += 1;
    return "moved";
  }

  /**
   * One op back. Returns "moved", or "previous" at the first op (the caller shows the
   * previous iteration, if it has one, at its last op via goto()).
   */
  prev() {
    this.anim = null;
    if (this.opIndex <= 0) return "previous";
    this.opIndex -= 1;
    return "moved";
  }

  /** The op object to show, from the list operations(L) gave. */
  current(ops) {
    return this.opIndex >= 0 ? ops[this.opIndex] ?? null : null;
  }
}

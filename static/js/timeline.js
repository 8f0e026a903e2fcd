// A ring buffer of the most recent frames with a scrub cursor, and the op-by-op
// animation clock. Pure: no DOM, no timers; the caller passes the time in.

export class Timeline {
  constructor(capacity = 200) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.clear();
  }

  /** Forget every frame and follow the newest again. */
  clear() {
    this._items = [];
    this._start = 0;
    this.cursor = -1; // index into the buffer, 0 = oldest
    this.live = true;
  }

  get size() {
    return this._items.length;
  }

  /**
   * Add a frame. A frame with the newest's step replaces it (a resumed stream repeats
   * its current state); a frame with a smaller step (a reset) starts over.
   */
  push(frame) {
    const newest = this.latest();
    if (newest && frame.step === newest.step) {
      this._items[(this._start + this._items.length - 1) % this._items.length] = frame;
      return;
    }
    if (newest && frame.step < newest.step) this.clear();
    if (this._items.length < this.capacity) {
      this._items.push(frame);
    } else {
      this._items[this._start] = frame;
      this._start = (this._start + 1) % this.capacity;
      if (!this.live && this.cursor > 0) this.cursor -= 1; // keep showing the same frame
    }
    if (this.live) this.cursor = this._items.length - 1;
  }

  /** Frame i, 0 = oldest kept; undefined outside. */
  get(i) {
    if (!(i >= 0 && i < this._items.length)) return undefined;
    return this._items[(this._start + i) % this._items.length];
  }

  latest() {
    return this.get(this._items.length - 1);
  }

  /** The frame the cursor points at (null when empty). */
  current() {
    return this.get(this.cursor) ?? null;
  }

  /** Move the cursor to index i (clamped); at the newest frame it follows new frames. */
  seek(i) {
    if (this._items.length === 0) return null;
    this.cursor = Math.max(0, Math.min(this._items.length - 1, Math.round(i)));
    this.live = this.cursor === this._items.length - 1;
    return this.current();
  }

  /** Move the cursor by delta frames. */
  move(delta) {
    return this.seek(this.cursor + delta);
  }

  /** Follow the newest frame again. */
  follow() {
    this.live = true;
    this.cursor = this._items.length - 1;
    return this.current();
  }

  /** Steps of the kept frames, oldest first. */
  steps() {
    return Array.from({ length: this._items.length }, (_, i) => this.get(i).step);
  }
}

/**
 * Op-by-op animation of one iteration: op index at time `now` for an animation that
 * started at `start` and spends `msPerOp` per op over `count` ops (stays on the last).
 */
export function opIndexAt(now, { start, msPerOp, count, from = 0 }) {
  if (count <= 0) return -1;
  const elapsed = Math.max(0, now - start);
  const i = from + Math.floor(elapsed / Math.max(1, msPerOp));
  return Math.min(count - 1, i);
}

/** True once the animation has shown its last op for a full msPerOp. */
export function animationDone(now, { start, msPerOp, count, from = 0 }) {
  return now - start >= (count - from) * Math.max(1, msPerOp);
}

/**
 * The most recent `grid` messages (the per-neuron and output pictures over the input
 * plane), kept by step so that a scrubbed frame shows the picture of its own time. Grids
 * come at a lower rate than frames: at(step) is the newest grid at or before `step`.
 */
export class GridHistory {
  constructor(capacity = 60) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.clear();
  }

  clear() {
    this._grids = []; // ascending step
  }

  get size() {
    return this._grids.length;
  }

  /** Add a grid; one with the newest's step replaces it, a smaller step (a reset) starts over. */
  push(grid) {
    const newest = this._grids.at(-1);
    if (newest && grid.step === newest.step) this._grids[this._grids.length - 1] = grid;
    else {
      if (newest && grid.step < newest.step) this.clear();
      this._grids.push(grid);
      if (this._grids.length > this.capacity) this._grids.shift();
    }
  }

  /** The newest grid with step <= `step`; the oldest kept one if all are later; null when empty. */
  at(step) {
    let found = null;
    for (const g of this._grids) {
      if (g.step <= step) found = g;
      else break;
    }
    return found ?? this._grids[0] ?? null;
  }

  steps() {
    return this._grids.map((g) => g.step);
  }
}

/** How many times the first cost a run may grow before the page calls it diverging. */
export const DIVERGING_FACTOR = 1e4;

/**
 * A message when `frame` shows a diverged or diverging run, else null: the server's
 * `diverged` flag, a cost that is not a finite number, or a cost DIVERGING_FACTOR times
 * the run's first cost (`firstCost`; a huge but finite cost the server does not flag).
 */
export function divergence(frame, firstCost) {
  const fmt = (x) => Number(x).toPrecision(3);
  if (frame.diverged || !Number.isFinite(frame.cost)) {
    return `The run diverged at iteration ${frame.step}: the cost is no longer a finite number. Lower the learning rate, then press Reset.`;
  }
  if (Number.isFinite(firstCost) && firstCost > 0 && frame.cost > DIVERGING_FACTOR * firstCost) {
    return `The run is diverging: the cost grew from ${fmt(firstCost)} to ${fmt(frame.cost)} by iteration ${frame.step}. Lower the learning rate, then press Reset.`;
  }
  return null;
}

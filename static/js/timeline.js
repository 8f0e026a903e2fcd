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

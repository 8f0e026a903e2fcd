// Wiring: URL state -> session -> stream messages -> timeline -> views, driven by one
// requestAnimationFrame loop. The views and controls do the drawing; playback.js and
// timeline.js decide what is shown.

import { api } from "./api.js";
import { Controls } from "./controls.js";
import { csvShape, outputFor } from "./csv.js";
import { equation, operations } from "./operations.js";
import { Playback, speedFps, speedMsPerOp } from "./playback.js";
import { Session } from "./session.js";
import { checkAgainstCatalog, deserialize, needsReset, serialize, sessionBody } from "./state.js";
import { GridHistory, Timeline, divergence } from "./timeline.js";
import { BlocksView } from "./views/blocks.js";
import { InspectorView } from "./views/inspector.js";
import { LessonView } from "./views/lesson.js";
import { NetworkView } from "./views/network.js";
import { OutputView } from "./views/output.js";
import { WalkthroughView } from "./views/walkthrough.js";

const $ = (id) => document.getElementById(id);
const fmtCost = (c) => (Number.isFinite(c) ? Number(c).toPrecision(6) : "not finite");
const PHASE_TEXT = { forward: "forward pass", cost: "cost", backward: "backward pass", update: "update" };
const fmtPct = (a) => (Number.isFinite(a) ? `${(100 * a).toFixed(1)}%` : "–");

// Per-view draw times (ms), last 120 each: window.__bpvTiming, for profiling from a test.
const timing = Object.fromEntries(
  ["network", "BlocksView", "InspectorView", "LessonView", "WalkthroughView", "plotly", "plotly_cost", "plotly_norms", "plotly_boundary"].map((k) => [k, []]),
);
for (const list of Object.values(timing)) {
  const push = list.push.bind(list);
  list.push = (x) => (list.length >= 120 && list.shift(), push(x));
}
window.__bpvTiming = timing;

const ui = {
  banner(message, kind = "error") {
    $("banner-text").textContent = message;
    $("banner").classList.toggle("info", kind === "info");
    $("banner").hidden = false;
  },
  clearBanner() {
    $("banner").hidden = true;
  },
  connection(text) {
    $("connection").textContent = text;
    clearTimeout(ui._connTimer);
    if (text.startsWith("Reconnected")) ui._connTimer = setTimeout(() => ($("connection").textContent = ""), 3000);
  },
};

class App {
  constructor(catalog, initial) {
    this.catalog = catalog;
    this.state = initial;
    this.csv = null; // {text, name, shape}
    this.timeline = new Timeline(300);
    this.grids = new GridHistory(60); // the pictures over the input plane, by step
    this.gridVersion = 0;
    this.shownGrid = { key: "", grid: null };
    this.firstCost = undefined; // the run's cost at iteration 0, for the diverging check
    this.divergenceShown = 0; // 0 none, 1 "diverging" said, 2 "diverged" said
    this.playback = new Playback();
    this.ops = [];
    this.views = [];
    this.playing = false;
    this.maxFps = catalog.limits?.max_fps ?? 60;
    this.shown = { frame: undefined, op: undefined, playing: undefined, scrub: "" };
    this.configuredFor = null;
    this.session = new Session({
      onMessage: (msg) => this.onMessage(msg),
      onStatus: (text) => ui.connection(text),
      onReplaced: (message) => {
        this.configuredFor = null;
        ui.banner(message, "info");
      },
      resumeCommands: () => (this.playing ? [{ action: "play", fps: this.fps }] : []),
    });
    this.controls = new Controls(catalog, {
      onChange: (next) => this.applyState(next),
      onAction: (name, arg) => this.action(name, arg),
      onCsv: (text, name) => this.loadCsv(text, name),
      onInvalid: (message) => ui.banner(message),
    });
    this.controls.setState(this.state);
    this.network = new NetworkView($("network-canvas"), {
      onSelectLayer: (l) => this.selectLayer(l),
      tooltip: $("tooltip"),
    });
    this.output = new OutputView({
      boundary: $("chart-boundary"), cost: $("chart-cost"), norms: $("chart-norms"), key: $("chart-key"),
    });
    if (!this.output.available) ui.banner("plotly.js did not load, so the charts are off; the rest of the page works.");
    $("banner-close").addEventListener("click", () => ui.clearBanner());
    window.addEventListener("hashchange", () => this.onHashChange());
    requestAnimationFrame((now) => this.loop(now));
  }

  get fps() {
    return speedFps(this.controls.speed, this.maxFps);
  }

  // ---------- session ----------
  datasetShape(state) {
    if (state.dataset === "csv") return this.csv.shape;
    const info = this.catalog.datasets[state.dataset];
    return { n_features: info.n_features, n_outputs: info.n_outputs };
  }

  /** The task of the state's dataset ("binary" | "multiclass" | "regression"). */
  datasetTask(state) {
    return state.dataset === "csv" ? this.csv?.shape.task : this.catalog.datasets[state.dataset]?.task;
  }

  /** Start a run for `state`; on an invalid setting keep the current run and say why. */
  async startRun(state, { csvName = null } = {}) {
    const body = sessionBody(state, this.datasetShape(state), state.dataset === "csv" ? this.csv.text : null);
    try {
      await this.session.create(body);
    } catch (err) {
      const what = csvName ? `The CSV file "${csvName}" was not accepted` : "That setting was not accepted";
      ui.banner(`${what}: ${err.message}${this.configuredFor ? "\nThe previous run continues." : ""}`);
      return false;
    }
    this.setPlaying(false);
    this.state = state;
    this.writeHash();
    this.controls.setState(state);
    return true;
  }

  async applyState(next) {
    if (!needsReset(this.state, next)) {
      const live = { action: "set" };
      if (next.learningRate !== this.state.learningRate) live.learning_rate = next.learningRate;
      if (next.regularizationRate !== this.state.regularizationRate) live.l2 = next.regularizationRate;
      if (next.batchSize !== this.state.batchSize) live.batch_size = next.batchSize > 0 ? next.batchSize : null;
      this.session.send(live);
      this.state = next;
      this.writeHash();
      this.controls.setState(next);
      return;
    }
    ui.clearBanner();
    if (!(await this.startRun(next))) this.controls.setState(this.state);
  }

  async loadCsv(text, name) {
    const shape = csvShape(text);
    if (shape.error) {
      ui.banner(`The CSV file "${name}" was not accepted: ${shape.error}.`);
      return;
    }
    const previous = this.csv;
    this.csv = { text, name, shape };
    this.controls.csvLoaded = true;
    this.controls.csvName = name;
    this.controls.csvTask = shape.task;
    ui.clearBanner();
    const ok = await this.startRun({ ...this.state, dataset: "csv", ...outputFor(shape.task) }, { csvName: name });
    if (!ok) {
      this.csv = previous;
      this.controls.csvLoaded = Boolean(previous);
      this.controls.csvName = previous?.name ?? null;
      this.controls.csvTask = previous?.shape.task;
      this.controls.setState(this.state);
    }
  }

  writeHash() {
    const hash = `#${serialize(this.state)}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  onHashChange() {
    if (location.hash === `#${serialize(this.state)}`) return;
    const { state, errors, given } = deserialize(location.hash);
    const checked = checkAgainstCatalog(state, this.catalog, given);
    const problems = [...errors, ...checked.errors];
    if (problems.length) ui.banner(`Some URL settings were ignored:\n${problems.join("\n")}`);
    this.applyState(checked.state);
  }

  // ---------- stream messages ----------
  onMessage(msg) {
    switch (msg.type) {
      case "hello":
        return this.onHello(msg);
      case "frame":
        return this.onFrame(msg);
      case "grid":
        this.grids.push(msg);
        this.gridVersion += 1; // loop() shows the grid that fits the shown frame
        return undefined;
      case "event":
        return this.onEvent(msg);
      case "error":
        // A refused step or fast-forward sends no frame: stop waiting for one.
        this.endFast();
        this.playback.cancelPending();
        ui.banner(`The server refused a command${msg.field ? ` (${msg.field})` : ""}: ${msg.message}`);
        return undefined;
      default:
        return undefined;
    }
  }

  onHello(hello) {
    if (hello.limits?.max_fps) this.maxFps = hello.limits.max_fps;
    // A request sent before the connection dropped may never be answered: stop waiting.
    this.endFast();
    this.playback.cancelPending();
    if (this.configuredFor === hello.session) return; // a resumed stream: keep the timeline
    this.configuredFor = hello.session;
    const config = hello.config;
    const L = config.layers.length - 1;
    this.config = config;
    this.ops = operations(L, config.activations, config.optimizer);
    this.timeline.clear();
    this.grids.clear();
    this.shownGrid = { key: "", grid: null };
    this.firstCost = undefined;
    this.divergenceShown = 0;
    this.playback.reset(this.ops.length);
    this.shown = { frame: undefined, op: undefined, playing: undefined, scrub: "" };
    this.network.setConfig(config, hello.input_range);
    this.output.rememberData(hello.data, hello.input_range);
    this.output.setConfig(config, hello.data, hello.input_range);
    $("network-caption").textContent = `[${config.layers.join(", ")}] · ${config.activations.join(", ")} · ${config.loss}`;
    if (this.views.length === 0) this.buildViews(config);
    else for (const v of this.views) v.setConfig(config);
  }

  buildViews(config) {
    const ctx = () => ({
      catalog: this.catalog,
      config,
      onSelectLayer: (l) => this.selectLayer(l),
      onStepOp: (delta) => this.gotoOp(this.playback.opIndex + delta),
      onGotoOp: (i) => this.gotoOp(i),
    });
    this.blocks = new BlocksView($("blocks-view"), ctx());
    this.inspector = new InspectorView($("inspector-view"), ctx());
    this.lesson = new LessonView($("lesson-view"), ctx());
    this.walkthrough = new WalkthroughView($("walkthrough-view"), ctx());
    this.views = [this.blocks, this.inspector, this.lesson, this.walkthrough];
  }

  onFrame(frame) {
    const now = performance.now();
    this.timeline.push(frame);
    this.output.addFrame(frame);
    const pending = this.playback.pending;
    if (this.playback.onFrame(frame, now, speedMsPerOp(this.controls.speed))) {
      this.timeline.follow();
      if (pending?.mode === "fast" && frame.step >= this.fastTarget) this.endFast();
    }
    if (frame.step === 0) {
      this.firstCost = frame.cost;
      this.divergenceShown = 0;
    }
    // Said once per run and level: "diverging" (a huge finite cost), then "diverged".
    const diverging = divergence(frame, this.firstCost);
    const level = diverging ? (frame.diverged || !Number.isFinite(frame.cost) ? 2 : 1) : 0;
    if (level > this.divergenceShown) {
      this.divergenceShown = level;
      this.onDiverged(diverging);
    }
  }

  onEvent(ev) {
    switch (ev.event) {
      case "playing":
        this.setPlaying(true);
        break;
      case "paused":
        // Not a reason to stop waiting for a step's frame: Step, Next operation and
        // Fast-forward send "pause" first, and its answer comes after they asked for the
        // step. A failed step sends "error" before "paused", and that ends the wait.
        this.setPlaying(false);
        break;
      case "reset":
        this.playback.reset();
        this.setPlaying(false);
        break;
      case "diverged":
        if (this.divergenceShown < 2) {
          this.divergenceShown = 2;
          this.onDiverged(ev.message ? `The run diverged: ${ev.message}.` : null);
        }
        break;
      case "progress":
        if (this.playback.pending?.mode === "fast") {
          this.controls.setProgress(ev.done, ev.total);
          if (ev.done >= ev.total) this.endFast();
        }
        break;
      default:
        break;
    }
  }

  onDiverged(message) {
    this.endFast();
    if (this.playing) this.action("pause");
    ui.banner(message ?? "The run diverged: the cost is no longer a finite number. Lower the learning rate, then press Reset.");
  }

  endFast() {
    const wasFast = this.playback.pending?.mode === "fast";
    this.playback.endFast();
    this.controls.setProgress(0, null);
    if (wasFast) this.backfillCharts();
  }

  /** A fast-forward's frames skip iterations; the session's history has them all. */
  async backfillCharts() {
    const id = this.session.id;
    try {
      const info = await api.getSession(id);
      if (id === this.session.id) this.output.setHistory(info.history);
    } catch {
      // The charts keep the frames they have; nothing else depends on this.
    }
  }

  setPlaying(playing) {
    this.playing = playing;
    this.controls.setPlaying(playing);
  }

  // ---------- actions ----------
  pauseIfPlaying() {
    if (this.playing) this.action("pause");
  }

  action(name, arg) {
    const latest = this.timeline.latest();
    switch (name) {
      case "play":
        this.endFast();
        this.playback.play();
        this.timeline.follow();
        this.setPlaying(true);
        this.session.send({ action: "play", fps: this.fps });
        break;
      case "pause":
        this.setPlaying(false);
        this.session.send({ action: "pause" });
        break;
      case "step":
        if (!latest) return;
        this.pauseIfPlaying();
        this.playback.requestStep(latest.step, "animate");
        this.session.send({ action: "step", steps: 1 });
        break;
      case "next": {
        this.pauseIfPlaying();
        if (this.playback.pending) return; // the step that shows the next op is on its way
        // The ops shown with iteration n are the training step that produced it (frame n),
        // as Step shows them. Iteration 0 has no step behind it: from there, Next operation
        // trains iteration 1 first and walks its ops, so #iteration reads 1 as with Step.
        const atStart = this.timeline.current()?.step === 0;
        if (atStart || this.playback.next() === "step") {
          if (this.timeline.live && latest) {
            this.playback.requestStep(latest.step, "first-op");
            this.session.send({ action: "step", steps: 1 });
          } else {
            this.timeline.move(1);
            this.playback.goto(0);
          }
        }
        break;
      }
      case "prev":
        this.pauseIfPlaying();
        if (this.playback.prev() === "previous" && this.timeline.cursor > 0) {
          this.timeline.move(-1);
          // Iteration 0 is the initial network, with no step (and no ops) behind it.
          if (this.timeline.current()?.step === 0) this.playback.play();
          else this.playback.goto(this.ops.length - 1);
        }
        break;
      case "reset":
        this.endFast();
        this.setPlaying(false);
        this.playback.reset();
        ui.clearBanner();
        this.session.send({ action: "reset" });
        break;
      case "train":
        if (!latest) return;
        this.pauseIfPlaying();
        this.playback.play();
        this.playback.requestStep(latest.step, "fast");
        this.fastTarget = latest.step + arg;
        this.controls.setProgress(0, arg);
        this.session.send({ action: "step", steps: arg });
        break;
      case "scrub":
        this.timeline.seek(arg);
        break;
      case "speed":
        this.playback.setMsPerOp(speedMsPerOp(arg), performance.now());
        if (this.playing) this.session.send({ action: "set", fps: this.fps });
        break;
      case "why":
        this.pauseIfPlaying();
        this.walkthrough?.start();
        break;
      case "presenter": {
        const on = document.documentElement.classList.toggle("presenter");
        $("presenter").setAttribute("aria-pressed", String(on));
        this.output.setFontSize(on ? 15 : 11);
        break;
      }
      default:
        break;
    }
  }

  gotoOp(i) {
    this.pauseIfPlaying();
    if (i < 0) this.playback.play();
    else this.playback.goto(i);
  }

  selectLayer(l) {
    this.inspector?.selectLayer(l);
    this.blocks?.selectLayer?.(l);
  }

  // ---------- drawing ----------
  loop(now) {
    this.playback.tick(now);
    const frame = this.timeline.current();
    const op = this.playback.current(this.ops);
    // The status line also depends on whether the run plays ("Training…" or not).
    if (frame !== this.shown.frame || op !== this.shown.op || this.playing !== this.shown.playing) {
      this.shown.frame = frame;
      this.shown.op = op;
      this.shown.playing = this.playing;
      this.render(frame, op);
    }
    const t2 = performance.now();
    if (this.output.tick(now)) timing.plotly.push(performance.now() - t2);
    if (frame) this.showGrid(frame);
    const scrubKey = `${this.timeline.size}:${this.timeline.cursor}:${this.timeline.live}:${this.timeline.latest()?.step}`;
    if (scrubKey !== this.shown.scrub && frame) {
      this.shown.scrub = scrubKey;
      const steps = this.timeline.steps();
      const skipped = steps.length > 1 && steps.at(-1) - steps[0] + 1 > steps.length;
      this.controls.setScrub(this.timeline.size, this.timeline.cursor, this.timeline.live, frame.step, { steps, skipped });
    }
    requestAnimationFrame((t) => this.loop(t));
  }

  /** The neuron pictures and the boundary of the newest grid at or before the shown frame. */
  showGrid(frame) {
    const key = `${frame.step}:${this.gridVersion}:${this.playing}`;
    if (key === this.shownGrid.key) return;
    this.shownGrid.key = key;
    const grid = this.grids.at(frame.step);
    if (grid && grid !== this.shownGrid.grid) {
      this.shownGrid.grid = grid;
      this.network.setGrid(grid);
      this.output.setGrid(grid);
    }
    // While playing the pictures lag the frames by design (grids come at grid_hz); paused
    // or scrubbed, say when the picture is not the shown iteration's.
    const note = grid && grid.step !== frame.step && !this.playing
      ? `Pictures from iteration ${grid.step} (${grid.step < frame.step ? "the nearest kept before" : "none kept as early as"} ${frame.step})`
      : "";
    for (const id of ["network-grid-note", "output-grid-note"]) {
      const el = $(id);
      if (el.textContent !== note) {
        el.textContent = note;
        el.hidden = note === "";
      }
    }
  }

  render(frame, op) {
    if (frame) {
      $("iteration").textContent = String(frame.step);
      $("cost").textContent = fmtCost(frame.cost);
      $("cost").title = `cost J = ${frame.cost}${frame.test_cost !== undefined ? `, test cost = ${frame.test_cost}` : ""}`;
      $("accuracy").textContent = fmtPct(frame.train_accuracy);
    }
    $("operation").textContent = op
      ? op.label
      : frame
        ? this.playing
          ? `Training… iteration ${frame.step}`
          : frame.step === 0
            ? "Initial parameters · Next operation trains iteration 1 and walks its operations"
            : `Iteration ${frame.step} · Next operation walks the step that produced it`
        : "Waiting for the server…";
    // The ops shown belong to the training step that produced the shown iteration.
    // Iteration 0 has no step behind it; a view may still show its pass (no update applied).
    const it = frame?.step === 0 ? "iteration 0 (initial)" : `iteration ${frame?.step}`;
    const phase = op && frame ? `${it}: ${PHASE_TEXT[op.phase] ?? op.phase}` : this.playing ? "training" : "iteration";
    $("phase").textContent = phase;
    $("phase").title = op && frame
      ? `These operations are the training step that makes iteration ${frame.step} from the parameters of iteration ${frame.step - 1}.`
      : "";
    $("phase").dataset.phase = op ? op.phase : "";
    $("equation").textContent = op && this.config && frame
      ? equation(op, { layers: this.config.layers, m: frame.m ?? "m", activations: this.config.activations, optimizer: this.config.optimizer })
      : "";
    $("equation").title = $("equation").textContent;
    const t0 = performance.now();
    this.network.update(frame, op);
    timing.network.push(performance.now() - t0);
    for (const view of this.views) {
      const t1 = performance.now();
      try {
        view.update(frame, op);
        timing[view.constructor.name]?.push(performance.now() - t1);
      } catch (err) {
        console.error(err);
        if (!this._viewError) ui.banner(`A view failed to draw (${err.message}); the rest of the page continues.`);
        this._viewError = true;
      }
    }
    if (frame && !document.documentElement.dataset.ready) {
      document.documentElement.dataset.ready = "true";
      window.__bpvReadyAt = performance.now();
    }
  }
}

async function boot() {
  let catalog;
  try {
    catalog = await api.catalog();
  } catch (err) {
    ui.banner(`Cannot load the catalog from the server: ${err.message}. Reload the page when the server is up.`);
    return;
  }
  const { state, errors, given } = deserialize(location.hash);
  const checked = checkAgainstCatalog(state, catalog, given);
  const problems = [...errors, ...checked.errors];
  const app = new App(catalog, checked.state);
  window.backpropViz = app; // for people who script the page (and the browser tests)
  if (problems.length) ui.banner(`Some URL settings were ignored:\n${problems.join("\n")}`);
  if (!(await app.startRun(checked.state))) {
    // The link's network does not fit its dataset (e.g. a hand-edited hash): fall back.
    const fallback = checkAgainstCatalog(deserialize("").state, catalog).state;
    await app.startRun(fallback);
  }
}

boot();

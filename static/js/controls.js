// The page's controls: transport buttons, speed, fast-forward, scrub, the settings form
// and keyboard shortcuts. Reads and writes the DOM only; every decision goes to the
// callbacks main.js passes in.

import { datasetTask, fittingLosses, hiddenActivations, lossFor, normalize, withOptimizer } from "./state.js";

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const L2_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
// Short labels that fit the settings column (the full name is the option's title).
const LOSS_LABELS = {
  binary_cross_entropy: "binary cross-entropy",
  categorical_cross_entropy: "categorical CE",
  mean_squared_error: "squared error (MSE)",
};
const $ = (id) => document.getElementById(id);

function fillSelect(select, values, labels = {}) {
  const current = select.value;
  select.replaceChildren(
    ...values.map((v) => {
      const o = document.createElement("option");
      o.value = String(v);
      o.textContent = labels[v] ?? String(v);
      if (labels[v]) o.title = String(v);
      return o;
    }),
  );
  if (values.map(String).includes(current)) select.value = current;
}

function button(text, label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

export class Controls {
  /**
   * catalog: GET /api/catalog. handlers: onChange(state) for settings, onAction(name, arg)
   * for play/pause/step/next/prev/reset/train/scrub/speed/why/presenter, onCsv(text, name),
   * onInvalid(message).
   */
  constructor(catalog, handlers) {
    this.catalog = catalog;
    this.h = handlers;
    this.state = null;
    this.limits = catalog.limits ?? {};
    this.playing = false;
    this.csvLoaded = false;
    this._bindTransport();
    this._bindSettings();
    this._bindKeys();
  }

  // ---------- transport ----------
  _bindTransport() {
    const act = (name, arg) => () => this.h.onAction(name, arg);
    $("play").addEventListener("click", () => this.h.onAction(this.playing ? "pause" : "play"));
    $("step").addEventListener("click", act("step"));
    $("next-op").addEventListener("click", act("next"));
    $("prev-op").addEventListener("click", act("prev"));
    $("reset").addEventListener("click", act("reset"));
    $("speed").addEventListener("input", () => this.h.onAction("speed", this.speed));
    $("train-n").addEventListener("click", () => {
      const n = Number($("train-n-count").value);
      const max = this.limits.max_steps_per_request ?? 100000;
      if (!Number.isInteger(n) || n < 1 || n > max) {
        this.h.onInvalid(`Iterations to train must be a whole number from 1 to ${max}; got "${$("train-n-count").value}".`);
        return;
      }
      this.h.onAction("train", n);
    });
    $("scrub").addEventListener("input", () => this.h.onAction("scrub", Number($("scrub").value)));
    $("why-da").addEventListener("click", act("why"));
    $("presenter").addEventListener("click", act("presenter"));
    $("help-open").addEventListener("click", () => this.toggleHelp(true));
    $("help-close").addEventListener("click", () => this.toggleHelp(false));
    $("help").addEventListener("click", (e) => {
      if (e.target === $("help")) this.toggleHelp(false);
    });
  }

  get speed() {
    return Number($("speed").value);
  }

  setPlaying(playing) {
    this.playing = playing;
    const b = $("play");
    b.textContent = playing ? "Pause" : "Play";
    b.title = playing ? "Pause training (space)" : "Train continuously (space)";
  }

  /** Fast-forward progress: done/total, or null to hide the bar. */
  setProgress(done, total) {
    const bar = $("train-progress");
    bar.hidden = total === null;
    if (total !== null) {
      bar.max = total;
      bar.value = done;
      bar.title = `${done} / ${total}`;
    }
    $("train-n").disabled = total !== null;
  }

  /**
   * Scrub slider over the kept frames. `steps` are their iterations; `skipped` says the
   * kept frames are not every iteration (a fast-forward streams only a frame per ~50 ms).
   */
  setScrub(size, cursor, live, step, { steps = [], skipped = false } = {}) {
    const s = $("scrub");
    s.max = String(Math.max(0, size - 1));
    s.value = String(Math.max(0, cursor));
    const kept = skipped
      ? `${size} kept frames of iterations ${steps[0]}–${steps.at(-1)}: a fast-forward streams only some of its iterations (about one frame per 50 ms), so the slider skips the others`
      : `${size} kept frames`;
    s.setAttribute("aria-valuetext", `${live ? "live, " : ""}iteration ${step}; ${kept}`);
    s.title = `Recent iterations: ${kept}.`;
    $("scrub-label").textContent = live ? "live" : `it. ${step}`;
    $("scrub-label").title = s.title;
    $("scrub-skips").hidden = !skipped;
  }

  /** Open or close the help dialog; focus stays inside while open and returns on close. */
  toggleHelp(open) {
    const help = $("help");
    if (open === !help.hidden) return;
    if (open) this._helpReturn = document.activeElement;
    help.hidden = !open;
    if (open) $("help-close").focus();
    else {
      const back = this._helpReturn;
      (back && back.isConnected && back !== document.body ? back : $("help-open")).focus();
      this._helpReturn = null;
    }
  }

  /** Tab and Shift+Tab cycle through the help dialog's focusable elements. */
  _trapHelpFocus(e) {
    const box = $("help");
    const focusable = [...box.querySelectorAll("button, [href], input, select, textarea, [tabindex]:not([tabindex='-1'])")]
      .filter((el) => !el.disabled);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable.at(-1);
    const inside = box.contains(document.activeElement);
    if (e.shiftKey && (document.activeElement === first || !inside)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
      e.preventDefault();
      first.focus();
    }
  }

  // ---------- settings ----------
  _bindSettings() {
    const c = this.catalog;
    const datasets = Object.keys(c.datasets ?? {}).filter((d) => d !== "csv");
    fillSelect($("dataset"), [...datasets, "csv"], { csv: "CSV upload (choose a file below)" });
    fillSelect($("init"), c.initializers ?? []);
    fillSelect($("optimizer"), Object.keys(c.optimizers ?? {}));
    fillSelect($("outputActivation"), c.output_activations ?? []);
    fillSelect($("learningRate"), LEARNING_RATES);
    fillSelect($("regularizationRate"), L2_RATES);

    const onField = (id, parse) =>
      $(id).addEventListener("change", () => {
        const el = $(id);
        const value = parse(el.value);
        const problem = this._check(id, value, el);
        if (problem) {
          this.h.onInvalid(problem);
          this._reflect();
          return;
        }
        this._emit({ [id]: value });
      });
    onField("dataset", String);
    onField("nSamples", Number);
    onField("noise", Number);
    onField("percTrainData", Number);
    onField("init", String);
    onField("optimizer", String);
    onField("learningRate", Number);
    onField("regularizationRate", Number);
    onField("batchSize", Number);
    onField("seed", Number);
    $("outputActivation").addEventListener("change", () => {
      const act = $("outputActivation").value;
      this._emit({ outputActivation: act, loss: this._lossFor(act, this.state.loss) });
    });
    $("loss").addEventListener("change", () => this._emit({ loss: $("loss").value }));
    $("new-seed").addEventListener("click", () => this._emit({ seed: Math.floor(Math.random() * 100000) }));
    $("add-layer").addEventListener("click", () => {
      const s = this.state;
      this._emit({ networkShape: [...s.networkShape, s.networkShape.at(-1) ?? 4], activations: [...hiddenActivations(s), s.activation] });
    });
    $("remove-layer").addEventListener("click", () => {
      const s = this.state;
      this._emit({ networkShape: s.networkShape.slice(0, -1), activations: hiddenActivations(s).slice(0, -1) });
    });
    $("csv-file").addEventListener("change", () => {
      const file = $("csv-file").files[0];
      if (!file) return;
      const reader = new FileReader();
      // Clear the input so that choosing the same (fixed) file again fires `change`.
      reader.onload = () => {
        $("csv-file").value = "";
        this.h.onCsv(String(reader.result), file.name);
      };
      reader.onerror = () => this.h.onInvalid(`Could not read the file "${file.name}": ${reader.error?.message ?? "unknown error"}.`);
      reader.readAsText(file);
    });
  }

  /** A message for an invalid field value, or null. */
  _check(id, value, el) {
    if (el.tagName === "SELECT") return null;
    const label = el.closest("label")?.firstChild?.textContent?.trim() ?? id;
    const min = el.min === "" ? -Infinity : Number(el.min);
    const max = el.max === "" ? Infinity : Number(el.max);
    const integer = el.step === "1" || id === "nSamples";
    if (!Number.isFinite(value) || el.value.trim() === "") return `${label} must be a number; got "${el.value}".`;
    if (integer && !Number.isInteger(value)) return `${label} must be a whole number; got ${value}.`;
    if (value < min || value > max) {
      return `${label} must be between ${min} and ${Number.isFinite(max) ? max : "∞"}; got ${value}.`;
    }
    if (id === "nSamples") {
      const cap = this.catalog.datasets?.[this.state.dataset]?.max_n_samples ?? this.limits.max_examples;
      if (cap && value > cap) return `Examples must be at most ${cap} for ${this.state.dataset}; got ${value}.`;
    }
    if (id === "dataset" && value === "csv" && !this.csvLoaded) return "Choose a CSV file first (Data → CSV file).";
    return null;
  }

  /** The task of a dataset name: the catalog's, or the loaded CSV file's. */
  _task(dataset) {
    return dataset === "csv" ? this.csvTask : datasetTask(this.catalog, dataset);
  }

  _lossFor(activation, current, dataset = this.state.dataset) {
    return lossFor(this.catalog, activation, this._task(dataset), current);
  }

  _emit(patch) {
    let next = normalize({ ...this.state, ...patch });
    if (patch.optimizer && patch.optimizer !== this.state.optimizer) next = withOptimizer(next, patch.optimizer, this.catalog);
    if (patch.dataset && patch.dataset !== this.state.dataset && patch.dataset !== "csv") {
      const info = this.catalog.datasets?.[patch.dataset];
      if (info?.suggested_output_activation) next.outputActivation = info.suggested_output_activation;
      if (info?.suggested_loss) next.loss = info.suggested_loss;
      if (info?.default_n_samples) next.nSamples = info.default_n_samples;
    }
    next.loss = this._lossFor(next.outputActivation, next.loss, next.dataset);
    this.h.onChange(next);
  }

  /** Show a state in the form (structure rows are rebuilt only when the shape changes). */
  setState(state) {
    this.state = state;
    this._reflect();
  }

  _reflect() {
    const s = this.state;
    const info = this.catalog.datasets?.[s.dataset];
    for (const id of ["dataset", "nSamples", "noise", "percTrainData", "init", "optimizer", "batchSize", "seed", "outputActivation"]) {
      $(id).value = String(s[id]);
    }
    for (const [id, list] of [["learningRate", LEARNING_RATES], ["regularizationRate", L2_RATES]]) {
      if (!list.includes(s[id])) fillSelect($(id), [...list, s[id]].sort((a, b) => a - b));
      $(id).value = String(s[id]);
    }
    fillSelect($("loss"), fittingLosses(this.catalog, s.outputActivation, this._task(s.dataset)), LOSS_LABELS);
    $("loss").value = s.loss;
    $("nSamples").disabled = s.dataset === "csv";
    $("noise").disabled = s.dataset === "csv" || info?.has_noise === false;
    if (info?.max_n_samples) $("nSamples").max = String(info.max_n_samples);
    if (this.limits.max_examples) $("batchSize").max = String(this.limits.max_examples);
    $("dataset-description").textContent =
      s.dataset === "csv" ? `Your CSV file${this.csvName ? ` "${this.csvName}"` : ""}.` : info?.description ?? "";
    this._reflectLayers();
  }

  _reflectLayers() {
    const s = this.state;
    const acts = hiddenActivations(s);
    const maxLayers = this.limits.max_layers ?? 8;
    // The diagram stays readable up to 32 units a layer (a URL may still ask for more).
    const maxUnits = Math.min(this.limits.max_units ?? 32, 32);
    const list = $("hidden-layers");
    const key = `${s.networkShape.length}`;
    if (list.dataset.key !== key) {
      list.dataset.key = key;
      list.replaceChildren(
        ...s.networkShape.map((_, i) => {
          const l = i + 1;
          const li = document.createElement("li");
          const name = document.createElement("span");
          name.className = "layer-name";
          name.textContent = `[${l}]`;
          const units = document.createElement("output");
          units.className = "units";
          units.setAttribute("aria-label", `Units in layer ${l}`);
          const minus = button("−", `Fewer units in layer ${l}`, () => this._units(i, -1));
          const plus = button("+", `More units in layer ${l}`, () => this._units(i, +1));
          const act = document.createElement("select");
          act.setAttribute("aria-label", `Activation of layer ${l}`);
          fillSelect(act, this.catalog.hidden_activations ?? []);
          act.addEventListener("change", () => {
            const next = hiddenActivations(this.state);
            next[i] = act.value;
            this._emit({ activations: next });
          });
          li.append(name, minus, units, plus, act);
          return li;
        }),
      );
    }
    [...list.children].forEach((li, i) => {
      li.querySelector("output").textContent = String(s.networkShape[i]);
      li.querySelector("select").value = acts[i];
      const [minus, plus] = li.querySelectorAll("button");
      minus.disabled = s.networkShape[i] <= 1;
      plus.disabled = s.networkShape[i] >= maxUnits;
    });
    // limits.max_layers bounds n[0..L]: input + hidden + output.
    $("add-layer").disabled = s.networkShape.length + 2 >= maxLayers;
    $("remove-layer").disabled = s.networkShape.length === 0;
    $("layer-count").textContent = `${s.networkShape.length} hidden`;
  }

  _units(i, delta) {
    const shape = [...this.state.networkShape];
    shape[i] = Math.max(1, shape[i] + delta);
    this._emit({ networkShape: shape });
  }

  // ---------- keyboard ----------
  _bindKeys() {
    document.addEventListener("keydown", (e) => {
      if (e.key === "Tab" && !$("help").hidden) {
        this._trapHelpFocus(e);
        return;
      }
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      const typing = t instanceof HTMLInputElement && !["button", "checkbox", "range", "file"].includes(t.type);
      if (typing || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement || t.isContentEditable) return;
      const onButton = t instanceof HTMLButtonElement;
      const onRange = t instanceof HTMLInputElement && t.type === "range";
      if (e.key === "Escape" && !$("help").hidden) {
        e.preventDefault();
        this.toggleHelp(false);
      } else if (e.key === "?") {
        e.preventDefault();
        this.toggleHelp($("help").hidden);
      } else if (!$("help").hidden) {
        return;
      } else if (e.key === " " && !onButton) {
        e.preventDefault();
        this.h.onAction(this.playing ? "pause" : "play");
      } else if (e.key === "ArrowRight" && !onRange) {
        e.preventDefault();
        this.h.onAction("next");
      } else if (e.key === "ArrowLeft" && !onRange) {
        e.preventDefault();
        this.h.onAction("prev");
      } else if (e.key === "s" || e.key === "S") {
        e.preventDefault();
        this.h.onAction("step");
      } else if (e.key === "p" || e.key === "P") {
        e.preventDefault();
        this.h.onAction("presenter");
      }
    });
  }
}

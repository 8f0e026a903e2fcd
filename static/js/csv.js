// What an uploaded CSV means for the network's shape, inferred as the server's load_csv
// does (header row, last column the label): n_features, n_outputs and the task, so the
// page can offer a matching output layer. Pure; the server still validates everything.

const MAX_CLASSES = 20;

/** Split one CSV line into cells (double-quoted cells may contain commas). */
export function splitLine(line) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const asNumber = (text) => {
  const t = text.trim();
  return t === "" || t.includes("_") ? NaN : Number(t);
};

/**
 * {n_features, n_outputs, task: "binary"|"multiclass"|"regression", rows} of CSV text,
 * or {error} when it has no header or no data row.
 */
export function csvShape(text) {
  const lines = text.replace(/^\ufeff/, "").split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) return { error: "the CSV file is empty" };
  const header = splitLine(lines[0]);
  if (header.length < 2) return { error: "the CSV needs at least two columns: features and a label" };
  const labels = lines.slice(1).map((l) => splitLine(l).at(-1) ?? "");
  if (labels.length === 0) return { error: "the CSV has a header but no data rows" };
  const numbers = labels.map(asNumber);
  const distinct = new Set(labels.map((l) => l.trim()));
  const classification =
    numbers.some((v) => !Number.isFinite(v)) ||
    (numbers.every((v) => Number.isInteger(v)) && new Set(numbers).size <= MAX_CLASSES);
  const n_features = header.length - 1;
  if (!classification) return { n_features, n_outputs: 1, task: "regression", rows: labels.length };
  const k = classification && numbers.every(Number.isFinite) ? new Set(numbers).size : distinct.size;
  return k === 2
    ? { n_features, n_outputs: 1, task: "binary", rows: labels.length }
    : { n_features, n_outputs: k, task: "multiclass", rows: labels.length };
}

/** The output activation and loss that fit a task. */
export function outputFor(task) {
  if (task === "binary") return { outputActivation: "sigmoid", loss: "binary_cross_entropy" };
  if (task === "multiclass") return { outputActivation: "softmax", loss: "categorical_cross_entropy" };
  return { outputActivation: "linear", loss: "mean_squared_error" };
}

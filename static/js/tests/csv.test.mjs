import test from "node:test";
import assert from "node:assert/strict";
import { csvShape, outputFor, splitLine } from "../csv.js";

test("quoted cells keep their commas and quotes", () => {
  assert.deepEqual(splitLine('1,"a,b","say ""hi"""'), ["1", "a,b", 'say "hi"']);
});

test("two integer labels: binary with one output", () => {
  assert.deepEqual(csvShape("x1,x2,x3,label\n1,2,3,0\n4,5,6,1\n7,8,9,1\n"), { n_features: 3, n_outputs: 1, task: "binary", rows: 3 });
});

test("text labels with three classes: multiclass, one output per class", () => {
  const text = "a,b,species\r\n1,2,setosa\r\n3,4,virginica\r\n5,6,versicolor\r\n7,8,setosa\r\n";
  assert.deepEqual(csvShape(text), { n_features: 2, n_outputs: 3, task: "multiclass", rows: 4 });
});

test("non-integer labels: regression", () => {
  assert.equal(csvShape("x,y\n0.1,0.5\n0.2,0.7\n0.3,1.5\n").task, "regression");
});

test("more than 20 distinct integers: regression (as the server infers)", () => {
  const rows = Array.from({ length: 25 }, (_, i) => `${i},${i * 3}`).join("\n");
  assert.equal(csvShape(`x,y\n${rows}\n`).task, "regression");
});

test("empty, header-only and one-column files are errors", () => {
  assert.match(csvShape("").error, /empty/);
  assert.match(csvShape("a,b\n").error, /no data rows/);
  assert.match(csvShape("a\n1\n").error, /two columns/);
});

test("tasks map to their matched output layer", () => {
  assert.deepEqual(outputFor("binary"), { outputActivation: "sigmoid", loss: "binary_cross_entropy" });
  assert.equal(outputFor("multiclass").loss, "categorical_cross_entropy");
  assert.equal(outputFor("regression").outputActivation, "linear");
});

"""`backprop-viz trace FILE.json` prints /api/trace's answer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from api_helpers import MAZUR_BODY

BIN = Path(sys.executable).parent / "backprop-viz"


def test_trace_prints_the_answer(tmp_path: Path) -> None:
    body = tmp_path / "mazur.json"
    body.write_text(json.dumps(MAZUR_BODY))
    out = subprocess.run([BIN, "trace", str(body)], capture_output=True, check=True, timeout=60)
    answer = json.loads(out.stdout)
    assert abs(answer["cost"] - 0.298371109) < 1e-9
    assert abs(answer["updated_params"]["W2"][0][0] - 0.35891648) < 1e-8


def test_trace_errors_name_the_field(tmp_path: Path) -> None:
    body = tmp_path / "bad.json"
    body.write_text(json.dumps({**MAZUR_BODY, "params": {**MAZUR_BODY["params"], "W2": [[1.0]]}}))
    out = subprocess.run([BIN, "trace", str(body)], capture_output=True, timeout=60)
    assert out.returncode == 1 and b"params.W2" in out.stderr and b"(2, 2)" in out.stderr
    out = subprocess.run(
        [BIN, "trace", str(tmp_path / "missing.json")], capture_output=True, timeout=60
    )
    assert out.returncode == 2 and b"cannot read" in out.stderr
    body.write_text("{")
    out = subprocess.run([BIN, "trace", str(body)], capture_output=True, timeout=60)
    assert out.returncode == 1 and b"not valid JSON" in out.stderr


def test_trace_names_where_a_non_finite_number_sits(tmp_path: Path) -> None:
    body = tmp_path / "nan.json"
    body.write_text(json.dumps({**MAZUR_BODY, "X": [[0.05], [float("nan")]]}))  # writes NaN
    out = subprocess.run([BIN, "trace", str(body)], capture_output=True, timeout=60)
    assert out.returncode == 1
    assert b"body.X[1][0]: NaN is not allowed; expected a finite number" in out.stderr

"""Request validation errors: bounded echo, located non-finite numbers, ragged rows."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

JSON = {"content-type": "application/json"}


def test_a_large_bad_body_gets_a_small_answer(client: TestClient, mazur: dict[str, Any]) -> None:
    body = {**mazur, "X": "x" * 3_500_000}
    r = client.post("/api/trace", json=body)
    assert r.status_code == 422
    assert len(r.content) < 1000, len(r.content)
    err = r.json()["detail"][0]
    assert err["loc"] == ["body", "X"] and err["input"].endswith("(3500002 characters)")
    # A large list of wrong items too: every error's input is cut short.
    r = client.post("/api/trace", json={**mazur, "X": [["a"] * 100_000]})
    assert r.status_code == 422 and len(r.content) < 100_000


@pytest.mark.parametrize(
    ("text", "loc", "msg"),
    [
        ('"X": [[0.05], [NaN]]', ["body", "X", 1, 0], "body.X[1][0]: NaN is not allowed"),
        ('"X": [[0.05], [Infinity]]', ["body", "X", 1, 0], "body.X[1][0]: Infinity"),
        ('"X": [[-Infinity], [0.1]]', ["body", "X", 0, 0], "body.X[0][0]: -Infinity"),
        (
            '"params": {"W1": [[0.15, 1e400], [0.25, 0.3]]}',
            ["body", "params", "W1", 0, 1],
            "body.params.W1[0][1]: 1e400 overflows",
        ),
    ],
)
def test_non_finite_numbers_are_located(
    client: TestClient, mazur: dict[str, Any], text: str, loc: list[Any], msg: str
) -> None:
    key = text.split('"')[1]
    del mazur[key]
    raw = orjson.dumps(mazur)[:-1] + b", " + text.encode() + b"}"
    r = client.post("/api/trace", content=raw, headers=JSON)
    assert r.status_code == 422
    err = r.json()["detail"][0]
    assert err["loc"] == loc and err["msg"].startswith(msg), err
    assert err["msg"].endswith("expected a finite number")


def test_other_bad_json_keeps_its_position(client: TestClient) -> None:
    r = client.post("/api/trace", content=b'{"X": [1, }', headers=JSON)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", 10]


def test_ragged_rows_name_the_row_and_the_length(client: TestClient, mazur: dict[str, Any]) -> None:
    r = client.post("/api/trace", json={**mazur, "X": [[0.05, 1.0], [0.1, 2.0], [3.0]]})
    assert r.status_code == 422
    err = r.json()["detail"][0]
    assert err["loc"] == ["body", "X"]
    assert err["msg"].startswith("X: row 2 has 1 numbers; expected 2"), err
    r = client.post(
        "/api/blocks/linear_forward",
        json={"A_prev": [[1.0]], "W": [[1.0]], "b": [[1.0], [2.0, 3.0]]},
    )
    assert r.json()["detail"][0]["msg"].startswith("b: row 1 has 2 numbers; expected 1")

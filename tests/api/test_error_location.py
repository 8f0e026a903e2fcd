"""Locating NaN, Infinity and overflowing numbers in a bad body: fast, exact and short."""

from __future__ import annotations

import json
import time
from typing import Any

import orjson
from fastapi.testclient import TestClient

from app.api.errors import find_not_finite

JSON = {"content-type": "application/json"}


def _raw(mazur: dict[str, Any], key: str, text: str) -> bytes:
    rest = {k: v for k, v in mazur.items() if k != key}
    return orjson.dumps(rest)[:-1] + f', "{key}": {text}}}'.encode()


def test_a_4_mib_body_is_searched_in_about_a_json_parse() -> None:
    body = '{"X":[' + "0," * 2_000_000 + "NaN]}"
    start = time.thread_time()
    json.loads(body, parse_constant=str)
    plain = time.thread_time() - start
    start = time.thread_time()
    found = find_not_finite(body)
    took = time.thread_time() - start
    assert found is not None and found["loc"] == ["body", "X", 2_000_000]
    # A callback per number took ~50x a plain parse (3.6 s); walking the value ~2x.
    assert took < max(10 * plain, 0.5), (took, plain)


def test_matrix_rows_are_skipped_in_chunks_not_visited_one_by_one(monkeypatch: Any) -> None:
    """[[0], [0], ..., [NaN]]: rows of plain numbers are checked a chunk at a time at C
    speed; only the chunk holding the NaN is walked in Python (it was one Python step per
    row: 1.5 s of CPU for a 4 MiB body)."""
    import app.api.errors as errors

    visited = 0
    bad = errors._bad

    def counting(node: Any) -> bool:
        nonlocal visited
        visited += 1
        return bad(node)

    monkeypatch.setattr(errors, "_bad", counting)
    for rows in ("[0]," * 100_000, "[]," * 100_000, "[1.5, -2]," * 100_000):
        visited = 0
        found = find_not_finite('{"X":[' + rows + "[NaN]]}")
        assert found is not None and found["loc"][:3] == ["body", "X", 100_000], found
        assert visited < 2 * errors._CHUNK, visited


def test_the_first_bad_number_in_document_order_is_found() -> None:
    body = '{"a": [[1, 2], [3, {"b": [0, 1e400]}]], "c": NaN, "d": [1e999]}'
    found = find_not_finite(body)
    assert found is not None
    assert found["loc"] == ["body", "a", 1, 1, "b", 1]
    assert found["msg"].startswith("body.a[1][1].b[1]: 1e400 overflows"), found
    # A string holding the same digits is not taken for the number.
    found = find_not_finite('{"s": "9e999", "x": [true, null, "a", -2e308]}')
    assert found is not None and found["loc"] == ["body", "x", 3]
    assert found["input"] == "-2e308"
    assert find_not_finite('{"x": [1, 2.5, -1.7976931348623157e308, "NaN"]}') is None
    found = find_not_finite('{"s": ["a", null, "Infinity"], "t": [null, "b", Infinity]}')
    assert found is not None and found["loc"] == ["body", "t", 2]


def test_an_integer_too_large_for_a_float_is_located(
    client: TestClient, mazur: dict[str, Any]
) -> None:
    digits = "1" + "0" * 309  # 310 digits: 1e309 > the largest float64
    r = client.post("/api/trace", content=_raw(mazur, "learning_rate", digits), headers=JSON)
    assert r.status_code == 422
    err = r.json()["detail"][0]
    assert err["type"] == "finite_number" and err["loc"] == ["body", "learning_rate"], err
    assert "overflows a float64" in err["msg"]
    r = client.post("/api/trace", content=_raw(mazur, "learning_rate", "-" + digits), headers=JSON)
    assert r.json()["detail"][0]["loc"] == ["body", "learning_rate"]
    # The largest float64 as an integer is fine (checked exactly, not through float()).
    largest = str(int(1.7976931348623157e308))
    assert find_not_finite('{"x": [' + largest + "]}") is None
    assert find_not_finite('{"x": [' + largest[:-1] + "9]}") is not None


def test_an_integer_over_the_digit_limit_is_located(
    client: TestClient, mazur: dict[str, Any]
) -> None:
    digits = "7" * 5000  # int() refuses more than 4,300 digits
    r = client.post("/api/trace", content=_raw(mazur, "learning_rate", digits), headers=JSON)
    assert r.status_code == 422
    err = r.json()["detail"][0]
    assert err["type"] == "finite_number" and err["loc"] == ["body", "learning_rate"], err
    assert err["input"] == '"' + "7" * 199 + "... (5002 characters)"
    # Digits in a string (a key here) and in a float's fraction are left alone.
    body = '{"' + "1" * 5000 + '": [0.' + "5" * 5000 + ", -" + "3" * 4500 + "]}"
    found = find_not_finite(body)
    assert found is not None and found["loc"][2] == 1, found["loc"]
    assert found["loc"][1] == "1" * 5000 or found["loc"][1].startswith("1" * 200)
    assert found["input"] == "-" + "3" * 4500


def test_long_keys_are_cut_in_loc_and_msg(client: TestClient, mazur: dict[str, Any]) -> None:
    key = "k" * 100_000
    r = client.post("/api/trace", json={**mazur, key: 1})  # extra_forbidden names the key
    assert r.status_code == 422 and len(r.content) < 1000, len(r.content)
    err = r.json()["detail"][0]
    assert err["loc"] == ["body", "k" * 200 + "... (100000 characters)"], err["loc"]
    r = client.post("/api/trace", content='{"' + key + '": NaN}', headers=JSON)
    assert r.status_code == 422 and len(r.content) < 1000, len(r.content)
    err = r.json()["detail"][0]
    assert err["type"] == "finite_number" and err["loc"][1].startswith("k" * 200)
    assert err["msg"].startswith("body." + "k" * 40 + "... (100000 characters): NaN is not")
    # A message of ours quoting the client's text (a CSV header) is cut too.
    header = ",".join(f"{i}_" + "c" * 2000 for i in range(50))
    rows = "\n".join(",".join(["1"] * 50) for _ in range(30))
    body = {
        "layers": [2, 2, 1],
        "activations": ["relu", "sigmoid"],
        "loss": "binary_cross_entropy",
        "dataset": {"name": "csv", "csv": header + "\n" + rows, "label_column": "nope"},
    }
    r = client.post("/api/sessions", json=body)
    assert r.status_code == 422 and len(r.content) < 1000, len(r.content)
    assert "nope" in r.json()["detail"][0]["msg"]

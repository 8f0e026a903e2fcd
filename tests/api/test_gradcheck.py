"""POST /api/gradcheck: the verdict, and its limits."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def test_mazur_passes(client: TestClient, mazur: dict[str, Any]) -> None:
    del mazur["learning_rate"]
    r = client.post("/api/gradcheck", json={**mazur, "epsilon": 1e-6})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["passed"] is True and out["max_difference"] < 2e-7
    assert set(out["per_param"]) == {"W1", "b1", "W2", "b2"}
    assert out["verdict"].startswith("passed")


def test_mazur_passes_with_the_course_defaults(client: TestClient, mazur: dict[str, Any]) -> None:
    """epsilon 1e-7, threshold 2e-7: W1's tiny gradients sit near the threshold by rounding
    alone, and the verdict (over all parameters, as in the course) passes."""
    del mazur["learning_rate"]
    out = client.post("/api/gradcheck", json=mazur).json()
    assert (out["epsilon"], out["threshold"]) == (1e-7, 2e-7)
    assert out["passed"] is True and out["difference"] < 1e-8, out
    assert out["verdict"].startswith("passed: the relative difference over all parameters")


def test_verdict_fails_below_the_threshold(client: TestClient, mazur: dict[str, Any]) -> None:
    del mazur["learning_rate"]
    out = client.post("/api/gradcheck", json={**mazur, "epsilon": 1e-2, "threshold": 1e-12}).json()
    assert out["passed"] is False and out["verdict"].startswith("failed")
    assert out["difference"] <= out["max_difference"]
    assert max(out["per_param"], key=out["per_param"].get) in out["verdict"]


def test_gradcheck_limits(client: TestClient) -> None:
    body = {
        "layers": [64, 64, 1],
        "activations": ["tanh", "sigmoid"],
        "loss": "binary_cross_entropy",
        "X": [[0.0]] * 64,
        "Y": [[1.0]],
    }
    r = client.post("/api/gradcheck", json=body)
    assert r.status_code == 422
    assert "max_gradcheck_parameters" in r.json()["detail"][0]["msg"]
    body = {
        "layers": [1, 1],
        "activations": ["sigmoid"],
        "loss": "binary_cross_entropy",
        "X": [[0.0] * 300],
        "Y": [[1.0] * 300],
    }
    r = client.post("/api/gradcheck", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "X"]


def test_the_trace_body_is_accepted_and_its_learning_rate_ignored(
    client: TestClient, mazur: dict[str, Any]
) -> None:
    """DESIGN: the body is /api/trace's plus epsilon; learning_rate changes nothing."""
    with_rate = client.post("/api/gradcheck", json=mazur)
    assert with_rate.status_code == 200, with_rate.text
    del mazur["learning_rate"]
    assert client.post("/api/gradcheck", json=mazur).json() == with_rate.json()
    schema = client.get("/openapi.json").json()["components"]["schemas"]["GradcheckIn"]
    assert "ignored" in schema["properties"]["learning_rate"]["description"]
    bad = client.post("/api/gradcheck", json={**mazur, "learning_rate": -1})
    assert bad.json()["detail"][0]["loc"] == ["body", "learning_rate"]


def test_per_param_passed_flags_each_tensor(client: TestClient, mazur: dict[str, Any]) -> None:
    del mazur["learning_rate"]
    out = client.post("/api/gradcheck", json=mazur).json()
    per_param, flags = out["per_param"], out["per_param_passed"]
    assert flags == {k: v < out["threshold"] for k, v in per_param.items()}
    # A threshold between two tensors' differences: the verdict over all parameters can
    # pass while a tensor's own difference does not (visible without reading numbers).
    lo, hi = sorted(per_param.values())[1:3]
    out = client.post("/api/gradcheck", json={**mazur, "threshold": (lo + hi) / 2}).json()
    assert sorted(out["per_param_passed"].values()) == [False, False, True, True], out
    assert out["per_param_passed"] == {k: v < (lo + hi) / 2 for k, v in per_param.items()}

"""GET /api/catalog and GET /healthz."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.engine import ACTIVATIONS, LOSSES
from app.engine.datasets import DATASETS
from app.settings import Settings


def test_catalog_lists_names_datasets_and_limits(client: TestClient) -> None:
    r = client.get("/api/catalog")
    assert r.status_code == 200
    c = r.json()
    assert c["activations"] == list(ACTIVATIONS) and c["losses"] == list(LOSSES)
    assert "softmax" not in c["hidden_activations"]
    assert c["matched_pairs"]["sigmoid"] == "binary_cross_entropy"
    assert c["compatible_losses"]["softmax"][0] == "categorical_cross_entropy"
    assert set(DATASETS) <= set(c["datasets"]) and "csv" in c["datasets"]
    assert c["datasets"]["circle"]["n_features"] == 2
    assert c["optimizers"]["adam"]["beta2"] == 0.999
    assert set(c["limits"]) == set(Settings.model_fields)
    assert c["limits"]["max_layers"] == 8 and c["protocol"] == 1
    assert c["encodings"] == ["json", "binary"]


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BPV_MAX_SESSIONS", "7")
    assert Settings().max_sessions == 7


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_every_route_has_an_example_body(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if "requestBody" not in op:
                continue
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            model = components[ref.rsplit("/", 1)[1]]
            assert model.get("examples"), f"{method.upper()} {path} has no example"

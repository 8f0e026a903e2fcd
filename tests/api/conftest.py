"""Fixtures for the API tests: a TestClient with startup/shutdown, request bodies."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from api_helpers import MAZUR_BODY, SESSION_BODY
from fastapi.testclient import TestClient

from app.main import create_app


@pytest.fixture
def mazur() -> dict[str, Any]:
    return copy.deepcopy(MAZUR_BODY)


@pytest.fixture
def session_body() -> dict[str, Any]:
    return copy.deepcopy(SESSION_BODY)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture
def session_id(client: TestClient) -> str:
    r = client.post("/api/sessions", json=SESSION_BODY)
    assert r.status_code == 201, r.text
    sid: str = r.json()["id"]
    return sid

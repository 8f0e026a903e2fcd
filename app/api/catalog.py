"""`GET /api/catalog`: every name the API accepts, the data sets and the server's limits."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.blocks import BLOCKS
from app.api.common import json_response, settings_of
from app.api.routing import OrjsonRoute
from app.api.schemas import CatalogOut
from app.engine import (
    ACTIVATIONS,
    COMPATIBLE_LOSSES,
    INITIALIZERS,
    LOSSES,
    MATCHED_PAIRS,
    OPTIMIZERS,
)
from app.engine.datasets import CSV_MAX_BYTES, CSV_MAX_COLUMNS, CSV_MAX_ROWS, DATASETS
from app.settings import Settings

PROTOCOL = 1
ENCODINGS = ["json", "binary"]
router = APIRouter(prefix="/api", tags=["catalog"], route_class=OrjsonRoute)


def catalog(settings: Settings) -> dict[str, Any]:
    datasets: dict[str, Any] = {
        name: {k: v for k, v in dataclasses.asdict(spec).items() if k != "name"}
        for name, spec in DATASETS.items()
    }
    datasets["csv"] = {
        "task": "inferred",
        "description": "your CSV text: a header row, numeric features, one label column",
        "max_bytes": CSV_MAX_BYTES,
        "max_rows": CSV_MAX_ROWS,
        "max_columns": CSV_MAX_COLUMNS,
        "has_noise": False,
    }
    return {
        "activations": list(ACTIVATIONS),
        "hidden_activations": [n for n, a in ACTIVATIONS.items() if not a.output_only],
        "output_activations": list(ACTIVATIONS),
        "losses": list(LOSSES),
        "matched_pairs": MATCHED_PAIRS,
        "compatible_losses": {k: list(v) for k, v in COMPATIBLE_LOSSES.items()},
        "initializers": list(INITIALIZERS),
        "optimizers": OPTIMIZERS,
        "datasets": datasets,
        "blocks": list(BLOCKS),
        "limits": settings.model_dump(),
        "protocol": PROTOCOL,
        "encodings": ENCODINGS,
    }


@router.get("/catalog", response_model=CatalogOut)
async def get_catalog(request: Request) -> Response:
    """Activations, losses, matched pairs, initializers, optimizers, data sets and limits."""
    return json_response(catalog(settings_of(request)))

"""app/engine is NumPy and the standard library only: no web framework, no web layer.

Each check runs in a fresh interpreter, so modules imported by other tests in this
process cannot hide (or fake) an import made by the engine.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ENGINE_DIR = REPO_ROOT / "app" / "engine"
WEB_PACKAGES = ("fastapi", "starlette", "pydantic", "uvicorn", "jinja2", "orjson")

# Imports app.engine and every module below it, one at a time, and records which
# modules each import newly loaded. Prints one JSON object.
_PROBE = r"""
import importlib, json, pkgutil, sys

before = set(sys.modules)
loaded = {}
def load(name):
    seen = set(sys.modules)
    importlib.import_module(name)
    loaded[name] = sorted(set(sys.modules) - seen)

load("app.engine")
import app.engine
for info in pkgutil.walk_packages(app.engine.__path__, "app.engine."):
    load(info.name)
print(json.dumps({
    "loaded": loaded,
    # Top-level modules loaded from a file; pseudo-modules such as Cython's
    # `cython_runtime` (registered by numpy.random) have none.
    "new_top_level": sorted({
        m.split(".")[0] for m in set(sys.modules) - before
        if getattr(sys.modules[m.split(".")[0]], "__file__", None)
    }),
    "stdlib": sorted(sys.stdlib_module_names),
}))
"""


@functools.cache
def _probe() -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"importing app.engine failed:\n{result.stderr}"
    probe: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return probe


def _engine_modules_on_disk() -> set[str]:
    names = set()
    for path in ENGINE_DIR.rglob("*.py"):
        rel = path.relative_to(REPO_ROOT).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        # Only folders that are packages (have __init__.py) hold importable modules.
        if all(
            (REPO_ROOT.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(2, len(parts))
        ):
            names.add(".".join(parts))
    return names


def test_every_engine_module_imports_without_web_packages() -> None:
    probe = _probe()
    loaded = probe["loaded"]
    assert isinstance(loaded, dict)
    # Discovery found every module on disk (so a module cannot escape the check).
    assert _engine_modules_on_disk() <= set(loaded), "pkgutil missed engine modules"
    offenders = {
        module: sorted({m.split(".")[0] for m in new} & set(WEB_PACKAGES))
        for module, new in loaded.items()
    }
    offenders = {module: pulled for module, pulled in offenders.items() if pulled}
    assert not offenders, f"engine modules import web packages: {offenders}"


def test_engine_does_not_import_the_web_layer() -> None:
    loaded = _probe()["loaded"]
    assert isinstance(loaded, dict)
    offenders = {
        module: [m for m in new if m.startswith("app.") and not m.startswith("app.engine")]
        for module, new in loaded.items()
    }
    offenders = {module: pulled for module, pulled in offenders.items() if pulled}
    assert not offenders, f"engine modules import the web layer: {offenders}"


def test_engine_needs_only_numpy_and_the_standard_library() -> None:
    probe = _probe()
    stdlib = set(probe["stdlib"])  # type: ignore[call-overload]
    allowed = stdlib | {"app", "numpy"}
    new = set(probe["new_top_level"])  # type: ignore[call-overload]
    extra = sorted(new - allowed)
    assert not extra, f"app.engine imports packages besides NumPy and the stdlib: {extra}"

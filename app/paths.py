"""Where the page's files live, in a checkout and in an installed wheel.

The wheel maps the top-level `static/` and `templates/` folders into the package
(`app/static`, `app/templates`); an editable install or a plain checkout keeps them at
the repository root. plotly.js comes from the installed `plotly` package so nothing is
fetched from a CDN.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent


def _asset_dir(name: str) -> Path:
    """`app/<name>` when installed from a wheel, else `<repo>/<name>`."""
    packaged = _PACKAGE_DIR / name
    return packaged if packaged.is_dir() else _REPO_ROOT / name


def _plotly_js() -> Path:
    # find_spec locates the package without running plotly/__init__.py (slow, imports a lot).
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the 'plotly' package is required to serve plotly.min.js; "
            "install the project with `pip install .`"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"plotly.min.js not found in the plotly package: expected {path}")
    return path


STATIC_DIR: Path = _asset_dir("static")
TEMPLATES_DIR: Path = _asset_dir("templates")
PLOTLY_JS: Path = _plotly_js()

"""The page: `GET /`, the static files and plotly.js, all served from this machine.

Every static URL the page uses carries `?v=<content hash>`, so the files can be cached
for a year and a changed file still reaches the browser at once. ES modules import each
other by relative path, which would drop the query string; an import map in the page
maps each module's plain URL to its versioned one.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import Scope

from app import __version__
from app.paths import PLOTLY_JS, STATIC_DIR, TEMPLATES_DIR

IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_PREFIX = "/static"
PLOTLY_URL = "/vendor/plotly.min.js"

router = APIRouter(tags=["page"])
_templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


class CachedStaticFiles(StaticFiles):
    """StaticFiles with a year-long cache for versioned URLs (`?v=`), revalidation otherwise."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            versioned = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = IMMUTABLE if versioned else "no-cache"
        return response


class _AssetVersions:
    """Short content hashes of the static files, recomputed only for files that changed."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._seen: dict[Path, tuple[int, int, str]] = {}
        self._lock = threading.Lock()

    def _digest(self, path: Path) -> str:
        stat = path.stat()
        cached = self._seen.get(path)
        if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self._seen[path] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest

    def urls(self) -> dict[str, str]:
        """Plain URL -> versioned URL for every file under the static folder."""
        with self._lock:
            out: dict[str, str] = {}
            for path in sorted(self._root.rglob("*")):
                if path.is_file() and "tests" not in path.relative_to(self._root).parts:
                    url = f"{STATIC_PREFIX}/{path.relative_to(self._root).as_posix()}"
                    out[url] = f"{url}?v={self._digest(path)}"
            return out


_versions = _AssetVersions(STATIC_DIR)


@dataclass(frozen=True)
class _Plotly:
    raw: bytes
    gz: bytes
    etag: str


_plotly_lock = threading.Lock()
_plotly_cache: list[_Plotly] = []


def _plotly() -> _Plotly:
    """plotly.min.js and its gzip, read and compressed once, on first use."""
    with _plotly_lock:
        if not _plotly_cache:
            raw = PLOTLY_JS.read_bytes()
            etag = '"' + hashlib.sha256(raw).hexdigest()[:16] + '"'
            _plotly_cache.append(_Plotly(raw, gzip.compress(raw, 6, mtime=0), etag))
        return _plotly_cache[0]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The visualizer page."""
    urls = _versions.urls()
    imports = {plain: versioned for plain, versioned in urls.items() if plain.endswith(".js")}
    plotly = _plotly()
    return _templates.TemplateResponse(
        request,
        "index.html",
        {
            "version": __version__,
            "asset": lambda plain: urls.get(plain, plain),
            "import_map": {"imports": imports},
            "plotly_url": f"{PLOTLY_URL}?v={plotly.etag.strip(chr(34))}",
        },
        headers={"Cache-Control": "no-cache"},
    )


@router.get(PLOTLY_URL, include_in_schema=False)
def plotly_js(request: Request) -> Response:
    """plotly.js from the installed `plotly` package, gzip-compressed when the client accepts it."""
    plotly = _plotly()
    headers = {"Cache-Control": IMMUTABLE, "ETag": plotly.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == plotly.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        headers["Content-Encoding"] = "gzip"
        return Response(plotly.gz, media_type="text/javascript", headers=headers)
    return Response(plotly.raw, media_type="text/javascript", headers=headers)


def mount_page(app: FastAPI) -> None:
    """Add the page routes and the `/static` mount to `app`."""
    app.include_router(router)
    app.mount(STATIC_PREFIX, CachedStaticFiles(directory=STATIC_DIR), name="static")

"""The page routes: GET /, versioned static files, and plotly.js served gzip-compressed."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.paths import PLOTLY_JS


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def test_index_renders_with_page_hooks(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    for hook in (
        'id="iteration"',
        'id="cost"',
        'id="operation"',
        ">Play<",
        ">Step<",
        ">Next operation<",
        ">Previous operation<",
        ">Reset<",
    ):
        assert hook in html, hook
    for section in ("blocks-view", "inspector-view", "lesson-view", "walkthrough-view"):
        assert f'id="{section}"' in html


def test_no_url_leaves_the_server(client: TestClient) -> None:
    html = client.get("/").text
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls
    for url in urls:
        assert url.startswith(("/", "#", "data:")), url


def test_import_map_versions_every_module(client: TestClient) -> None:
    html = client.get("/").text
    raw = re.search(r'<script type="importmap">(.*?)</script>', html, re.S)
    assert raw is not None
    imports = json.loads(raw.group(1))["imports"]
    assert "/static/js/main.js" in imports
    assert "/static/js/views/network.js" in imports
    assert not any("/tests/" in k for k in imports)
    for plain, versioned in imports.items():
        assert re.fullmatch(re.escape(plain) + r"\?v=[0-9a-f]{12}", versioned)


def test_static_cache_headers(client: TestClient) -> None:
    versioned = client.get("/static/js/main.js?v=abc")
    assert versioned.status_code == 200
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = client.get("/static/js/main.js")
    assert plain.headers["cache-control"] == "no-cache"
    assert client.get("/static/nope.js").status_code == 404


def test_plotly_is_gzip_with_long_cache(client: TestClient) -> None:
    raw = PLOTLY_JS.read_bytes()
    r = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert int(r.headers["content-length"]) < len(raw) / 3
    assert r.content == raw  # httpx decodes; the bytes are plotly's own
    identity = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in identity.headers
    assert identity.content == raw
    again = client.get("/vendor/plotly.min.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_plotly_gzip_bytes_decompress_to_the_file(client: TestClient) -> None:
    with client.stream("GET", "/vendor/plotly.min.js", headers={"Accept-Encoding": "gzip"}) as r:
        body = b"".join(r.iter_raw())
    assert gzip.decompress(body) == PLOTLY_JS.read_bytes()

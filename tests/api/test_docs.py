"""/docs and /redoc work offline: their HTML names no external URL and the assets are served."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


@pytest.mark.parametrize(
    ("page", "script"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")]
)
def test_docs_pages_load_nothing_from_the_internet(
    client: TestClient, page: str, script: str
) -> None:
    r = client.get(page)
    assert r.status_code == 200
    html = r.text
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html, re.I), html
    parser = _Refs()
    parser.feed(html)
    assert any(ref.endswith(script) for ref in parser.refs), parser.refs
    # Every referenced asset, and the schema the page loads, is served by the app.
    assert "/openapi.json" in html
    for ref in [*parser.refs, "/openapi.json"]:
        got = client.get(ref)
        assert got.status_code == 200, ref
        assert len(got.content) > 1000, ref
    big = client.get(next(ref for ref in parser.refs if ref.endswith(script)))
    assert big.headers["content-type"].startswith(("application/javascript", "text/javascript"))

"""Browser tests: a real uvicorn server (the `backprop-viz` console script) and Debian's
chromium driven by Playwright. Screenshots go to test-artifacts/ (gitignored)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Without Debian's chromium the browser tests skip, saying how to get it."""
    if os.access(CHROMIUM, os.X_OK):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: `make chromium` installs it")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        script = Path(sys.executable).parent / "backprop-viz"
        self.proc = subprocess.Popen(
            [str(script), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{err}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /healthz within 30 s on port {self.port}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """The app served by `backprop-viz serve`; BPV_BROWSER_PORT reuses a running server."""
    port = os.environ.get("BPV_BROWSER_PORT")
    if port:
        yield Server(int(port))
        return
    srv = Server(free_port())
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Watched:
    """A page with every console error, page error and non-local request it produced."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


def watch(page: Page) -> Watched:
    w = Watched(page)
    page.on("console", lambda m: w.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: w.console_errors.append(f"page error: {e}"))

    def on_request(req: object) -> None:
        url = req.url  # type: ignore[attr-defined]
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            w.foreign_requests.append(url)

    page.on("request", on_request)
    # Nothing may leave the machine; a request that tries is recorded above and refused here.
    page.route(
        lambda url: (
            urlsplit(url).hostname not in LOCAL_HOSTS
            and urlsplit(url).scheme not in ("data", "blob")
        ),
        lambda route: route.abort(),
    )
    return w


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.set_default_timeout(15_000)
    w = watch(page)
    yield w
    context.close()


@pytest.fixture
def page(watched: Watched) -> Page:
    return watched.page


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Watched]]:
    """A factory of watched pages, each in its own context (a separate tab's storage)."""
    contexts: list[BrowserContext] = []

    def make() -> Watched:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return watch(page)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def fresh_server() -> Iterator[Server]:
    """A server of the test's own, which the test may stop and start again."""
    srv = Server(free_port())
    srv.start()
    yield srv
    srv.stop()


def _shot(page: Page, name: str, full_page: bool = False) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def shot() -> Callable[..., Path]:
    """shot(page, name, full_page=False) saves test-artifacts/<name>.png."""
    return _shot

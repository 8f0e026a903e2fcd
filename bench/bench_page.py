"""Page benchmark: load-to-usable time and animation smoothness in headless Chromium.

Against `backprop-viz serve` on 127.0.0.1 (how `make run` starts it), with Debian's
chromium through Playwright:

1. Load to usable: fresh browser contexts (empty cache) and warm reloads navigate to `/`;
   "usable" is the page's own mark `window.__bpvReadyAt` (ms after navigation start, set
   when the first frame is drawn and the controls work). Target: <= 2000 ms.
2. Animation: requestAnimationFrame intervals for the same page idle and then playing,
   measured in one run, and their ratio; the iterations the page showed per second; the
   per-view draw times the page records (`window.__bpvTiming`). Target: p95 <= 33 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

from bench_server import _free_port, _start_server  # bench/ is on sys.path: run as a script
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
NETWORKS = {
    "default [2,4,4,1] tanh, circle": "",
    "[2,8,8,8,8,1] relu, spiral": "#dataset=spiral&networkShape=8,8,8,8&activation=relu",
}

RAF = """(ms) => new Promise((resolve) => {
    const out = []; let last = null; const t0 = performance.now();
    function tick(now) {
        if (last !== null) out.push(now - last);
        last = now;
        if (now - t0 < ms) requestAnimationFrame(tick); else resolve(out);
    }
    requestAnimationFrame(tick);
})"""


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def ready(page: Page, url: str) -> float:
    page.goto(url)
    page.wait_for_selector("html[data-ready='true']", state="attached", timeout=30_000)
    return float(page.evaluate("window.__bpvReadyAt"))


def load_times(browser: Any, url: str, n: int) -> None:
    cold = []
    for _ in range(n):
        context = browser.new_context()
        cold.append(ready(context.new_page(), url))
        context.close()
    context = browser.new_context()
    page = context.new_page()
    ready(page, url)
    warm = [ready(page, url + "?reload") for _ in range(n)]  # same context: cached assets
    context.close()
    print(
        f"  load to usable, {n} cold contexts: median {statistics.median(cold):6.0f} ms, "
        f"max {max(cold):6.0f} ms   [target <= 2000 ms: "
        f"{'meets' if max(cold) <= 2000 else 'MISSES'}]"
    )
    print(
        f"  load to usable, {n} warm reloads:  median {statistics.median(warm):6.0f} ms, "
        f"max {max(warm):6.0f} ms"
    )


def animation(browser: Any, url: str, name: str, seconds: float) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    ready(page, url)
    idle = page.evaluate(RAF, 3000)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("Number(document.getElementById('iteration').textContent) >= 3")
    page.evaluate("Object.values(window.__bpvTiming).forEach((l) => l.splice(0))")
    it0 = int(page.inner_text("#iteration"))
    playing = page.evaluate(RAF, int(seconds * 1000))
    it1 = int(page.inner_text("#iteration"))
    timing: dict[str, list[float]] = page.evaluate("window.__bpvTiming")
    page.get_by_role("button", name="Pause", exact=True).click()
    context.close()
    p95_idle, p95_play = pct(idle, 0.95), pct(playing, 0.95)
    print(f"  {name}: playing {seconds:g} s")
    print(
        f"    rAF interval  idle: p50 {pct(idle, 0.5):5.1f}  p95 {p95_idle:5.1f} ms   "
        f"playing: p50 {pct(playing, 0.5):5.1f}  p95 {p95_play:5.1f}  p99 "
        f"{pct(playing, 0.99):5.1f}  max {max(playing):5.1f} ms   "
        f"p95 ratio playing/idle {p95_play / p95_idle:4.2f}   "
        f"[target p95 <= 33 ms: {'meets' if p95_play <= 33 else 'MISSES'}]"
    )
    print(f"    iterations shown: {(it1 - it0) / seconds:.1f} a second")
    views = ", ".join(
        f"{k} {statistics.median(v):.2f}/{pct(v, 0.95):.2f}" for k, v in timing.items() if v
    )
    print(f"    draw ms (median/p95, last 120 each): {views}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: `make chromium` installs it")
    port = _free_port()
    proc = _start_server(port)
    url = f"http://127.0.0.1:{port}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            print(f"page benchmark, headless {browser.version}, server pid {proc.pid}")
            load_times(browser, url, args.loads)
            for name, hash_ in NETWORKS.items():
                animation(browser, url + hash_, name, args.seconds)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()

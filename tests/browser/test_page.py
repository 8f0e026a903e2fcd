"""The visualizer page in headless Chromium against a real server (marked `browser`)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

# The default network [2, 4, 4, 1] (tanh, tanh, sigmoid): the ops of one iteration in the
# course's order, written out by hand from DESIGN.md, not generated from operations.js.
DEFAULT_OPS = [
    "Z[1] = W[1] A[0] + b[1]",
    "A[1] = tanh(Z[1])",
    "Z[2] = W[2] A[1] + b[2]",
    "A[2] = tanh(Z[2])",
    "Z[3] = W[3] A[2] + b[3]",
    "A[3] = sigmoid(Z[3])",
    "J = 1/m Σ L(A[3], Y)",
    "dA[3] = dL/dA[3]",
    "dZ[3] = dA[3] * g'(Z[3])",
    "dW[3] = 1/m dZ[3] A[2]^T",
    "db[3] = 1/m Σ dZ[3]",
    "dA[2] = W[3]^T dZ[3]",
    "dZ[2] = dA[2] * g'(Z[2])",
    "dW[2] = 1/m dZ[2] A[1]^T",
    "db[2] = 1/m Σ dZ[2]",
    "dA[1] = W[2]^T dZ[2]",
    "dZ[1] = dA[1] * g'(Z[1])",
    "dW[1] = 1/m dZ[1] A[0]^T",
    "db[1] = 1/m Σ dZ[1]",
    "W := W - α dW, b := b - α db",
]


def open_page(page: Page, server: Any, hash_: str = "") -> float:
    """Navigate, wait until the first frame is drawn; returns the load-to-usable time in ms."""
    page.goto(f"{server.url}/{hash_}")
    page.wait_for_selector("html[data-ready='true']", state="attached")
    return float(page.evaluate("window.__bpvReadyAt"))


def button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def iteration(page: Page) -> int:
    return int(page.locator("#iteration").inner_text())


def wait_iteration(page: Page, predicate: str) -> None:
    page.wait_for_function(
        f"(() => {{ const n = Number(document.getElementById('iteration').textContent); "
        f"return {predicate}; }})()"
    )


def test_page_loads_clean_and_local(watched: Any, server: Any, shot: Any) -> None:
    page = watched.page
    ready_ms = open_page(page, server)
    nav = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0]; "
        "return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; })()"
    )
    print(f"\nload-to-usable: {ready_ms:.0f} ms (DOMContentLoaded {nav['dcl']:.0f} ms)")
    page.wait_for_timeout(500)  # let charts and views settle; late errors count too
    shot(page, "01-loaded")
    shot(page, "01-loaded-full", full_page=True)
    assert watched.console_errors == []
    assert watched.foreign_requests == []
    assert ready_ms < 10_000  # target 2 s; generous for a loaded 2-core CI machine
    expect(page.locator("#iteration")).to_have_text("0")
    assert re.fullmatch(r"\d+\.\d+(e-?\d+)?", page.locator("#cost").inner_text())
    for name in ("Play", "Step", "Next operation", "Previous operation", "Reset"):
        expect(button(page, name)).to_be_visible()


def test_step_makes_iteration_exactly_one(page: Page, server: Any, shot: Any) -> None:
    open_page(page, server)
    button(page, "Step").click()
    expect(page.locator("#iteration")).to_have_text("1")
    # The step animates op by op: a forward, then a backward op shows on the way.
    expect(page.locator("#phase")).to_have_text(re.compile("forward|cost|backward"))
    page.wait_for_timeout(600)
    shot(page, "02-step-animating")
    page.wait_for_timeout(1500)
    assert iteration(page) == 1


def test_step_and_fast_forward_while_playing_pause_then_do_their_work(
    page: Page, server: Any
) -> None:
    """They send pause first; its answer must not cancel the step they ask for next."""
    open_page(page, server)
    button(page, "Play").click()
    wait_iteration(page, "n >= 3")
    button(page, "Step").click()
    expect(button(page, "Play")).to_be_visible()
    # The step's ops animate (a phase shows), then it rests one iteration past the pause.
    expect(page.locator("#phase")).to_have_text(re.compile("forward|cost|backward|update"))
    page.wait_for_function("document.getElementById('phase').dataset.phase === 'update'")
    stepped = iteration(page)
    page.wait_for_timeout(800)
    assert iteration(page) == stepped  # paused: nothing more trains
    button(page, "Play").click()
    wait_iteration(page, f"n >= {stepped + 3}")
    page.locator("#train-n-count").fill("40")
    before = iteration(page)
    button(page, "Fast-forward").click()
    # All 40 iterations, not cancelled by the pause's answer; then it rests.
    wait_iteration(page, f"n >= {before + 40}")
    expect(page.locator("#train-n")).to_be_enabled()
    expect(button(page, "Play")).to_be_visible()
    reached = iteration(page)
    page.wait_for_timeout(800)
    assert iteration(page) == reached


def test_next_operation_walks_the_ops_in_order(page: Page, server: Any, shot: Any) -> None:
    open_page(page, server)
    seen = []
    for i, label in enumerate(DEFAULT_OPS):
        button(page, "Next operation").click()
        expect(page.locator("#operation")).to_have_text(label)
        seen.append(page.locator("#operation").inner_text())
        if i == 0:
            # As with Step, the ops shown are the training step that makes iteration 1.
            expect(page.locator("#iteration")).to_have_text("1")
            expect(page.locator("#phase")).to_have_text("iteration 1: forward pass")
        if label.startswith("dW[2]"):
            expect(page.locator("#phase")).to_have_text("iteration 1: backward pass")
            shot(page, "03-backward-dW2", full_page=True)
        if i == 11:
            shot(page, "03-backward-dA2")
    assert seen == DEFAULT_OPS
    assert iteration(page) == 1  # walking the ops of iteration 1 trains nothing more
    button(page, "Previous operation").click()
    expect(page.locator("#operation")).to_have_text(DEFAULT_OPS[-2])
    # Past the last op, Next operation trains one iteration and shows its first op.
    button(page, "Next operation").click()
    button(page, "Next operation").click()
    expect(page.locator("#iteration")).to_have_text("2")
    expect(page.locator("#operation")).to_have_text(DEFAULT_OPS[0])
    expect(page.locator("#phase")).to_have_text("iteration 2: forward pass")


def test_step_and_next_operation_agree_on_the_iteration(page: Page, server: Any) -> None:
    open_page(page, server)
    button(page, "Step").click()
    expect(page.locator("#iteration")).to_have_text("1")
    expect(page.locator("#phase")).to_have_text(re.compile(r"^iteration 1: "))


def test_play_advances_pause_stops_and_frames_are_smooth(
    page: Page, server: Any, shot: Any
) -> None:
    open_page(page, server)
    button(page, "Play").click()
    expect(button(page, "Pause")).to_be_visible()
    wait_iteration(page, "n >= 5")
    intervals = page.evaluate(
        """() => new Promise((resolve) => {
            const out = []; let last = null; const t0 = performance.now();
            function tick(now) {
                if (last !== null) out.push(now - last);
                last = now;
                if (now - t0 < 3000) requestAnimationFrame(tick); else resolve(out);
            }
            requestAnimationFrame(tick);
        })"""
    )
    intervals.sort()
    p95 = intervals[int(0.95 * (len(intervals) - 1))]
    print(
        f"\nrAF while playing: {len(intervals)} frames in 3 s, p95 interval {p95:.1f} ms, "
        f"median {intervals[len(intervals) // 2]:.1f} ms"
    )
    shot(page, "04-playing")
    assert p95 < 250  # target 33 ms; a sanity bound that a frozen page fails
    expect(page.locator("#operation")).to_contain_text("Training…")
    button(page, "Pause").click()
    expect(button(page, "Play")).to_be_visible()
    expect(page.locator("#operation")).not_to_contain_text("Training…")  # says it paused
    page.wait_for_timeout(500)
    stopped = iteration(page)
    page.wait_for_timeout(1200)
    assert iteration(page) == stopped
    assert stopped >= 5


def test_live_learning_rate_change_does_not_reset(page: Page, server: Any) -> None:
    open_page(page, server)
    button(page, "Play").click()
    wait_iteration(page, "n >= 5")
    before = iteration(page)
    page.get_by_label("Learning rate").select_option("0.03")
    wait_iteration(page, f"n >= {before + 10}")
    assert "learningRate=0.03" in page.url
    button(page, "Pause").click()
    assert iteration(page) >= before + 10


def test_same_hash_gives_same_cost_in_two_tabs(new_page: Any, server: Any) -> None:
    hash_ = "#dataset=xor&networkShape=5,3&activation=relu&learningRate=0.1&seed=11&noise=0.2"
    costs = []
    for _ in range(2):
        w = new_page()
        page = w.page
        open_page(page, server, hash_)
        page.locator("#train-n-count").fill("7")
        button(page, "Fast-forward").click()
        expect(page.locator("#iteration")).to_have_text("7")
        page.get_by_role("button", name="Step", exact=True).click()
        expect(page.locator("#iteration")).to_have_text("8")
        costs.append(page.locator("#cost").inner_text())
        assert w.console_errors == []
    assert costs[0] == costs[1]


def test_bad_csv_shows_its_error(page: Page, server: Any, shot: Any) -> None:
    open_page(page, server)
    bad = b"x1,x2,label\n0.1,0.2,0\n0.3,oops,1\n0.5,0.6,0\n0.7,0.8,1\n0.2,0.1,0\n"
    page.locator("#csv-file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    banner = page.locator("#banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("bad.csv")
    expect(banner).to_contain_text(re.compile(r"line 3", re.I))
    shot(page, "05-bad-csv")
    # The previous run still works.
    button(page, "Step").click()
    expect(page.locator("#iteration")).to_have_text("1")


def test_good_csv_starts_a_run_of_its_shape(page: Page, server: Any) -> None:
    open_page(page, server)
    rows = "\n".join(f"{i % 7},{(i * 3) % 5},{i % 2},{int(i % 7 > 3)}" for i in range(40))
    page.locator("#csv-file").set_input_files(
        files=[
            {"name": "mine.csv", "mimeType": "text/csv", "buffer": f"a,b,c,y\n{rows}\n".encode()}
        ]
    )
    expect(page.locator("#network-caption")).to_contain_text("[3, 4, 4, 1]")
    expect(page.locator("#banner")).to_be_hidden()
    button(page, "Step").click()
    expect(page.locator("#iteration")).to_have_text("1")


def test_invalid_setting_shows_a_message(page: Page, server: Any) -> None:
    open_page(page, server)
    field = page.get_by_label("Examples")
    field.fill("-5")
    field.press("Enter")
    field.blur()
    expect(page.locator("#banner")).to_contain_text("Examples")
    expect(page.locator("#iteration")).to_have_text("0")


def test_keyboard_only_reaches_play_and_step(page: Page, server: Any, shot: Any) -> None:
    open_page(page, server)
    page.locator(".brand").click()  # a non-focusable start point before the controls

    def tab_to(name: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == name:
                return
        raise AssertionError(f"Tab never reached the {name} button")

    tab_to("Play")
    page.keyboard.press("Enter")
    expect(button(page, "Pause")).to_be_focused()
    wait_iteration(page, "n >= 2")
    page.keyboard.press("Enter")
    expect(button(page, "Play")).to_be_visible()
    page.wait_for_timeout(400)
    before = iteration(page)
    tab_to("Step")
    page.keyboard.press("Space")
    wait_iteration(page, f"n === {before + 1}")
    # Shortcuts: s steps, → walks ops, ? opens the help.
    page.keyboard.press("Escape")
    page.locator("#iteration").click()
    page.keyboard.press("s")
    wait_iteration(page, f"n === {before + 2}")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    shot(page, "06-help")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()


def test_no_horizontal_overflow_at_1024_and_presenter_mode(
    page: Page, server: Any, shot: Any
) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(page, server, "#networkShape=16,16&activation=relu&init=he")
    page.wait_for_timeout(600)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "07-1024")
    button(page, "Presenter mode").click()
    page.wait_for_timeout(400)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "08-presenter")


def test_diverged_run_says_so(page: Page, server: Any, shot: Any) -> None:
    open_page(
        page,
        server,
        "#dataset=sine&outputActivation=linear&loss=mean_squared_error"
        "&activation=relu&init=he&networkShape=16,16&learningRate=10",
    )
    page.locator("#train-n-count").fill("300")
    button(page, "Fast-forward").click()
    expect(page.locator("#banner")).to_contain_text(re.compile("diverg", re.I), timeout=30_000)
    shot(page, "09-diverged")
    button(page, "Reset").click()
    expect(page.locator("#iteration")).to_have_text("0")


def test_lost_connection_reconnects_and_resumes(
    new_page: Any, fresh_server: Any, shot: Any
) -> None:
    srv = fresh_server
    page = new_page().page
    open_page(page, srv)
    button(page, "Step").click()
    expect(page.locator("#iteration")).to_have_text("1")
    srv.stop()
    expect(page.locator("#connection")).to_contain_text("Connection lost")
    shot(page, "10-connection-lost")
    time.sleep(0.5)
    srv.start()
    # The restarted server has no such session: the page starts a new run and says so.
    expect(page.locator("#banner")).to_contain_text("new run", timeout=30_000)
    expect(page.locator("#connection")).not_to_contain_text("Connection lost", timeout=30_000)
    expect(page.locator("#iteration")).to_have_text("0")
    button(page, "Step").click()
    expect(page.locator("#iteration")).to_have_text("1")


def test_scrub_back_and_numbers_on_focus(page: Page, server: Any, shot: Any) -> None:
    open_page(page, server)
    page.locator("#train-n-count").fill("12")
    button(page, "Fast-forward").click()
    expect(page.locator("#iteration")).to_have_text("12")
    page.wait_for_timeout(300)
    live_cost = page.locator("#cost").inner_text()
    scrub = page.get_by_label("Recent iterations")
    scrub.focus()
    page.keyboard.press("Home")  # the oldest kept frame
    expect(page.locator("#scrub-label")).to_have_text(re.compile(r"it\. \d+"))
    shown = iteration(page)
    assert shown < 12
    expect(page.locator("#scrub-label")).to_have_text(f"it. {shown}")
    assert page.locator("#cost").inner_text() != live_cost
    page.keyboard.press("End")
    expect(page.locator("#iteration")).to_have_text("12")
    expect(page.locator("#scrub-label")).to_have_text("live")
    # A neuron's numbers show on keyboard focus, not only on hover.
    page.get_by_role("button", name="Layer 1, unit 1", exact=True).focus()
    tip = page.locator("#tooltip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("b[1][0]")
    shot(page, "11-neuron-focus")


def test_editing_the_hash_starts_that_run(page: Page, server: Any) -> None:
    open_page(page, server, "#networkShape=3&seed=1")
    expect(page.locator("#network-caption")).to_contain_text("[2, 3, 1]")
    page.evaluate("location.hash = '#networkShape=5,2&activation=relu&seed=2&bogus=1'")
    expect(page.locator("#network-caption")).to_contain_text("[2, 5, 2, 1] · relu, relu, sigmoid")
    expect(page.locator("#banner")).to_contain_text('unknown URL setting "bogus"')
    # The page rewrites the hash to its canonical form, which drops the unknown key.
    page.wait_for_function("!location.hash.includes('bogus')")
    assert "networkShape=5,2" in page.url


def test_a_refused_stream_command_shows_the_server_message(page: Page, server: Any) -> None:
    open_page(page, server)
    page.evaluate("window.backpropViz.session.send({action: 'fly'})")
    banner = page.locator("#banner")
    expect(banner).to_contain_text("The server refused a command")
    expect(banner).to_contain_text("fly")
    # The connection stays open and the page keeps working.
    button(page, "Step").click()
    expect(page.locator("#iteration")).to_have_text("1")


def test_a_link_naming_only_the_dataset_uses_its_output_and_loss(
    page: Page, server: Any, shot: Any
) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(page, server, "#dataset=sine")
    expect(page.locator("#network-caption")).to_contain_text("linear · mean_squared_error")
    assert page.locator("#outputActivation").input_value() == "linear"
    # Only losses that fit regression targets are offered, whatever the output activation.
    page.locator("#outputActivation").select_option("sigmoid")
    expect(page.locator("#network-caption")).to_contain_text("sigmoid · mean_squared_error")
    values = page.eval_on_selector_all("#loss option", "os => os.map(o => o.value)")
    assert values == ["mean_squared_error"]
    page.locator("#train-n-count").fill("300")
    button(page, "Fast-forward").click()
    expect(page.locator("#iteration")).to_have_text("300", timeout=30_000)
    expect(page.locator("#train-n")).to_be_enabled()
    expect(page.locator("#train-progress")).to_be_hidden()
    shot(page, "12-sine-fast-forward")


def test_a_refused_command_ends_a_fast_forward_with_its_message(page: Page, server: Any) -> None:
    open_page(page, server)
    page.locator("#train-n-count").fill("5000")
    # The fast-forward is under way when the server refuses (as after a failed step).
    page.evaluate(
        "(() => { const app = window.backpropViz; document.getElementById('train-n').click();"
        " app.onMessage({type: 'error', message: 'the step failed', field: 'loss'});"
        " app.onMessage({type: 'event', event: 'paused'}); })()"
    )
    expect(page.locator("#banner")).to_contain_text("(loss): the step failed")
    expect(page.locator("#train-n")).to_be_enabled()
    expect(page.locator("#train-progress")).to_be_hidden()


def test_a_diverging_fast_forward_is_flagged(page: Page, server: Any, shot: Any) -> None:
    # The reviewer's run: the cost ends finite (2.7e+299), which the server does not flag.
    open_page(
        page,
        server,
        "#dataset=sine&outputActivation=linear&loss=mean_squared_error"
        "&activation=relu&learningRate=3",
    )
    page.locator("#train-n-count").fill("500")
    button(page, "Fast-forward").click()
    expect(page.locator("#banner")).to_contain_text(re.compile("diverg", re.I), timeout=30_000)
    expect(page.locator("#train-n")).to_be_enabled()
    shot(page, "13-diverging")


def test_scrubbing_back_rewinds_the_pictures(page: Page, server: Any, shot: Any) -> None:
    open_page(page, server)
    page.locator("#train-n-count").fill("300")
    button(page, "Fast-forward").click()
    expect(page.locator("#iteration")).to_have_text("300", timeout=30_000)
    page.wait_for_function("window.backpropViz.shownGrid.grid?.step === 300")
    last_canvas = "[...document.querySelectorAll('#network-canvas canvas')].at(-1)"
    live_picture = page.evaluate(f"{last_canvas}?.toDataURL() ?? null")
    scrub = page.get_by_label("Recent iterations")
    scrub.focus()
    page.keyboard.press("Home")
    expect(page.locator("#iteration")).to_have_text("0")
    page.wait_for_function("window.backpropViz.shownGrid.grid?.step === 0")
    # A fast-forward streams only some frames: the slider says it skips iterations.
    expect(page.locator("#scrub-skips")).to_be_visible()
    assert "skips" in (scrub.get_attribute("aria-valuetext") or "")
    if live_picture is not None:
        assert page.evaluate(f"{last_canvas}.toDataURL()") != live_picture
    shot(page, "14-scrubbed-to-0")


def test_help_traps_focus_and_returns_it(page: Page, server: Any) -> None:
    open_page(page, server)
    opener = button(page, "Help")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#help")).to_be_visible()
    for _ in range(3):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('help').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.getElementById('help').contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "help-open"


def test_changing_the_optimizer_uses_its_learning_rate(page: Page, server: Any) -> None:
    open_page(page, server, "#learningRate=3")
    page.locator("#optimizer").select_option("adam")
    expect(page.locator("#learningRate")).to_have_value("0.01")
    page.wait_for_function("location.hash.includes('learningRate=0.01')")
    # A link that sets both keeps its own.
    open_page(page, server, "#optimizer=adam&learningRate=0.003&seed=5")
    expect(page.locator("#learningRate")).to_have_value("0.003")


def test_compact_top_bar_at_1024(page: Page, server: Any, shot: Any) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(page, server)
    height = page.evaluate(
        "document.querySelector('.topbar').getBoundingClientRect().height"
        " + document.querySelector('.opbar').getBoundingClientRect().height"
    )
    assert height <= 110, height
    for name in ("Reset", "Fast-forward", "Presenter mode", "Help", "Next operation"):
        expect(button(page, name)).to_be_visible()
    assert page.get_by_label("Speed").count() == 1
    shot(page, "15-compact-1024")

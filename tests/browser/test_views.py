"""The teaching views in headless Chromium: the numbers they show are checked against the
engine run in this process on the same setup (an independent path: the page gets its
numbers from the server's stream as float32, the test computes them in float64)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.engine import Network, load_dataset

from .test_page import button, open_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

# Every setting spelled out, so that the reference below does not depend on page defaults.
SETUP = (
    "#dataset=circle&nSamples=400&noise=0.1&percTrainData=80&networkShape=4,3"
    "&activation=tanh&outputActivation=sigmoid&loss=binary_cross_entropy&init=xavier"
    "&optimizer=gd&learningRate=0.3&regularizationRate=0&batchSize=0&seed=7"
)
LAYERS = [2, 4, 3, 1]
M_TRAIN = 320


def reference() -> tuple[Any, Any]:
    """Iteration 0 of SETUP: the forward and backward pass over the whole training set."""
    data = load_dataset("circle", 400, 0.1, 0.8, 7)
    net = Network(LAYERS, ["tanh", "tanh", "sigmoid"], "binary_cross_entropy", "xavier", 7)
    trace = net.forward(data.X_train)
    return trace, net.backward(trace, data.Y_train)


def number(text: str) -> float:
    """A number as the page prints it (a typographic minus, maybe an exponent)."""
    return float(text.replace("−", "-"))  # float() reads "1.1e-16"


NUM = r"(−?\d+(?:\.\d+)?(?:e[−-]?\d+)?)"


def test_walkthrough_stops_at_each_block_with_the_engines_numbers(
    page: Page, server: Any, shot: Any
) -> None:
    _, grads = reference()
    open_page(page, server, SETUP)
    expect(page.locator("#cost")).to_have_text(f"{grads.cost:.6f}")
    button(page, "Why dA?").click()
    panel = page.get_by_role("dialog", name="Why do we need dA?")
    expect(panel).to_be_visible()
    progress, title = page.locator(".walkthrough-progress"), page.locator("#walkthrough-title")
    body = page.locator(".walkthrough-body")
    expect(progress).to_have_text("“Why dA?” · step 1 of 5")
    expect(body).to_contain_text(f"dA[3] (1×{M_TRAIN}) = ∂L/∂A[3]")
    expect(page.locator("#operation")).to_have_text("dA[3] = dL/dA[3]")

    for l in (3, 2, 1):
        page.locator(".walkthrough-next").click()
        expect(title).to_contain_text(f"Block {l} of 3")
        text = body.inner_text()
        g = grads.layers[l - 1]
        came_from = "from the loss" if l == 3 else f"from block {l + 1}"
        assert f"In: dA[{l}] ({LAYERS[l]}×{M_TRAIN}) {came_from}" in text
        shown = re.search(rf"‖dA\[{l}\]‖ = {NUM}, first entry {NUM}", text)
        assert shown, text
        assert number(shown[1]) == pytest.approx(np.linalg.norm(g.dA), rel=5e-3)
        assert number(shown[2]) == pytest.approx(g.dA[0, 0], rel=5e-3, abs=1e-6)
        dW = re.search(rf"‖dW\[{l}\]‖ = {NUM}", text)
        assert dW, text
        assert number(dW[1]) == pytest.approx(np.linalg.norm(g.dW), rel=5e-3)
        dZ = re.search(rf"dZ\[{l}\] = dA\[{l}\] ∗ g′\(Z\[{l}\]\).*first entry {NUM}", text)
        assert dZ, text
        assert number(dZ[1]) == pytest.approx(g.dZ[0, 0], rel=5e-3, abs=1e-6)
        if l > 1:
            # The block hands dA[l-1] down, and the other views show that operation.
            assert f"Handed down: dA[{l - 1}] ({LAYERS[l - 1]}×{M_TRAIN}) = W[{l}]T dZ[{l}]" in text
            expect(page.locator("#operation")).to_have_text(f"dA[{l - 1}] = W[{l}]^T dZ[{l}]")
            active = page.locator(f".blocks-svg .block.bwd.is-active[data-layer='{l}']")
            expect(active).to_have_count(1)
        else:
            assert "Nothing to hand down" in text
        if l == 2:
            shot(page, "12-walkthrough-block2")

    page.locator(".walkthrough-next").click()
    expect(title).to_have_text("The answer")
    expect(body).to_contain_text("dA is the hand-off between blocks")
    expect(page.locator("#operation")).to_have_text("W := W - α dW, b := b - α db")
    page.locator(".walkthrough-next").click()  # Finish
    expect(panel).to_be_hidden()
    assert page.locator("#iteration").inner_text() == "0"  # the walkthrough trains nothing


def test_inspector_and_blocks_follow_the_operation_with_live_shapes(
    page: Page, server: Any
) -> None:
    trace, grads = reference()
    open_page(page, server, SETUP)
    # Forward: Z[1], A[1], Z[2], A[2], Z[3], A[3], cost; backward: dA[3], then per layer
    # dZ, dW, db, dA_prev. dW[2] is the 14th operation.
    for _ in range(14):
        button(page, "Next operation").click()
    expect(page.locator("#operation")).to_have_text("dW[2] = 1/m dZ[2] A[1]^T")
    eq = page.locator(".inspector-eq")
    expect(eq).to_have_attribute(
        "aria-label", f"dW[2] (3×4) = 1/m · dZ[2] (3×{M_TRAIN}) · A[1]^T ({M_TRAIN}×4)"
    )
    expect(page.locator(".blocks-svg .block.bwd.is-active")).to_have_attribute("data-layer", "2")
    expect(page.locator(".blocks-svg .arrow.out-arrow.is-active")).to_contain_text("dW[2] (3×4)")
    shapes = page.locator(".blocks-svg .arrow-shape").all_text_contents()
    for l in (1, 2, 3):
        assert f" ({LAYERS[l]}×{M_TRAIN})" in shapes  # A[l] and dA[l] travel as full batches
    # The inspector's dW[2] heatmap carries the engine's numbers (its title has the shape
    # and its caption min, max and norm).
    caption = page.locator(".heatmap", has_text="dW[2]").first.inner_text()
    stats = re.search(rf"min {NUM} · max {NUM} · ‖·‖ {NUM}", caption)
    assert stats, caption
    dW2 = grads.layers[1].dW
    assert number(stats[1]) == pytest.approx(dW2.min(), rel=5e-3)
    assert number(stats[2]) == pytest.approx(dW2.max(), rel=5e-3)
    assert number(stats[3]) == pytest.approx(np.linalg.norm(dW2), rel=5e-3)
    assert trace.layers[1].A.shape == (3, M_TRAIN)


def test_lesson_shows_the_shortcut_agrees_only_for_a_matched_pair(
    page: Page, server: Any, shot: Any
) -> None:
    _, grads = reference()
    assert grads.shortcut_max_abs_diff is not None
    open_page(page, server, SETUP)
    agree = page.locator(".lesson-agree")
    expect(agree).to_contain_text("over the whole batch in float64: they agree to rounding")
    served = re.search(rf"− Y\)\| = {NUM} over the whole batch", agree.inner_text())
    assert served and number(served[1]) < 1e-12
    shortcut = button(page, "Shortcut: A − Y")
    shortcut.click()
    expect(shortcut).to_have_attribute("aria-pressed", "true")
    shot(page, "13-lesson-shortcut")

    # sigmoid with squared error: A - Y is not dZ, and the page says so with the numbers.
    page.evaluate(
        "location.hash = '" + SETUP.replace("binary_cross_entropy", "mean_squared_error") + "'"
    )
    expect(page.locator("#network-caption")).to_contain_text("mean_squared_error")
    expect(button(page, "Shortcut? (unavailable)")).to_be_visible()
    expect(agree).to_contain_text("A[3] − Y is not dZ[3] for this pair")
    gap = re.search(rf"− Y\)\| = {NUM} in this window", agree.inner_text())
    assert gap and number(gap[1]) > 1e-3  # far from rounding: a real difference

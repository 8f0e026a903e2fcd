"""A real server: `backprop-viz serve` on 127.0.0.1, spoken to with the `websockets` client."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from api_helpers import SESSION_BODY

BIN = Path(sys.executable).parent / "backprop-viz"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "BPV_MAX_SESSIONS": "50"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def _post(url: str, body: object) -> dict:
    req = urllib.request.Request(
        url, json.dumps(body).encode(), {"content-type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return dict(json.loads(r.read()))


def test_stream_over_a_real_socket_without_compression(server: str) -> None:
    sid = _post(f"{server}/api/sessions", SESSION_BODY)["id"]
    url = server.replace("http", "ws") + f"/api/sessions/{sid}/stream"

    async def run() -> tuple[str | None, list[dict]]:
        # The client offers permessage-deflate (as Chromium always does); the server declines.
        async with websockets.connect(url, compression="deflate") as ws:
            extensions = ws.response.headers.get("Sec-WebSocket-Extensions")
            messages = [json.loads(await ws.recv()) for _ in range(3)]
            await ws.send(json.dumps({"action": "play", "fps": 30}))
            frames = 0
            while frames < 10:
                m = json.loads(await asyncio.wait_for(ws.recv(), 5))
                frames += m["type"] == "frame"
                messages.append(m)
            await ws.send(json.dumps({"action": "pause"}))
            return extensions, messages

    extensions, messages = asyncio.run(run())
    assert extensions is None or "permessage-deflate" not in extensions
    assert [m["type"] for m in messages[:3]] == ["hello", "frame", "grid"]
    steps = [m["step"] for m in messages if m["type"] == "frame"]
    assert steps[0] == 0 and steps[-1] >= 10 and steps == sorted(steps)


def test_huge_body_without_content_length_is_refused(server: str) -> None:
    """Chunked upload over the limit: 413 naming max_body_bytes, and the server still serves."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(
            b"POST /api/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"[" + b"0," * 500_000
        try:
            for _ in range(6):
                s.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except OSError:
            pass  # the server may close the connection once it has answered
        answer = b""
        while b"max_body_bytes" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413") and b"max_body_bytes" in answer
    with urllib.request.urlopen(f"{server}/healthz", timeout=5) as r:
        assert r.status == 200


def test_training_does_not_block_other_requests(server: str) -> None:
    """A long step request runs in a worker thread: the server keeps answering meanwhile."""
    import threading

    body = {**SESSION_BODY, "layers": [2, 64, 64, 1], "activations": ["tanh", "tanh", "sigmoid"]}
    sid = _post(f"{server}/api/sessions", body)["id"]
    done: list[float] = []

    def long_step() -> None:
        start = time.perf_counter()
        _post(f"{server}/api/sessions/{sid}/step", {"steps": 3000})
        done.append(time.perf_counter() - start)

    worker = threading.Thread(target=long_step)
    worker.start()
    time.sleep(0.2)
    latencies = []
    while worker.is_alive() and len(latencies) < 20:
        start = time.perf_counter()
        with urllib.request.urlopen(f"{server}/api/catalog", timeout=5) as r:
            assert r.status == 200
        latencies.append(time.perf_counter() - start)
    worker.join(60)
    assert done and done[0] > 0.5, "the step request was too short to show anything"
    assert latencies and max(latencies) < 0.5, latencies

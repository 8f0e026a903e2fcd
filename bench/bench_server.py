"""Server benchmarks (run by `make bench`).

1. Server cost of one frame: train step + frame build + encode, JSON and binary, for the
   default network [2,16,16,1] relu/relu/sigmoid on circle (400 examples), next to the
   bare `Network.train_step` measured in the same run. Medians.
2. Classroom capacity: N concurrent WebSocket clients in this one asyncio process, each
   playing at 20 fps on its own session ([2,8,8,1] tanh, circle, 400 examples) for 15 s,
   against `backprop-viz serve` on 127.0.0.1 (how `make run` starts it). For N = 10, 30, 60:
   the worst client's share of the frames it asked for, and the p99 gap between frames.
   Target at N = 60: every client >= 95 % and p99 gap <= 100 ms.

Options: --quick (5 s runs), --clients 10,30,60, --seconds 15, --encoding json|binary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import websockets

from app.api.encoding import dumps, encode_binary
from app.api.schemas import SessionIn
from app.api.session import Session
from app.settings import get_settings

FPS = 20
DEFAULT_NET = {
    "layers": [2, 16, 16, 1],
    "activations": ["relu", "relu", "sigmoid"],
    "loss": "binary_cross_entropy",
    "dataset": {"name": "circle", "n_samples": 400, "noise": 0.1},
    "optimizer": {"name": "gd", "learning_rate": 0.1},
}
CLASSROOM_NET = {**DEFAULT_NET, "layers": [2, 8, 8, 1], "activations": ["tanh", "tanh", "sigmoid"]}


def _median_us(fn: object, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def frame_cost(n: int = 500) -> None:
    session = Session.create(SessionIn.model_validate(DEFAULT_NET), get_settings())
    net = session.network.copy()
    X, Y = session.dataset.X_train, session.dataset.Y_train
    bare = _median_us(lambda: net.train_step(X, Y, learning_rate=0.1), n)

    def frame_json() -> None:
        session.run(1)
        dumps(session.frame())

    def frame_binary() -> None:
        session.run(1)
        encode_binary(session.frame())

    json_us = _median_us(frame_json, n)
    binary_us = _median_us(frame_binary, n)
    frame = session.frame()
    grid = session.grid()
    grid_json = _median_us(lambda: dumps(session.grid()), 50)
    grid_bin = _median_us(lambda: encode_binary(session.grid()), 50)
    m = X.shape[1]
    print(
        f"== 1. server cost of one frame: {DEFAULT_NET['layers']} relu/relu/sigmoid, circle, "
        f"{m} training examples, medians of {n}"
    )
    print(f"  bare Network.train_step          {bare:8.1f} us")
    for name, us, size in (
        ("JSON  ", json_us, len(dumps(frame))),
        ("binary", binary_us, len(encode_binary(frame))),
    ):
        print(
            f"  frame, {name} (step+build+encode) {us:8.1f} us  = {us / bare:4.2f} x bare"
            f"   ({size:,} bytes)"
        )
    print(
        f"  grid (sent at <= {get_settings().grid_hz:g} Hz): JSON {grid_json:.0f} us "
        f"({len(dumps(grid)):,} bytes), binary {grid_bin:.0f} us "
        f"({len(encode_binary(grid)):,} bytes)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start_server(port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "backprop-viz"
    proc = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.terminate()
    raise RuntimeError("the server did not start")


def _http(method: str, url: str, body: object | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data, {"content-type": "application/json"}, method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return dict(json.loads(raw)) if raw else {}


async def _client(
    url: str, seconds: float, binary: bool, ready: asyncio.Event, go: asyncio.Event
) -> list[float]:
    """Play at FPS for `seconds`; the arrival times of the frames."""
    arrivals: list[float] = []
    async with websockets.connect(url, compression=None, max_size=None) as ws:
        for _ in range(3):  # hello, first frame, grid
            await ws.recv()
        ready.set()
        await go.wait()
        await ws.send(json.dumps({"action": "play", "fps": FPS}))
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        marker = b'"type":"frame"' if binary else '{"type":"frame"'
        while True:
            timeout = end - loop.time()
            if timeout <= 0:
                break
            try:
                message = await asyncio.wait_for(ws.recv(), timeout)
            except TimeoutError:
                break
            head = message[:64]
            if (marker in head) if binary else head.startswith(marker):  # type: ignore[operator]
                arrivals.append(loop.time())
        await ws.send(json.dumps({"action": "pause"}))
    return arrivals


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _classroom(
    base: str, n: int, seconds: float, binary: bool, pid: int
) -> tuple[float, float, float, float, float]:
    ids = [str(_http("POST", f"{base}/api/sessions", CLASSROOM_NET)["id"]) for _ in range(n)]
    query = "?encoding=binary" if binary else ""
    ws_base = base.replace("http", "ws")
    readies = [asyncio.Event() for _ in range(n)]
    go = asyncio.Event()
    tasks = [
        asyncio.create_task(
            _client(f"{ws_base}/api/sessions/{sid}/stream{query}", seconds, binary, r, go)
        )
        for sid, r in zip(ids, readies, strict=True)
    ]
    for r in readies:
        await r.wait()
    server_cpu, client_cpu = _cpu_seconds(pid), time.process_time()
    go.set()
    results = await asyncio.gather(*tasks)
    server_cpu = (_cpu_seconds(pid) - server_cpu) / seconds
    client_cpu = (time.process_time() - client_cpu) / seconds
    for sid in ids:
        _http("DELETE", f"{base}/api/sessions/{sid}")
    asked = FPS * seconds
    shares = [len(a) / asked for a in results]
    gaps = np.concatenate([np.diff(a) for a in results if len(a) > 1])
    # The first frame after "play" is the first tick; count gaps from there on.
    p99 = float(np.percentile(gaps, 99) * 1000)
    return min(shares), p99, float(np.median(shares)), server_cpu, client_cpu


def classroom(clients: list[int], seconds: float, encoding: str) -> None:
    port = _free_port()
    proc = _start_server(port)
    base = f"http://127.0.0.1:{port}"
    print(
        f"== 2. classroom capacity: {CLASSROOM_NET['layers']} tanh, circle 400, {FPS} fps, "
        f"{seconds:g} s, encoding={encoding}, server `backprop-viz serve` pid {proc.pid}"
    )
    print(f"  load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    try:
        for n in clients:
            worst, p99, median, server_cpu, client_cpu = asyncio.run(
                _classroom(base, n, seconds, encoding == "binary", proc.pid)
            )
            verdict = "meets" if worst >= 0.95 and p99 <= 100 else "misses"
            print(
                f"  N={n:3d}: worst client {worst * 100:5.1f}% of frames asked "
                f"(median {median * 100:5.1f}%), p99 gap {p99:6.1f} ms  "
                f"[{verdict} the target >= 95%, <= 100 ms]; CPU: server "
                f"{server_cpu:.2f}, clients {client_cpu:.2f} core",
                flush=True,
            )
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s runs")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", default="10,30,60")
    parser.add_argument("--encoding", choices=["json", "binary"], default="json")
    parser.add_argument("--skip-frame-cost", action="store_true")
    args = parser.parse_args()
    if not args.skip_frame_cost:
        frame_cost()
    seconds = 5.0 if args.quick else args.seconds
    classroom([int(n) for n in args.clients.split(",")], seconds, args.encoding)


if __name__ == "__main__":
    main()

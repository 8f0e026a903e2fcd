"""`WS /api/sessions/{id}/stream`, protocol 1: play, pause, step, set, reset.

Each connection has a sender task and a mailbox: control messages (hello, events, errors)
queue in order, but there is one slot for the latest frame and one for the latest grid,
so a slow reader never makes the server hold more than one pending frame: a newer frame
replaces the unsent one. Frames are built and encoded in a worker thread while the
session's lock is held; the play loop is paced on the event loop's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from app.api.batcher import Batcher
from app.api.catalog import PROTOCOL
from app.api.encoding import dumps, encode_binary
from app.api.errors import ECHO_LIMIT, ApiError
from app.api.session import Session
from app.api.store import SessionStore
from app.engine import EngineError
from app.engine.optimizers import check_hyper
from app.settings import Settings

router = APIRouter(tags=["stream"])
log = logging.getLogger(__name__)

ACTIONS = {
    "play": {"fps"},
    "pause": set(),
    "step": {"steps"},
    "set": {
        "learning_rate",
        "l2",
        "batch_size",
        "fps",
        "window_start",
        "beta",
        "beta1",
        "beta2",
        "epsilon",
    },
    "reset": set(),
}
DEFAULT_FPS = 20
PROGRESS_SECONDS = 0.05  # a multi-step command reports at most one frame per 50 ms
CLOSED_CODE = 4404
ERROR_LIMIT = 500  # characters of an error message (its echo of a value is at most ~200)
SLOW_RENDER = 0.005  # a session whose ticks take longer than this gets its own thread hops


class CommandError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _int(cmd: dict[str, Any], key: str, lo: int, hi: int, default: int) -> int:
    value = cmd.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise CommandError(f"{key} must be an integer from {lo} to {hi}; got {value!r}", key)
    return value


def _number(cmd: dict[str, Any], key: str) -> float:
    value = cmd[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CommandError(f"{key} must be a finite number; got {value!r}", key)
    return float(value)


class Stream:
    """One WebSocket connection to one session."""

    def __init__(
        self, ws: WebSocket, session: Session, store: SessionStore[Session], binary: bool
    ) -> None:
        self.ws = ws
        self.session = session
        self.store = store
        self.settings: Settings = session.settings
        self.binary = binary
        self.fps = min(DEFAULT_FPS, self.settings.max_fps)
        self.playing = False
        self._control: deque[bytes | None] = deque()
        self._frame: bytes | None = None
        self._grid: bytes | None = None
        self._wake = asyncio.Event()
        self._job: asyncio.Task[None] | None = None
        self._stop = False
        self._last_grid = -math.inf
        self._last_render = 0.0
        self._closing = False
        self._refresher: asyncio.Task[None] | None = None
        self._refresh_pending = False
        self._refresh_sleeping = False
        self._refresh_stopped = False  # the socket closed: no more refreshes
        # Events of changes made elsewhere before `hello` is queued wait for it: the
        # protocol's first message is always hello.
        self._before_hello: list[dict[str, Any]] | None = []
        self.batcher: Batcher | None = getattr(ws.app.state, "batcher", None)

    # -- outgoing ---------------------------------------------------------------------------

    def encode(self, message: dict[str, Any] | None) -> bytes | None:
        if message is None:
            return None
        return encode_binary(message) if self.binary else dumps(message)

    def post(self, message: dict[str, Any]) -> None:
        """Queue a control message (hello, event, error): these are never dropped."""
        self._control.append(self.encode(message))
        self._wake.set()

    def post_encoded(self, frame: bytes | None, grid: bytes | None = None) -> None:
        """Replace the pending frame (and grid): the latest one wins."""
        if frame is not None:
            self._frame = frame
        if grid is not None:
            self._grid = grid
        self._wake.set()

    def closing(self) -> None:
        """Tell the client its session ended, then close the connection."""
        if self._closing:
            return
        self._closing = True
        self._stop = True
        self.post(
            {
                "type": "event",
                "event": "closed",
                "step": self.session.iteration,
                "message": "the session was deleted or expired; create a new one",
            }
        )
        self._control.append(None)
        self._wake.set()

    def error(self, message: str, field: str | None = None) -> None:
        # A command may carry a huge value; its echo in the message is cut short.
        if len(message) > ERROR_LIMIT:
            message = message[:ERROR_LIMIT] + f"... ({len(message)} characters)"
        if field is not None and len(field) > ECHO_LIMIT:
            field = field[:ECHO_LIMIT] + "..."
        self.post({"type": "error", "message": message, "field": field})

    def event(self, name: str, **fields: Any) -> None:
        self.post({"type": "event", "event": name, "step": self.session.iteration, **fields})

    async def sender(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while True:
                if self._control:
                    item = self._control.popleft()
                    if item is None:
                        await self.ws.close(code=CLOSED_CODE)
                        return
                elif self._frame is not None:
                    item, self._frame = self._frame, None
                elif self._grid is not None:
                    item, self._grid = self._grid, None
                else:
                    break
                if self.binary:
                    await self.ws.send_bytes(item)
                else:
                    await self.ws.send_text(item.decode())

    # -- work in a worker thread (the caller holds the session lock) ------------------------

    def _render(self, steps: int, with_grid: bool) -> tuple[bytes | None, bytes | None]:
        if steps:
            self.session.run(steps)
        # Every stream of the session sends the same bytes: encoded once per change.
        frame = self.session.encoded("frame", self.binary, self.encode)
        grid = self.session.encoded("grid", self.binary, self.encode) if with_grid else None
        return frame, grid

    def _run_for(self, remaining: int, seconds: float) -> int:
        """Train up to `remaining` steps for about `seconds`; the number done."""
        started = time.monotonic()
        done = 0
        trainer = self.session.trainer
        while done < remaining and not trainer.diverged:
            self.session.run(1)
            done += 1
            if time.monotonic() - started >= seconds:
                break
        return done

    async def _locked(self, fn: Callable[..., Any], *args: Any, batched: bool = False) -> Any:
        self._check_open()
        async with self.session.lock:
            self._check_open()
            if batched and self.batcher is not None and self._last_render < SLOW_RENDER:
                result = await self.batcher.run(lambda: self._timed(fn, *args))
            else:
                result = await run_in_threadpool(self._timed, fn, *args)
        self.store.touch(self.session)
        return result

    def _timed(self, fn: Callable[..., Any], *args: Any) -> Any:
        # CPU time of this thread, not wall time: waiting for the GIL on a busy server
        # must not make a small session look slow.
        start = time.thread_time()
        try:
            return fn(*args)
        finally:
            self._last_render = time.thread_time() - start

    def _check_open(self) -> None:
        if self.session.closed:
            raise SessionClosedError

    @property
    def _has_grid(self) -> bool:
        return self.session.dataset.input_range is not None

    # -- commands ---------------------------------------------------------------------------

    async def hello(self) -> None:
        def build() -> bytes | None:
            d = self.session.dataset
            data = None
            if d.n_features <= 2:
                data = {
                    "X_train": d.X_train,
                    "Y_train": d.Y_train,
                    "X_test": d.X_test,
                    "Y_test": d.Y_test,
                }
            return self.encode(
                {
                    "type": "hello",
                    "protocol": PROTOCOL,
                    "session": self.session.id,
                    "encoding": "binary" if self.binary else "json",
                    "config": self.session.config,
                    "dataset": self.session.summary(),
                    "iteration": self.session.iteration,
                    "diverged": self.session.trainer.diverged,
                    "window_size": self.settings.window_size,
                    "fps": self.fps,
                    "data": data,
                    "input_range": self.session.summary()["input_range"],
                    "limits": self.settings.model_dump(),
                }
            )

        hello = await self._locked(build)
        self._control.append(hello)
        waiting, self._before_hello = self._before_hello or [], None
        for event in waiting:
            self._tell(event)
        frame, grid = await self._locked(self._render, 0, self._has_grid)
        if self._has_grid:
            self._last_grid = asyncio.get_running_loop().time()
        self.post_encoded(frame, grid)

    async def handle(self, text: str) -> None:
        try:
            cmd = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise CommandError(f"a command must be a JSON object: {exc}") from None
        if not isinstance(cmd, dict):
            raise CommandError('a command must be a JSON object such as {"action": "play"}')
        action = cmd.get("action")
        if action not in ACTIONS:
            raise CommandError(
                f"action must be one of {', '.join(ACTIONS)}; got {action!r}", "action"
            )
        extra = sorted(set(cmd) - ACTIONS[action] - {"action"})
        if extra:
            allowed = ", ".join(sorted(ACTIONS[action])) or "nothing else"
            raise CommandError(
                f"{action} does not take {', '.join(extra)}; it takes {allowed}", extra[0]
            )
        await getattr(self, f"_{action}")(cmd)

    async def _play(self, cmd: dict[str, Any]) -> None:
        self.fps = _int(cmd, "fps", 1, self.settings.max_fps, self.fps)
        if self.session.trainer.diverged:
            raise CommandError(
                "the run diverged; send reset (or lower the learning rate)", "session"
            )
        if not self.playing:
            await self.stop_job()
            self.playing = True
            self._job = asyncio.create_task(self._play_loop())
        self.event("playing", fps=self.fps)

    async def _pause(self, cmd: dict[str, Any]) -> None:
        await self.stop_job()
        self.event("paused")

    async def _step(self, cmd: dict[str, Any]) -> None:
        steps = _int(cmd, "steps", 1, self.settings.max_steps_per_request, 1)
        self.session.check_steps(steps)
        await self.stop_job()
        if self.session.trainer.diverged:
            raise CommandError(
                "the run diverged; send reset (or lower the learning rate)", "session"
            )
        if steps == 1:
            try:
                frame, grid = await self._locked(self._render, 1, self._has_grid)
            except SessionClosedError:
                raise
            except Exception as exc:
                self.failed(exc)
                return
            self.post_encoded(frame, grid)
            self._after_steps()
            self.session.changed(self)
        else:
            self._job = asyncio.create_task(self._multi_step(steps))

    async def _set(self, cmd: dict[str, Any]) -> None:
        trainer = self.session.trainer
        changes: list[Callable[[], None]] = []
        applied: dict[str, Any] = {}
        for key in sorted(set(cmd) - {"action"}):
            if key == "fps":
                fps = _int(cmd, "fps", 1, self.settings.max_fps, self.fps)
                changes.append(partial(setattr, self, "fps", fps))
            elif key == "window_start":
                start = _int(cmd, key, 0, self.settings.max_examples, 0)
                changes.append(partial(setattr, self.session, "window_start", start))
            elif key == "batch_size":
                size = cmd[key]
                if size is not None:
                    size = _int(cmd, key, 1, self.settings.max_examples, 1)
                changes.append(partial(setattr, trainer, "batch_size", size))
                changes.append(partial(self.session.config.__setitem__, "batch_size", size))
            elif key == "l2":
                l2 = _number(cmd, key)
                if not 0 <= l2 <= 100:
                    raise CommandError(f"l2 must be a number in [0, 100]; got {l2!r}", key)
                changes.append(partial(setattr, trainer, "l2", l2))
                changes.append(partial(self.session.config.__setitem__, "l2", l2))
            else:
                if key not in trainer.optimizer.hyper:
                    hyper = ", ".join(trainer.optimizer.hyper)
                    raise CommandError(
                        f"{key} is not a hyper-parameter of {trainer.optimizer.name} ({hyper})",
                        key,
                    )
                value = _number(cmd, key)
                check_hyper(trainer.optimizer.name, key, value)  # validate before applying any
                changes.append(partial(trainer.optimizer.set, key, value))
                optimizer_config = self.session.config["optimizer"]
                changes.append(partial(optimizer_config.__setitem__, key, value))
            applied[key] = cmd[key]
        if not changes:
            raise CommandError("set needs at least one of " + ", ".join(sorted(ACTIONS["set"])))

        def apply() -> bytes | None:
            self.session.version += 1  # first: even a change that fails halfway is new
            for change in changes:
                change()
            if "window_start" not in applied:
                return None  # the `set` event tells this client; its next frame shows it
            return self.session.encoded("frame", self.binary, self.encode)

        frame = await self._locked(apply)
        self.event("set", values=applied)
        self.post_encoded(frame)
        shared = {k: v for k, v in applied.items() if k != "fps"}  # fps is this stream's
        if shared:
            self.session.changed(self, {"event": "set", "values": shared})

    async def _reset(self, cmd: dict[str, Any]) -> None:
        await self.stop_job()

        def reset() -> tuple[bytes | None, bytes | None]:
            self.session.reset()
            return self._render(0, self._has_grid)

        frame, grid = await self._locked(reset)
        self.event("reset")
        self.post_encoded(frame, grid)
        self.session.changed(self, {"event": "reset"})

    # -- frames of changes made elsewhere (another stream, REST) ----------------------------

    def changed(self, source: object, event: dict[str, Any] | None = None) -> None:
        """The session changed (on the event loop): send `event` (a reset, a live set) as
        its source's client got it, then the new frame; the latest frame wins."""
        if source is self or self._closing or self._refresh_stopped:
            return
        if event is not None:
            if self._before_hello is not None:
                self._before_hello.append(event)
            else:
                self._tell(event)
        self._refresh_pending = True
        if self._refresher is None or self._refresher.done():
            self._refresher = asyncio.create_task(self._refresh())

    def _tell(self, event: dict[str, Any]) -> None:
        self.event(event["event"], **{k: v for k, v in event.items() if k != "event"})
        if event["event"] == "reset" and self.playing:
            self.event("playing", fps=self.fps)  # this stream plays on from step 0

    async def _refresh(self) -> None:
        loop = asyncio.get_running_loop()
        grid_period = 1.0 / self.settings.grid_hz
        while self._refresh_pending and not self._closing and not self._refresh_stopped:
            self._refresh_pending = False
            wait = self._last_grid + grid_period - loop.time()
            with_grid = self._has_grid and wait <= 0
            try:
                frame, grid = await self._locked(self._render, 0, with_grid)
            except SessionClosedError:
                return
            if with_grid:
                self._last_grid = loop.time()
            self.post_encoded(frame, grid)
            if self._refresh_stopped:
                return
            if self._has_grid and not with_grid and not self._refresh_pending:
                self._refresh_sleeping = True
                try:
                    await asyncio.sleep(wait)  # the grid follows at most grid_hz
                finally:
                    self._refresh_sleeping = False
                if self._refresh_stopped:
                    return
                self._refresh_pending = True

    async def stop_refresh(self) -> None:
        """No more refreshes (the socket closed); waits for a render in flight."""
        self._refresh_stopped = True
        self._refresh_pending = False
        if self._refresher is not None:
            if self._refresh_sleeping:  # holds no lock: no need to wait for the grid
                self._refresher.cancel()
            try:
                await self._refresher
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # the handler itself is being cancelled, not just the refresher
            except Exception:  # a failed refresh has nothing left to tell
                pass

    # -- jobs -------------------------------------------------------------------------------

    async def stop_job(self) -> None:
        """Ask the running play/step job to end after its current tick, and wait for it."""
        if self._job is not None:
            self._stop = True
            with contextlib.suppress(SessionClosedError):
                await self._job
            self._job = None
            self._stop = False
        self.playing = False

    def _after_steps(self) -> bool:
        """Tell the client when the run diverged; True if it did."""
        if self.session.trainer.diverged:
            self.playing = False
            self.event(
                "diverged",
                message="the cost became NaN or infinite; playing stopped. Send reset "
                "(and lower the learning rate) to start again",
            )
            return True
        return False

    def failed(self, exc: Exception, action: str = "step") -> None:
        """A step failed: say why, then `paused`, so a client never waits for frames.

        Our errors' messages are written for users; any other exception's text stays in
        the server's log (it may show internals), the client hears which action failed.
        """
        self.playing = False
        if isinstance(exc, CommandError | EngineError | ApiError):
            self.error(exc.message, exc.field)
        else:
            log.error("session %s: %s failed", self.session.id, action, exc_info=exc)
            self.error(
                f"training stopped: the {action} failed on the server at step "
                f"{self.session.iteration} (the server's log has the details)"
            )
        self.event("paused")

    async def _play_loop(self) -> None:
        try:
            await self._play_ticks()
        except SessionClosedError:
            self.closing()
        except Exception as exc:  # an engine failure must not end the task silently
            self.failed(exc, "play")
        finally:
            self.playing = False

    async def _play_ticks(self) -> None:
        loop = asyncio.get_running_loop()
        grid_period = 1.0 / self.settings.grid_hz
        next_tick = loop.time()
        while not self._stop:
            now = loop.time()
            with_grid = self._has_grid and now - self._last_grid >= grid_period
            frame, grid = await self._locked(self._render, 1, with_grid, batched=True)
            if with_grid:
                self._last_grid = now
            self.post_encoded(frame, grid)
            self.session.changed(self)
            if self._after_steps():
                break
            period = 1.0 / self.fps
            next_tick += period
            now = loop.time()
            if next_tick < now:
                # Behind (a busy machine): like a Go ticker, keep the schedule's phase and
                # fire the most recent missed tick now; the older ones are dropped, not burst.
                next_tick += math.floor((now - next_tick) / period) * period
            await asyncio.sleep(max(0.0, next_tick - now))

    async def _multi_step(self, total: int) -> None:
        try:
            await self._steps(total)
        except SessionClosedError:
            self.closing()
        except Exception as exc:
            self.failed(exc)

    async def _steps(self, total: int) -> None:
        done = 0
        while done < total and not self._stop:
            n = await self._locked(self._run_for, total - done, PROGRESS_SECONDS)
            done += n
            last = done >= total or self.session.trainer.diverged or self._stop
            frame, grid = await self._locked(self._render, 0, last and self._has_grid)
            self.event("progress", done=done, total=total)
            self.post_encoded(frame, grid)
            self.session.changed(self)
            if self._after_steps():
                break


class SessionClosedError(Exception):
    pass


@router.websocket("/api/sessions/{session_id}/stream")
async def stream(ws: WebSocket, session_id: str, encoding: str = "json") -> None:
    """Protocol 1 (see the README): hello, then frames, grids, events and errors."""
    await ws.accept()
    store: SessionStore[Session] = ws.app.state.store
    session = store.get(session_id)
    if encoding not in ("json", "binary"):
        await ws.send_text(
            dumps(
                {
                    "type": "error",
                    "message": f"encoding must be json or binary; got {encoding!r}",
                    "field": "encoding",
                }
            ).decode()
        )
        await ws.close(code=1008)
        return
    if session is None:
        message = {
            "type": "error",
            "message": "Session not found (unknown id, deleted or expired)",
            "field": "session",
        }
        if encoding == "binary":
            await ws.send_bytes(encode_binary(message))
        else:
            await ws.send_text(dumps(message).decode())
        await ws.close(code=CLOSED_CODE)
        return
    conn = Stream(ws, session, store, encoding == "binary")
    session.on_close.add(conn.closing)
    session.on_change.add(conn.changed)
    sender = asyncio.create_task(conn.sender())
    try:
        await conn.hello()
        while True:
            incoming = await ws.receive()
            if incoming["type"] == "websocket.disconnect":
                break
            text = incoming.get("text")
            if text is None:
                conn.error("commands are JSON text messages, not binary")
                continue
            try:
                await conn.handle(text)
            except CommandError as exc:
                conn.error(exc.message, exc.field)
            except (EngineError, ApiError) as exc:
                conn.error(exc.message, exc.field)
            except SessionClosedError:
                conn.closing()
    except SessionClosedError:
        conn.closing()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(sender, 2)
    except WebSocketDisconnect:
        pass
    finally:
        session.on_close.discard(conn.closing)
        session.on_change.discard(conn.changed)
        sender.cancel()
        try:
            await conn.stop_job()
            await conn.stop_refresh()
        except BaseException:  # the handler itself is being cancelled (server shutdown)
            for task in (conn._job, conn._refresher):
                if task is not None:
                    task.cancel()
            raise
        finally:
            with contextlib.suppress(BaseException):
                await sender

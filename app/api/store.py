"""Live sessions: unguessable ids, one lock each, least-recently-used eviction, idle expiry."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class Closable(Protocol):
    id: str
    closed: bool
    lock: asyncio.Lock


S = TypeVar("S", bound=Closable)


# Eviction spares a session without an open stream used within this many seconds.
GRACE_SECONDS = 60.0
# A session with an open stream but no real use expires after this many idle periods.
STREAM_IDLE_FACTOR = 4


def new_id() -> str:
    """192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class SessionStore(Generic[S]):
    """At most `max_sessions` sessions; each use moves a session to the back of the LRU queue."""

    def __init__(
        self,
        max_sessions: int,
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._sessions: OrderedDict[str, S] = OrderedDict()
        self._last_used: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def add(self, session: S) -> list[S]:
        """Store `session`; returns the sessions evicted to make room.

        The least recently used session without an open stream (a listener in `on_close`)
        that has been idle for GRACE_SECONDS goes first: a fresh one may be a page whose
        stream is still connecting, or a notebook between two requests. Then the least
        recently used one without a stream, fresh or not: a burst of new sessions evicts
        its own kind, not the open tabs of a classroom. Only when every session has an
        open stream does the least recently used of all go.
        """
        evicted = []
        while len(self._sessions) >= self.max_sessions:
            cutoff = self._clock() - GRACE_SECONDS
            streamless = [s for s in self._sessions.values() if not getattr(s, "on_close", None)]
            stale = (s for s in streamless if self._last_used[s.id] < cutoff)
            victim = next(stale, streamless[0] if streamless else None)
            if victim is None:
                victim = next(iter(self._sessions.values()))
            del self._sessions[victim.id]
            self._forget(victim)
            evicted.append(victim)
        self._sessions[session.id] = session
        self._last_used[session.id] = self._clock()
        return evicted

    def get(self, session_id: str) -> S | None:
        """The session, marked as just used, or None."""
        session = self._sessions.get(session_id)
        if session is not None:
            self.touch(session)
        return session

    def touch(self, session: S) -> None:
        if session.id in self._sessions:
            self._sessions.move_to_end(session.id)
            self._last_used[session.id] = self._clock()

    def remove(self, session_id: str) -> S | None:
        session = self._sessions.pop(session_id, None)
        if session is not None:
            self._forget(session)
        return session

    def sweep(self) -> list[S]:
        """Remove the sessions idle for longer than `idle_seconds`.

        A session with an open stream (a listener in `on_close`) is in use even while it is
        paused, e.g. a student's tab during a lecture, but only for STREAM_IDLE_FACTOR times
        `idle_seconds` after its last real use (a request, a command, a play tick): a
        forgotten tab does not hold its session forever.
        """
        now = self._clock()
        cutoff = now - self.idle_seconds
        stream_cutoff = now - STREAM_IDLE_FACTOR * self.idle_seconds
        idle = [
            self._sessions[k]
            for k, t in self._last_used.items()
            if t < stream_cutoff
            or (t < cutoff and not getattr(self._sessions[k], "on_close", None))
        ]
        for session in idle:
            self.remove(session.id)
        return idle

    def clear(self) -> None:
        for session_id in list(self._sessions):
            self.remove(session_id)

    def _forget(self, session: S) -> None:
        self._last_used.pop(session.id, None)
        session.closed = True
        for callback in list(getattr(session, "on_close", ())):
            callback()  # e.g. a stream telling its client

    async def sweep_forever(self, interval: float) -> None:
        """Sweep every `interval` seconds until cancelled."""
        while True:
            await asyncio.sleep(interval)
            self.sweep()

    @contextlib.asynccontextmanager
    async def sweeping(self):  # type: ignore[no-untyped-def]
        """Run the idle sweeper for the lifetime of the app."""
        interval = max(0.05, min(60.0, self.idle_seconds / 4))
        task = asyncio.create_task(self.sweep_forever(interval))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self.clear()

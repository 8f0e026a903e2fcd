"""The session store: eviction spares fresh sessions; open streams do not live forever."""

from __future__ import annotations

from typing import Any

from app.api.store import GRACE_SECONDS, SessionStore


class _Fake:
    def __init__(self, sid: str, stream: bool = False) -> None:
        self.id, self.closed, self.lock = sid, False, None
        self.on_close = {lambda: None} if stream else set()


def _store(now: list[float], size: int, idle: float = 1800) -> SessionStore[Any]:
    return SessionStore(size, idle_seconds=idle, clock=lambda: now[0])


def test_a_fresh_session_without_a_stream_is_not_the_first_victim() -> None:
    now = [0.0]
    store = _store(now, 2)
    watched, fresh = _Fake("watched", stream=True), _Fake("fresh")
    store.add(watched)
    now[0] = 100
    store.add(fresh)  # e.g. a page whose stream is still connecting
    now[0] = 101
    assert store.add(_Fake("new")) == [watched]  # plain LRU: nobody stream-less is stale
    assert store.get("fresh") is not None


def test_stale_sessions_without_a_stream_go_before_streams_and_fresh_ones() -> None:
    now = [0.0]
    store = _store(now, 3)
    stale, watched = _Fake("stale"), _Fake("watched", stream=True)
    store.add(stale)
    store.add(watched)
    now[0] = GRACE_SECONDS + 1
    store.add(_Fake("fresh"))
    assert store.add(_Fake("new")) == [stale]
    # Two pages creating sessions in turn no longer evict each other's new session.
    now[0] += 1
    evicted = store.add(_Fake("other"))
    assert [s.id for s in evicted] == ["watched"], evicted


def test_an_open_stream_is_swept_after_four_idle_periods_without_real_use() -> None:
    now = [0.0]
    store = _store(now, 10, idle=60)
    watched, plain = _Fake("watched", stream=True), _Fake("plain")
    store.add(watched)
    store.add(plain)
    now[0] = 200
    assert store.sweep() == [plain] and not watched.closed  # an open stream counts as use
    store.touch(watched)  # a play tick or a command
    now[0] = 200 + 4 * 60 - 1
    assert store.sweep() == []
    now[0] = 200 + 4 * 60 + 1  # a forgotten tab: the socket is open, nothing happens
    assert store.sweep() == [watched] and watched.closed

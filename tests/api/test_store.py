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


def test_a_burst_of_new_sessions_evicts_its_own_kind_not_open_streams() -> None:
    now = [0.0]
    store = _store(now, 2)
    watched, fresh = _Fake("watched", stream=True), _Fake("fresh")
    store.add(watched)
    now[0] = 100
    store.add(fresh)
    for i in range(5):  # e.g. a script creating sessions as fast as it can
        now[0] += 0.1
        evicted = store.add(_Fake(f"burst{i}"))
        assert len(evicted) == 1 and evicted[0].id != "watched", evicted
    assert store.get("watched") is watched and not watched.closed


def test_stale_sessions_without_a_stream_go_before_fresh_ones_and_streams() -> None:
    now = [0.0]
    store = _store(now, 3)
    stale, watched = _Fake("stale"), _Fake("watched", stream=True)
    store.add(stale)
    store.add(watched)
    now[0] = GRACE_SECONDS + 1
    store.add(_Fake("fresh"))
    now[0] += 1
    store.touch(stale)  # used again: no longer stale, but still without a stream
    now[0] += 1
    assert [s.id for s in store.add(_Fake("new"))] == ["fresh"]  # least recently used
    now[0] += GRACE_SECONDS + 1  # now every stream-less one is stale: the LRU goes
    assert [s.id for s in store.add(_Fake("other"))] == ["stale"]


def test_only_when_every_session_has_a_stream_does_one_with_a_stream_go() -> None:
    now = [0.0]
    store = _store(now, 2)
    a, b = _Fake("a", stream=True), _Fake("b", stream=True)
    store.add(a)
    now[0] = 1
    store.add(b)
    assert store.add(_Fake("c")) == [a]


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

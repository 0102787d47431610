"""The process's turns (mockserver/resilience/turns.py): a request runs the app holding the turn, the others
wait for it (at most `patience`), a sleeping request gives it up, and the app's layers are in that order.

No test sleeps to let a thread get somewhere: a waiting thread is seen parked at the turn's lock (its frame).
"""

from __future__ import annotations

import linecache
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.pages.journal import journal
from mockserver.resilience import hooks
from mockserver.resilience.hooks import resilience
from mockserver.resilience.turns import Turns

AUTH = {"Authorization": "Bearer ambition-token"}


def parked_at_the_lock(thread: threading.Thread) -> bool:
    """Whether the thread is inside Turns.turn or set_aside, on its line that takes the lock."""
    frame: FrameType | None = sys._current_frames().get(thread.ident or -1)
    while frame is not None:
        code = frame.f_code.co_filename
        if code.endswith("turns.py") and "acquire" in linecache.getline(code, frame.f_lineno):
            return True
        frame = frame.f_back
    return False


def wait_for(condition: Callable[[], bool], what: str) -> None:
    for _ in range(50_000):
        if condition():
            return
        time.sleep(0.0002)  # the interval of a poll of another thread's state, not a wait standing in for it
    raise AssertionError(f"never saw: {what}")


def in_thread(work: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread


def test_a_turn_is_held_for_the_block_and_let_go_however_it_ends() -> None:
    turns = Turns()
    with turns.turn():
        assert turns.holding()
    assert not turns.holding()
    with pytest.raises(ZeroDivisionError), turns.turn():
        _ = 1 / 0
    assert not turns.holding()
    with turns.turn():  # the lock was let go: taking it again does not wait
        with turns.turn():  # nested (an app called from a request): already this thread's
            assert turns.holding()
        assert turns.holding()


def test_another_request_waits_for_the_turn_and_then_holds_it() -> None:
    turns, events = Turns(patience=60), []
    first_in, first_may_leave = threading.Event(), threading.Event()

    def first() -> None:
        with turns.turn():
            events.append("first in")
            first_in.set()
            first_may_leave.wait()
            events.append("first out")

    def second() -> None:
        with turns.turn():
            events.append(f"second in, holding={turns.holding()}")

    one = in_thread(first)
    first_in.wait()
    two = in_thread(second)
    wait_for(lambda: parked_at_the_lock(two), "the second request waiting for the turn")
    first_may_leave.set()
    one.join(), two.join()
    assert events == ["first in", "first out", "second in, holding=True"]


def test_after_patience_a_request_goes_ahead_without_the_turn() -> None:
    turns, seen = Turns(patience=0), []

    def another_request() -> None:
        with turns.turn():
            seen.append(turns.holding())

    with turns.turn():
        other = in_thread(another_request)
        other.join(timeout=30)  # a bound for a broken patience, which would wait for this turn for ever
        assert not other.is_alive() and turns.holding()
    assert seen == [False]


def test_a_request_that_sets_its_turn_aside_lets_the_others_run_and_takes_it_back() -> None:
    turns, events = Turns(patience=60), []
    other_done = threading.Event()

    def other() -> None:
        with turns.turn():
            events.append(f"other ran, holding={turns.holding()}")
        other_done.set()

    with turns.turn():
        waiting = in_thread(other)
        wait_for(lambda: parked_at_the_lock(waiting), "the other request waiting for the turn")
        with turns.set_aside():
            assert not turns.holding()
            other_done.wait()
        assert turns.holding()
    assert events == ["other ran, holding=True"]


def test_requests_run_the_app_in_their_turn_and_a_faults_sleep_does_not(
    ops_world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Settings(db_path=ops_world))
    turns = resilience(app).turns
    seen: dict[str, bool] = {}
    app.before_request(lambda: seen.setdefault("flask", turns.holding()) and None)
    monkeypatch.setattr(hooks, "sleep", lambda _seconds: seen.setdefault("sleeping", turns.holding()))
    client = app.test_client()
    answer = client.get("/api/v1/npq-applications", headers={**AUTH, "X-NPQ-Mock-Fault": "latency=5ms"})
    assert answer.status_code == 200
    assert seen == {"flask": True, "sleeping": False}
    assert not turns.holding()

    # A plain record GET is answered in front of Flask (mockserver/stored_reads.py): also in the turn.
    book = journal(app)
    noted = book.note

    def note(*args: object) -> None:
        seen.setdefault("stored read", turns.holding())
        noted(*args)

    monkeypatch.setattr(book, "note", note)
    record = answer.get_json()["data"][0]["id"]
    del seen["flask"]
    assert client.get(f"/api/v1/npq-applications/{record}", headers=AUTH).status_code == 200
    assert seen == {"sleeping": False, "stored read": True}  # Flask never saw it

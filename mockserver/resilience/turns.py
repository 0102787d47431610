"""The requests of one worker process take turns running the app: one at a time, as far as that helps.

Why: CPython runs one thread at a time anyway (the GIL), but sqlite3 lets go of the GIL around every
statement, and with a worker's threads all busy each let-go hands the interpreter to another request. The
request holding the world's writer turn (store/writers.py) then waits for its own process's other
requests between its statements, and every writer of both processes waits for it: under served writes
(v1, wrk with 16 connections) a third of both cores sat idle. Taking turns, a request runs its statements
back to back while the others stay parked on a lock instead of contending for the GIL. Served v1 writes
(bench_prism.py's requests under wrk, 16 connections, alternating with the code before, twice): accept
+11-21%, declaration POST +12-25%, idle time 30% -> 23%; record and page reads the same.

What still runs side by side, so that no client can stall the others:
- bodies are read before a request asks for its turn (resilience/body.py is the layer outside this one),
  so a client trickling a body does not hold it (unless the deadline is off, `--body-timeout 0`, or all of
  body.py's readers are busy: then the others go ahead after `patience`); a streamed answer (CSV) is sent
  after the turn;
- a request that has waited `patience` for its turn (behind a long one: a new world, a big testing-API
  batch) goes ahead without it, as every request did before;
- a request that sleeps (a fault's latency) gives its turn up while it sleeps (`set_aside`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the standard WSGI callable's type (typeshed's stubs; nothing at run time)
    from _typeshed.wsgi import WSGIApplication

PATIENCE = 0.05  # seconds a request waits for its turn before it goes ahead anyway


class Turns:
    """One process's turn to run the app (per app: each app of a test suite has its own)."""

    def __init__(self, patience: float = PATIENCE) -> None:
        self.patience = patience
        self._lock = threading.Lock()
        self._mine = threading.local()  # .held: whether this thread holds the turn now

    def holding(self) -> bool:
        """Whether the calling thread holds the turn."""
        return getattr(self._mine, "held", False)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Run the block in the process's turn, or without it after waiting `patience` for it."""
        if self.holding():  # an app called from inside a request: its turn is already this thread's
            yield
            return
        self._mine.held = self._lock.acquire(timeout=self.patience)
        try:
            yield
        finally:
            if self._mine.held:
                self._mine.held = False
                self._lock.release()

    @contextmanager
    def set_aside(self) -> Iterator[None]:
        """Let the others run while this request waits on nothing of theirs; take the turn back after (or go
        on without it after `patience`)."""
        if not self.holding():
            yield
            return
        self._mine.held = False
        self._lock.release()
        try:
            yield
        finally:
            self._mine.held = self._lock.acquire(timeout=self.patience)


def taking_turns(app: WSGIApplication, turns: Turns) -> WSGIApplication:
    """Wrap a WSGI app so that each call runs in the process's turn (its streamed body is sent after it)."""

    def turned(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        with turns.turn():
            return app(environ, start_response)

    return turned

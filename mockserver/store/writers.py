"""The queue of a world file's writers: a write transaction waits for its turn in the kernel, not in SQLite.

SQLite lets one connection write at a time. A BEGIN IMMEDIATE that finds the write lock taken retries from
its busy handler, sleeping 1, 2, 5, 10 ms... between tries, while a write holds the lock for well under a
millisecond: under a load of writes the waiting workers slept on after the lock was free, and a third of
the machine's two cores sat idle (benchmarks/bench_writes.py). So a write transaction first takes an
exclusive flock on a file beside the world, then BEGIN IMMEDIATE: the kernel wakes the next writer the
moment the previous one lets go. Each connection opens the file itself (its own open file description),
so two threads of one process queue as two processes do.

SQLite's lock stays the one that makes a write atomic: the queue only orders who asks for it next, and a
writer that does not queue (another tool on the file, a rendered body stored on the way) is still kept
out by SQLite. Where there is no flock (Windows), writers wait in SQLite's busy handler as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

QUEUE_SUFFIX = ".writers"  # <world>.writers: empty; only its lock matters


def queue_path(world_path: str | Path) -> Path:
    """The file a world's writers queue on."""
    return Path(f"{world_path}{QUEUE_SUFFIX}")


class WriterQueue:
    """One connection's place in its world file's queue of writers (the file is opened at the first write)."""

    def __init__(self, world_path: str | Path) -> None:
        self.path = queue_path(world_path)
        self._file: BinaryIO | None = None

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the world's writer turn for the block: no other queued writer, thread or process, holds it."""
        if fcntl is None:
            yield
            return
        if self._file is None:
            self._file = open(self.path, "ab", buffering=0)  # noqa: SIM115 - lives as long as the connection
        fcntl.flock(self._file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._file, fcntl.LOCK_UN)

    def close(self) -> None:
        """Let go of the file (a connection closing)."""
        if self._file is not None:
            self._file.close()
            self._file = None

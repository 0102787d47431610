"""The queue of a world file's writers: a write transaction waits for its turn in the kernel, not in SQLite.

SQLite lets one connection write at a time. A BEGIN IMMEDIATE that finds the write lock taken retries from
its busy handler, sleeping 1, 2, 5, 10 ms... between tries, while a write holds the lock for well under a
millisecond: under a load of writes the waiting workers slept on after the lock was free, and a third of
the machine's two cores sat idle (wrk's writes against `npq-mock serve`, as benchmarks/bench_prism.py sends
them, with the machine's idle time read from /proc/stat). So a write transaction first takes an
exclusive flock on a file beside the world, then BEGIN IMMEDIATE: the kernel wakes the next writer the
moment the previous one lets go. Each connection opens the file itself (its own open file description),
so two threads of one process queue as two processes do.

SQLite's lock stays the one that makes a write atomic: the queue only orders who asks for it next, and a
writer that does not queue (another tool on the file, a rendered body stored on the way) is still kept
out by SQLite. Where there is no flock (Windows), writers wait in SQLite's busy handler as before.

Checkpoints (copying the WAL's pages into the file, syncing both) are taken by a queued writer after it
has let go of its turn: SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold,
~150 ms at 10,000 pages, and the other writers would queue behind it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, ClassVar

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

QUEUE_SUFFIX = ".writers"  # <world>.writers: empty; only its lock matters

# Queued write transactions of one process between the checkpoints it takes after its turn (a write
# leaves ~10-15 WAL pages): well before SQLite's own threshold (db.CHECKPOINT_PAGES), which then only
# catches what is not a queued write (bodies stored by reads, a large testing-API batch).
CHECKPOINT_EVERY = 400


def queue_path(world_path: str | Path) -> Path:
    """The file a world's writers queue on."""
    return Path(f"{world_path}{QUEUE_SUFFIX}")


class WriterQueue:
    """One connection's place in its world file's queue of writers (the file is opened at the first write)."""

    # Queued commits per world file since this process's last checkpoint of it (one count for all the
    # process's connections to the file: each connection counting alone would checkpoint N times less).
    _commits: ClassVar[dict[Path, int]] = {}

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

    def checkpoint_when_due(self, conn: sqlite3.Connection) -> None:
        """After a queued commit, with the turn let go: every CHECKPOINT_EVERY of them, a passive checkpoint
        (it copies what no reader still needs and never blocks a writer)."""
        count = self._commits.get(self.path, 0) + 1
        self._commits[self.path] = 0 if count >= CHECKPOINT_EVERY else count
        if count >= CHECKPOINT_EVERY:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        """Let go of the file (a connection closing)."""
        if self._file is not None:
            self._file.close()
            self._file = None

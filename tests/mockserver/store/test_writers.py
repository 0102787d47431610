"""The writers' queue (store/writers.py): a world's write transactions take turns on a file lock, across
threads and processes, and let go of it however the transaction ends."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.seed import remove_database
from mockserver.store import writers
from mockserver.store.db import CHECKPOINT_PAGES, WorldConnection, connect, write_transaction
from mockserver.store.writers import queue_path


@pytest.fixture
def world(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "world.sqlite3"
    conn = connect(path)
    with write_transaction(conn):
        conn.execute("CREATE TABLE t (n INTEGER)")
    conn.close()
    yield path


def turn_is_free(world: Path) -> bool:
    """Whether another connection (any process) could take the world's writer turn right now."""
    with open(queue_path(world), "ab") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


def test_a_write_transaction_holds_the_turn_until_it_commits(world: Path) -> None:
    conn = connect(world)
    assert turn_is_free(world)
    with write_transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        assert not turn_is_free(world)
    assert turn_is_free(world)
    assert [tuple(row) for row in conn.execute("SELECT n FROM t")] == [(1,)]


def test_a_failed_write_transaction_rolls_back_and_lets_go(world: Path) -> None:
    conn = connect(world)
    with pytest.raises(ZeroDivisionError), write_transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        _ = 1 / 0
    assert turn_is_free(world)
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 0


def _waiting_on(path: Path) -> bool:
    """/proc/locks lists a blocked flock waiter (`->`) on this file."""
    inode = os.stat(path).st_ino
    return any("->" in line and line.split()[-3].endswith(f":{inode}")
               for line in Path("/proc/locks").read_text().splitlines())


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks to see a waiter")
def test_a_second_connection_of_the_same_process_waits_for_the_turn(world: Path) -> None:
    first, second = connect(world), connect(world)
    order: list[str] = []

    def write_second() -> None:
        with write_transaction(second):
            order.append("second in")
            second.execute("INSERT INTO t VALUES (2)")

    with write_transaction(first):
        first.execute("INSERT INTO t VALUES (1)")
        writer = threading.Thread(target=write_second)
        writer.start()
        deadline = time.monotonic() + 10
        while not _waiting_on(queue_path(world)):  # the second writer is blocked in the kernel's queue
            assert time.monotonic() < deadline, "the second writer never queued"
            time.sleep(0.001)
        order.append("first commits")
    writer.join(10)
    assert order == ["first commits", "second in"]
    assert [tuple(row) for row in first.execute("SELECT n FROM t ORDER BY rowid")] == [(1,), (2,)]


def test_a_queued_writer_checkpoints_every_so_often_once_it_has_let_go(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "CHECKPOINT_EVERY", 3)
    conn = connect(world)
    checkpoints: list[tuple[str, bool]] = []
    conn.set_trace_callback(
        lambda sql: checkpoints.append((sql, turn_is_free(world))) if "wal_checkpoint" in sql else None
    )
    for n in range(7):
        with write_transaction(conn):
            conn.execute("INSERT INTO t VALUES (?)", (n,))
    assert checkpoints == [("PRAGMA wal_checkpoint(PASSIVE)", True)] * 2  # after the 3rd and the 6th


def test_world_connections_checkpoint_less_often_than_sqlites_default(world: Path) -> None:
    conn = connect(world)
    assert isinstance(conn, WorldConnection)
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == CHECKPOINT_PAGES > 1000


def test_a_memory_connection_writes_without_a_queue() -> None:
    conn = connect(":memory:")
    assert conn.writers is None
    with write_transaction(conn):
        conn.execute("CREATE TABLE t (n INTEGER)")


def test_removing_a_world_removes_its_queue(world: Path) -> None:
    conn = connect(world)
    with write_transaction(conn):
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    assert queue_path(world).exists()
    remove_database(world)
    assert not queue_path(world).exists() and not world.exists()

"""Keyed pages walked from remembered marks: every page as OFFSET would give it, before and after writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.store import paging
from mockserver.store.db import connect
from mockserver.store.paging import KeySource, PageQuery, fetch_page, stream_all


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(paging, "MARK_EVERY", 3)  # many marks over a few rows
    path = tmp_path / "rows.sqlite3"
    conn = connect(path)
    conn.executescript(
        "CREATE TABLE t (owner TEXT, created_at TEXT, name TEXT);"
        "CREATE INDEX t_page ON t (owner, created_at);"
        "CREATE TABLE extra (owner TEXT, created_at TEXT, t_rowid INTEGER);"
    )
    # ties on created_at go by rowid; another owner's rows interleave
    rows = [(owner, f"2024-01-{day:02d}", f"{owner}{i}") for i in range(40) for owner, day in
            (("a", 1 + i // 3), ("b", 1 + i // 2))]
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", rows)
    conn.close()
    return path


SELECT = "SELECT t.*, t.rowid AS seq FROM t"


def _query(owner: str) -> PageQuery:
    return PageQuery(SELECT, "t", "t.owner = ?", "t.created_at, t.rowid", [owner])


def _expected(conn, owner: str, page: int, per_page: int, extra: bool = False) -> list[str]:
    scope = "t.owner = ?" + (" OR t.rowid IN (SELECT t_rowid FROM extra WHERE owner = ?)" if extra else "")
    params = (owner, owner) if extra else (owner,)
    sql = f"SELECT name FROM t WHERE {scope} ORDER BY created_at, rowid LIMIT ? OFFSET ?"
    return [r[0] for r in conn.execute(sql, (*params, per_page, (page - 1) * per_page))]


def _names(rows) -> list[str]:
    return [row["name"] for row in rows]


@pytest.mark.parametrize("per_page", [1, 4, 7, 100])
def test_every_page_is_the_offset_page(world: Path, per_page: int) -> None:
    conn = connect(world)
    for _ in range(2):  # the second pass reads from the marks the first one left
        for page in range(1, 42 // per_page + 3):
            shown = _names(fetch_page(conn, _query("a"), page, per_page))
            assert shown == _expected(conn, "a", page, per_page)


def test_marks_are_forgotten_when_another_connection_writes(world: Path) -> None:
    reader, writer = connect(world), connect(world)
    before = [_names(fetch_page(reader, _query("a"), page, 5)) for page in range(1, 10)]
    writer.execute("INSERT INTO t VALUES ('a', '2024-01-02', 'early')")
    after = [_names(fetch_page(reader, _query("a"), page, 5)) for page in range(1, 10)]
    assert after != before
    assert after == [_expected(reader, "a", page, 5) for page in range(1, 10)]


def test_marks_are_forgotten_when_this_connection_writes(world: Path) -> None:
    conn = connect(world)
    [fetch_page(conn, _query("b"), page, 5) for page in range(1, 10)]
    conn.execute("DELETE FROM t WHERE name IN ('b1', 'b2')")
    assert [_names(fetch_page(conn, _query("b"), p, 5)) for p in range(1, 10)] == [
        _expected(conn, "b", p, 5) for p in range(1, 10)
    ]


def test_a_second_key_source_is_merged_in_order(world: Path) -> None:
    conn = connect(world)
    conn.execute("INSERT INTO extra SELECT 'a', created_at, rowid FROM t WHERE name IN ('b5', 'b30', 'b39')")
    merged = PageQuery(
        SELECT, "t", "t.owner = ?", "t.created_at, t.rowid", ["a"],
        by_rowid=f"{SELECT} WHERE t.rowid IN",
        more_keys=(KeySource("extra e", "e.owner = ?", "e.created_at, e.t_rowid", ["a"]),),
    )
    for per_page in (1, 6, 50):
        for page in range(1, 45 // per_page + 2):
            shown = _names(fetch_page(conn, merged, page, per_page))
            assert shown == _expected(conn, "a", page, per_page, extra=True)


def test_stream_all_reads_every_row_in_order_in_batches(world: Path) -> None:
    conn = connect(world)
    batches = list(stream_all(conn, _query("b"), batch=7))
    assert [len(b) for b in batches] == [7] * 5 + [5]
    assert [r["name"] for b in batches for r in b] == _expected(conn, "b", 1, 100)


def test_a_stream_reads_one_snapshot_whatever_is_written_meanwhile(world: Path) -> None:
    conn = connect(world)
    stream = stream_all(conn, _query("a"), batch=5)
    first = next(stream)
    conn.execute("DELETE FROM t WHERE owner = 'a'")
    assert len(first) + sum(len(b) for b in stream) == 40

"""Short seeded campaigns against the production server (benchmarks/campaigns.py runs the long ones):
races with 8 simultaneous writers, SIGKILL mid-burst and restart, held connections, and the limits only
the real server decides (header sizes)."""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from mockserver.config import Settings
from tests.mockserver.serving import REPO


def _campaigns() -> ModuleType:
    spec = importlib.util.spec_from_file_location("npq_campaigns", REPO / "benchmarks" / "campaigns.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


campaigns = _campaigns()


def test_eight_simultaneous_writes_have_exactly_one_winner() -> None:
    figures = campaigns.races(trials=2, seed=5, workers=3)
    for name in campaigns.RACES:
        assert figures[name]["one_winner"] == 2, (name, figures[name])
        assert figures[name]["5xx_or_dropped"] == 0, (name, figures[name])


def test_a_killed_server_loses_no_acknowledged_write() -> None:
    figures = campaigns.crashes(trials=1, seed=7, writers=3, workers=2)
    assert figures["integrity_errors"] == 0 and figures["lost_writes"] == 0, figures
    assert figures["acknowledged_writes"] > 0, figures


def test_idle_and_half_sent_connections_do_not_stop_other_clients() -> None:
    figures = campaigns.connections(idle=100, stalled=40, slow_bodies=2, probes=10)
    assert figures["while_held_ms"]["failures"] == 0, figures


def test_slowly_sent_bodies_are_answered_408_while_other_clients_are_answered() -> None:
    # More trickling clients than the worker has threads (4), all cut off at once: the case that wedged
    # a worker under granian 2.8.6+ (mockserver/resilience/body.py).
    figures = campaigns.cutoffs(stalled=0, slow_bodies=6, timeout=1, workers=1, probes=5)
    assert figures["slow_body_answers"] == ["HTTP/1.1 408 Request Timeout"] * 6, figures
    assert figures["slow_body_envelopes"] == ['{"error":"Request timeout"}'], figures
    assert figures["others_while_held_ms"]["failures"] == 0, figures
    assert figures["others_after_ms"]["failures"] == 0, figures


def test_the_body_deadline_is_on_by_default() -> None:
    assert Settings().body_timeout > 0
    assert Settings.from_env({}).body_timeout == Settings().body_timeout


@pytest.fixture(scope="module")
def one_worker_server() -> Iterator[Any]:
    """One served mock (one worker) for the oversized-request tests: none of them stops it, and each checks
    that it still answers afterwards, so they share it rather than start a server each (~1 CPU-s)."""
    with campaigns.served(workers=1) as server:
        yield server


@pytest.mark.parametrize("target, header", [
    ("/api/v1/npq-applications", "X-Big: " + "a" * 1_000_000),
    ("/api/v2/npq-applications", "X-Many: a\r\n" * 20_000),
    ("/api/v3/npq-applications?filter[cohort]=" + "2024," * 200_000, "X-Small: a"),
    ("/api/v1/npq-applications?" + "page[page]=1&" * 30_000, "X-Small: a"),
])
def test_enormous_headers_and_queries_are_refused_not_crashed(target: str, header: str,
                                                             one_worker_server: Any) -> None:
    server = one_worker_server
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        try:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n{header}\r\n\r\n".encode())
            answer = sock.recv(4096)
        except OSError:
            answer = b""  # the server closed the connection on us: refused, which is fine
    assert not answer.startswith(b"HTTP/1.1 5"), answer[:200]
    assert campaigns.call(server.port, "GET", "/__mock__/clock")[0] == 200  # and it still answers


@pytest.mark.parametrize("target, header, status, message", [
    ("/api/v1/npq-applications", "X-Big: " + "a" * 1_000_000, 431, "Request header fields too large"),
    ("/api/v3/npq-applications?filter[cohort]=" + "2024," * 8_000, "X-Small: a", 414, "Request-URI too long"),
])
def test_enormous_headers_and_queries_get_the_api_envelope(
    target: str, header: str, status: int, message: str, one_worker_server: Any
) -> None:
    with socket.create_connection(("127.0.0.1", one_worker_server.port), timeout=10) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ambition-token\r\n"
                     f"{header}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head
    assert b"content-type: application/json" in head.lower(), head
    assert body == b'{"error":"%s"}' % message.encode(), body

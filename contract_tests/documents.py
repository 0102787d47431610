"""The OpenAPI documents under test, read once per process while their file stays as it is.

Each run of the suite reads its document twice (its operations for the per-operation checks, and the
Schemathesis schema), and the self-tests run the suite ~90 times in one process: parsing is most of
what a run does before its first request. A file changed on disk (other size or mtime) is read again.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from schemathesis.openapi.loaders import detect_content_type, load_content

_PARSED: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def parsed_document(path: Path) -> dict[str, Any]:
    """A private copy of the document at `path`, parsed as `schemathesis.openapi.from_path` parses it
    (the same YAML rules; a syntax error raises Schemathesis' LoaderError, and is never remembered)."""
    path = path.resolve()
    stat = path.stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    known = _PARSED.get(path)
    if known is None or known[0] != stamp:
        kind = detect_content_type(headers=None, path=str(path))
        known = _PARSED[path] = (stamp, load_content(path.read_text(encoding="utf-8"), kind))
    return copy.deepcopy(known[1])  # Schemathesis may write into the document it is given

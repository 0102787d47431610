"""HTTP envelopes and parameters: {"data": ...} (R-21), page (R-33), filter (R-36..R-39), CSV (R-30/31)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
from werkzeug.datastructures import MultiDict

from mockserver.domain.models import MISSING
from mockserver.domain.timeparse import parse_filter_time, ruby_to_i
from mockserver.domain.uuids import is_uuid
from mockserver.errors import ApiError

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000
JSON_TYPE = "application/json"
SERVER_DATE_HEADER = "X-With-Server-Date"  # "now" for one request
CSV_TYPE = "text/csv"


class NotScalar:
    """A nested or array query value where a plain string was expected (e.g. filter[participant_id][x]=)."""


NOT_SCALAR = NotScalar()


def nested_param(args: MultiDict, group: str, name: str) -> str | NotScalar | None:
    """The value of `group[name]` as Rails parses nested query keys; the last one wins."""
    key = f"{group}[{name}]"
    if any(k.startswith(key + "[") for k in args):
        return NOT_SCALAR
    values = args.getlist(key)
    return values[-1] if values else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def page_params(args: MultiDict) -> tuple[int, int]:
    """R-33: (page, per_page) with leading-integer conversion, default 100, cap 3000; 400 below 1."""
    raw_page, raw_per_page = nested_param(args, "page", "page"), nested_param(args, "page", "per_page")
    if isinstance(raw_page, NotScalar) or isinstance(raw_per_page, NotScalar):
        raise ApiError.of("page.invalid")
    page = 1 if raw_page is None else ruby_to_i(raw_page)
    per_page = DEFAULT_PER_PAGE if raw_per_page is None else ruby_to_i(raw_per_page)
    if page < 1 or per_page < 1:
        raise ApiError.of("page.invalid")
    return page, min(per_page, MAX_PER_PAGE)


def time_filter(args: MultiDict, name: str) -> str | None:
    """R-37: filter[updated_since] / filter[created_since] as a comparable stamp, None when blank."""
    raw = nested_param(args, "filter", name)
    if raw is None or (isinstance(raw, str) and _blank(raw)):
        return None
    code = "filter.updated_since_invalid" if name == "updated_since" else "filter.created_since_invalid"
    if isinstance(raw, NotScalar):
        raise ApiError.of(code)
    try:
        return parse_filter_time(raw)
    except (ValueError, OverflowError):
        raise ApiError.of(code) from None


def cohort_filter(args: MultiDict, *, arrays: bool = False) -> list[int] | None:
    """R-36: comma-separated start years; blank means no filter, unknown years match nothing.

    arrays: `filter[cohort][]=2024` counts as the list of its values (V-38 reads the raw parameter)."""
    raw = nested_param(args, "filter", "cohort")
    if arrays and isinstance(raw, NotScalar):
        raw = ",".join(args.getlist("filter[cohort][]"))
    if raw is None or isinstance(raw, NotScalar) or _blank(raw):
        return None
    # A year beyond SQLite's 64-bit integers matches nothing, as any unknown year does (never a 500).
    return [max(-(2**63), min(ruby_to_i(part), 2**63 - 1)) for part in raw.split(",") if part.strip()]


def participant_filter(args: MultiDict) -> list[str] | None:
    """R-39: comma-separated UUIDs, 400 for anything else; blank means no filter."""
    raw = nested_param(args, "filter", "participant_id")
    if raw is None or (isinstance(raw, str) and _blank(raw)):
        return None
    parts = ruby_split(raw) if isinstance(raw, str) else []
    if isinstance(raw, NotScalar) or not all(is_uuid(part) for part in parts):
        raise ApiError.of("filter.participant_id_invalid")
    return [part.lower() for part in parts]


def ruby_split(value: str, separator: str = ",") -> list[str]:
    """Ruby's String#split: trailing empty fields are dropped."""
    parts = value.split(separator)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def dump(payload: Any) -> bytes:
    """Compact JSON as the real service writes it."""
    return orjson.dumps(payload)


def envelope(data: Any) -> bytes:
    """R-21: {"data": ...} and nothing else."""
    return orjson.dumps({"data": data})


def record_envelope(item: bytes) -> bytes:
    """R-21: {"data": ...} of a record already rendered as JSON: the bytes `envelope` makes of it."""
    return b'{"data":' + item + b"}"


def list_envelope(items: list[bytes]) -> bytes:
    """R-21: {"data": [...]} of records already rendered as JSON: the bytes `envelope` makes of them."""
    return b'{"data":[' + b",".join(items) + b"]}"


def _cells(values: Sequence[Any]) -> list[Any]:
    """A record's CSV cells: true/false for booleans; None is written empty by the csv module itself."""
    return [("true" if v else "false") if v is True or v is False else v for v in values]


class _Lines(list):
    """What a csv.writer writes into: it writes each row as one string, kept here as one item."""

    write = list.append


def csv_lines(row: Callable[[Any], Sequence[Any]]) -> Callable[[Sequence[Any]], list[bytes]]:
    """A function of a batch of records giving each record's CSV line (`row` gives its cells): true/false
    booleans, empty nulls, minimal quoting, "\n" ends."""

    def render(records: Sequence[Any]) -> list[bytes]:
        lines = _Lines()
        csv.writer(lines, lineterminator="\n").writerows(_cells(row(record)) for record in records)
        return [line.encode("utf-8") for line in lines]

    return render


def csv_body(
    header: Sequence[str], batches: Iterable[Sequence[bytes]], *, header_when_empty: bool = True
) -> Iterator[bytes]:
    """A CSV body of records' lines, one chunk per batch, the header first; no records and not
    header_when_empty: an empty body."""
    first = csv_lines(tuple)([header])[0]  # the header is a row of its names
    for batch in batches:
        yield first + b"".join(batch)
        first = b""
    if first and header_when_empty:
        yield first


def data_attributes(body: object, *, optional: bool) -> Mapping[str, Any] | None:
    """`data.attributes`; None when optional and `data` is absent; 400 when malformed or empty."""
    if optional and (not isinstance(body, Mapping) or "data" not in body):
        return None
    data = body.get("data") if isinstance(body, Mapping) else None
    attributes = data.get("attributes") if isinstance(data, Mapping) else None
    if not isinstance(attributes, Mapping) or not attributes:
        raise ApiError.of("request.bad_json_structure")
    return attributes


def attribute(attributes: Mapping[str, Any] | None, name: str) -> object:
    """One attribute value, MISSING when absent."""
    return MISSING if attributes is None or name not in attributes else attributes[name]

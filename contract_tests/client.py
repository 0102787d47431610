"""A small typed HTTP client whose every reply can be shown to a person as a curl command."""

from __future__ import annotations

import json
import os
import shlex
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as urllib3_errors

# Seconds one request may take (connect, then between bytes); NPQ_TIMEOUT changes it.
TIMEOUT = float(os.environ.get("NPQ_TIMEOUT") or 60)
# A response bigger than this is a finding, not something to hold in memory (3000 records are ~5 MB).
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# After this many requests in a run that got no answer (timeouts, refused or dropped connections), every
# further request fails at once: a hung or vanished server ends the run in seconds, not hours.
MAX_DEAD_REQUESTS = 3


@dataclass
class RateLimit:
    """R-17: the real service allows 1000 requests per 5 minutes per token, then answers 429 `Retry later`.

    A 429 is never a contract finding: the request is sent again after a pause (Retry-After if the server
    gives one, else `first_pause` doubling up to a minute), for at most `max_wait` seconds in all, which
    covers a whole 5-minute window. Only if the server still refuses is the check skipped (never failed).
    """

    first_pause: float = 5.0
    max_wait: float = 330.0
    pauses: int = 0
    waited: float = 0.0
    requests: int = 0
    dead: int = 0  # requests without an answer (see MAX_DEAD_REQUESTS)
    last_dead: str = ""


def _retry_after(resp: requests.Response) -> float | None:
    try:
        return max(0.0, float(resp.headers.get("Retry-After", "")))
    except ValueError:
        return None


class RateLimitedAdapter(HTTPAdapter):
    """Sends a request again when the server answers 429, so no check ever judges a rate-limit answer."""

    def __init__(self, rate_limit: RateLimit) -> None:
        super().__init__()
        self.rate_limit = rate_limit

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        # Schemathesis sends without a timeout: a server that hangs must fail its check, not stall the run.
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = TIMEOUT
        limit = self.rate_limit
        waited, pause = 0.0, limit.first_pause
        while True:
            limit.requests += 1
            resp = self._send_bounded(request, kwargs)
            if resp.status_code != 429:
                return resp
            if waited >= limit.max_wait:
                resp.close()
                pytest.skip(
                    f"R-17 rate limit: the server still answered 429 after {waited:.0f}s of pauses "
                    f"({request.method} {request.url}); not a contract finding, run again later"
                )
            wait = min(_retry_after(resp) or pause, 60.0, limit.max_wait - waited)
            resp.close()
            time.sleep(wait)
            waited += wait
            limit.pauses += 1
            limit.waited += wait
            pause = min(pause * 2, 60.0)


    def _send_bounded(self, request: requests.PreparedRequest, kwargs: dict[str, Any]) -> requests.Response:
        """One exchange that cannot hang the run: a timeout on every read, a cap on the body's size, and
        after MAX_DEAD_REQUESTS unanswered requests no more waiting at all."""
        limit = self.rate_limit
        what = f"{request.method} {request.url}"
        if limit.dead >= MAX_DEAD_REQUESTS:
            raise ServerGone(f"the server stopped answering ({limit.dead} requests without an answer, "
                             f"the last: {limit.last_dead}); not sent: {what}")
        try:
            resp = super().send(request, **{**kwargs, "stream": True})
            body = bytearray()
            for chunk in resp.raw.stream(64 * 1024, decode_content=True):
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    resp.close()
                    raise OversizedResponse(f"{what} answered more than {MAX_RESPONSE_BYTES // 2**20} MB")
        except (requests.Timeout, requests.ConnectionError, urllib3_errors) as error:
            limit.dead += 1
            limit.last_dead = f"{what}: {_describe(error)}"
            raise NoAnswer(f"{what}: {_describe(error)}") from None
        resp._content = bytes(body)  # noqa: SLF001 - requests' own cache of the body
        resp._content_consumed = True  # noqa: SLF001
        return resp


def _describe(error: BaseException) -> str:
    if isinstance(error, requests.Timeout) or "timed out" in str(error).lower():
        return f"no answer within {TIMEOUT:.0f}s (timeout; NPQ_TIMEOUT sets it)"
    return f"the connection failed or was cut: {type(error).__name__}: {str(error)[:200]}"


class TransportFailure(AssertionError):
    """No usable answer at all: a finding about the server, reported as what happened."""


class NoAnswer(TransportFailure):
    """A timeout, a refused connection or one closed before a full answer."""


class ServerGone(TransportFailure):
    """Earlier requests got no answer: this one was not sent."""


class OversizedResponse(TransportFailure):
    """A response body beyond MAX_RESPONSE_BYTES."""


def rate_limited_session(rate_limit: RateLimit) -> requests.Session:
    """A session whose every request survives R-17 rate limiting (used by the client and Schemathesis)."""
    session = requests.Session()
    adapter = RateLimitedAdapter(rate_limit)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class Reply:
    """One exchange: the request as curl plus the parsed answer."""

    method: str
    url: str
    status: int
    headers: dict[str, str]
    text: str
    curl: str
    _json: Any = field(default=None, repr=False)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    def json(self) -> Any:
        if self._json is None:
            try:
                self._json = json.loads(self.text)
            except ValueError as exc:
                raise ContractFailure(
                    "R-20 JSON responses", "a JSON body", f"unparseable body {self.text[:200]!r}", self.curl
                ) from exc
        return self._json

    @property
    def data(self) -> Any:
        body = self.json()
        if not isinstance(body, dict) or "data" not in body:
            raise ContractFailure("R-21 JSON:API envelope", '{"data": ...}', _short(self.text), self.curl)
        return body["data"]

    def short(self) -> str:
        return f"{self.status} {self.media_type or '-'} {_short(self.text)}"


class ContractFailure(AssertionError):
    """A broken rule, with what a person needs to reproduce it."""

    def __init__(self, rule: str, expected: str, got: str, curl: str = "") -> None:
        self.rule, self.expected, self.got, self.curl = rule, expected, got, curl
        super().__init__(
            f"[{rule}] expected {expected}; got {got}" + (f"\n  request: {curl}" if curl else "")
        )


def _short(text: str, limit: int = 200) -> str:
    text = text.strip().replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "..."


V1_PREFIX = "/api/v1"


class Client:
    """Talks to one base URL with one bearer token (or none).

    Checks name v1 paths (`/api/v1/...`); the client sends them under the run's API prefix (`--api-version`).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        token_label: str = "$NPQ_TOKEN",
        *,
        rate_limit: RateLimit | None = None,
        api_prefix: str = V1_PREFIX,
        list_budget: float = 120.0,
        extra_headers: dict[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.extra_headers = dict(extra_headers or {})  # sent with every request (the run's world)
        self.token = token
        self.token_label = token_label
        self.rate_limit = rate_limit if rate_limit is not None else RateLimit()
        self.api_prefix = api_prefix
        self.list_budget = list_budget
        self.session = rate_limited_session(self.rate_limit)
        # The proxy settings of the environment (HTTP(S)_PROXY, NO_PROXY) for this server, read once: requests
        # would otherwise scan the whole environment again for every request the run sends.
        self.proxies = requests.utils.get_environ_proxies(self.base_url) if self.session.trust_env else {}

    def with_token(self, token: str | None, label: str) -> Client:
        return Client(
            self.base_url,
            token,
            label,
            rate_limit=self.rate_limit,
            api_prefix=self.api_prefix,
            list_budget=self.list_budget,
            extra_headers=self.extra_headers,
        )

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        if self.api_prefix != V1_PREFIX and (path == V1_PREFIX or path.startswith(V1_PREFIX + "/")):
            path = self.api_prefix + path[len(V1_PREFIX) :]
        return self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw_auth: str | None = None,
    ) -> Reply:
        """Send one request. `raw_auth` replaces the Authorization header verbatim ('' drops it)."""
        hdrs = {"Accept": "*/*", **self.extra_headers}
        auth_shown = None
        if raw_auth is not None:
            if raw_auth:
                hdrs["Authorization"] = raw_auth
                auth_shown = raw_auth.replace(self.token, self.token_label) if self.token else raw_auth
        elif self.token is not None:
            hdrs["Authorization"] = f"Bearer {self.token}"
            auth_shown = f"Bearer {self.token_label}"
        data = None
        if body is not None:
            data = json.dumps(body)
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        prepared = requests.Request(method, self.url(path), params=params, data=data, headers=hdrs).prepare()
        curl = _curl(prepared.method or method, prepared.url or path, hdrs, data, auth_shown)
        try:
            # A redirect is an answer to judge (the API never redirects), not a place to go.
            resp = self.session.send(prepared, timeout=TIMEOUT, allow_redirects=False, proxies=self.proxies)
        except TransportFailure as error:
            raise ContractFailure("transport: an HTTP answer to every request", "a complete HTTP answer",
                                  str(error), curl) from None
        headers_lc = {k.lower(): v for k, v in resp.headers.items()}
        return Reply(method, prepared.url or path, resp.status_code, headers_lc, resp.text, curl)

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("POST", path, body=body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("PUT", path, body=body, **kw)


def _curl(method: str, url: str, headers: dict[str, str], data: str | None, auth_shown: str | None) -> str:
    # The token is never printed: the reader substitutes their own from the environment.
    parts = ["curl", "-sS", "-X", method, shlex.quote(url)]
    for name, value in headers.items():
        if name == "Accept":
            continue
        shown = auth_shown if name == "Authorization" else value
        quote = '"' if name == "Authorization" and auth_shown and "$" in auth_shown else "'"
        if quote == '"':
            shown = (shown or "").replace('"', '\\"')
        parts += ["-H", f"{quote}{name}: {shown}{quote}"]
    if data is not None:
        parts += ["--data", shlex.quote(data)]
    return " ".join(parts)

"""Before any check: is the server there at all? An unreachable URL is a usage problem, not 100 findings."""

from __future__ import annotations

import requests

PROBE_PATH = "/api/v1/npq-applications"


def unreachable(base_url: str, token: str, timeout: float = 15.0) -> str | None:
    """Why base_url cannot be reached (connection refused, DNS, timeout, bad URL), or None when it answers.

    Any HTTP answer, even a 401 or a 500, counts as reachable: judging it is the checks' work.
    """
    try:
        requests.get(
            base_url + PROBE_PATH,
            params={"page[per_page]": "1"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        ).close()
    except requests.RequestException as exc:
        return (
            f"npq-contract: cannot reach {base_url} ({type(exc).__name__}: {exc}). "
            "Is the server running, and is --base-url its root (without /api/v1)?"
        )
    return None

"""Before any check: is the server there at all? An unreachable URL is a usage problem, not 100 findings."""

from __future__ import annotations

import requests

PROBE_PATH = "/npq-applications"  # under the API prefix


TOKEN_REFUSED = (
    "note: the server answered 401 to GET {path} with the given token. If the token is right, the server "
    "breaks R-10/R-12 and the failures below stand; if not, check --token (or NPQ_TOKEN) and run again."
)


def probe(
    base_url: str, token: str, api_prefix: str = "/api/v1", timeout: float = 15.0
) -> tuple[str | None, str | None]:
    """(why base_url cannot be reached, a note for the summary); both None when it answers normally.

    Any HTTP answer, even a 401 or a 500, counts as reachable: judging it is the checks' work. A 401 to
    the token only earns a note, since a wrong token and a server refusing a right one look the same.
    """
    path = api_prefix + PROBE_PATH
    try:
        response = requests.get(
            base_url + path,
            params={"page[per_page]": "1"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )
        response.close()
    except requests.RequestException as exc:
        return (
            f"npq-contract: cannot reach {base_url} ({type(exc).__name__}: {exc}). "
            f"Is the server running, and is --base-url its root (without {api_prefix})?"
        ), None
    return None, TOKEN_REFUSED.format(path=path) if response.status_code == 401 else None

"""The mock-only testing API under /__mock__/: set up records and move the state only DfE moves.

`blueprint` carries every route: importing the route modules registers them on it.
"""

from mockserver.testing_api import billing, cohorts, core, people, worlds
from mockserver.testing_api.common import blueprint

__all__ = ["billing", "blueprint", "cohorts", "core", "people", "worlds"]

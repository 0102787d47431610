# Developer entry points. Each target sets up .venv on first use, so on a fresh machine
# `make mock` and `make test` are the only two commands needed.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: install mock test lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

mock: $(STAMP)
	$(VENV)/bin/npq-mock serve

test: $(STAMP)
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	@# vulture reads [tool.vulture]; only unused functions, classes, methods and imports fail the build
	@# (unused variables, attributes and properties are mostly dataclass fields: noise).
	@! $(VENV)/bin/vulture | grep -E "unused (function|class|method|import)"

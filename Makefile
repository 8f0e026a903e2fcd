# backprop-viz: everything runs from a local .venv that `make` creates and keeps in step
# with pyproject.toml. Needs only python3 (>= 3.11), node, git and apt (Debian/Ubuntu).

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000

VENV := .venv
BIN := $(VENV)/bin
# Stamps make installs idempotent: pip runs again only when pyproject.toml changes.
STAMP_RUN := $(VENV)/.stamp-run
STAMP_DEV := $(VENV)/.stamp-dev
JS_TESTS := static/js/tests
CHROMIUM := /usr/bin/chromium
APT_GET ?= apt-get

# Shell snippet: apt-get install $(1) (sudo unless root), running `apt-get update` first
# when the install fails, e.g. on a fresh machine with no package lists yet.
apt_install = sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	apt="$$sudo env DEBIAN_FRONTEND=noninteractive $(APT_GET)"; \
	echo "installing $(1) with apt-get"; \
	$$apt install -y --no-install-recommends $(1) \
		|| { $$apt update && $$apt install -y --no-install-recommends $(1); }

.DEFAULT_GOAL := help
.PHONY: help install install-dev run test lint fmt bench chromium clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "error: $(PYTHON) is older than 3.11; run make PYTHON=python3.11" >&2; exit 1; }
	@# Debian and Ubuntu ship venv (ensurepip) as a separate package: install it if missing.
	@$(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		pyver=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
		$(call apt_install,python$$pyver-venv) && $(PYTHON) -m venv $(VENV); \
	}

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The dev install is a superset of the run install, so it refreshes both stamps.
$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)  ## create .venv and install the app (editable)

install-dev: $(STAMP_DEV)  ## create .venv and install the app with test tools

run: $(STAMP_RUN)  ## serve the app at http://127.0.0.1:8000 (override HOST=, PORT=)
	$(BIN)/backprop-viz serve --host $(HOST) --port $(PORT)

# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
chromium:  ## install Debian's chromium if /usr/bin/chromium is missing
	@if [ ! -x $(CHROMIUM) ]; then $(call apt_install,chromium); fi

lint: $(STAMP_DEV)  ## ruff check, ruff format --check, mypy (strict, all of app/)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint chromium  ## lint, front-end unit tests (node --test), then the whole pytest suite
	@if [ -d $(JS_TESTS) ] && [ -n "$$(ls -A $(JS_TESTS))" ]; then \
		echo "node --test $(JS_TESTS)/"; node --test $(JS_TESTS)/; \
	else \
		echo "no front-end tests in $(JS_TESTS)/ yet"; \
	fi
	$(BIN)/pytest

fmt: $(STAMP_DEV)  ## format and autofix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP_DEV) chromium  ## run the benchmarks: bench/run.py, else every bench/bench_*.py in order
	@set -e; \
	if [ -f bench/run.py ]; then \
		$(BIN)/python bench/run.py; \
	else \
		found=; \
		for f in bench/bench_*.py; do \
			[ -f "$$f" ] || continue; found=1; \
			echo "== $$f"; $(BIN)/python "$$f"; \
		done; \
		[ -n "$$found" ] || { echo "error: no bench/run.py or bench/bench_*.py" >&2; exit 1; }; \
	fi

clean:  ## remove caches and build output (keeps .venv)
	rm -rf build dist test-artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -type d -name '*.egg-info' -prune -exec rm -rf {} +

distclean: clean  ## clean, and remove .venv too
	rm -rf $(VENV)

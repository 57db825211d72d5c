# The two commands a newcomer needs: `make run` and `make test`. Each creates the virtualenv
# (.venv, Python 3.11) and installs what it needs first.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

CHROMIUM ?= $(or $(MOJODEX_TEST_CHROMIUM),/usr/bin/chromium)
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
BROWSER_PACKAGES := chromium fonts-noto-color-emoji

.PHONY: run test test-external lint typecheck install clean-var browser runtime-check

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Run the platform (embedded Postgres+pgvector and Redis under ./var unless DATABASE_URL/REDIS_URL are set)
run: $(STAMP)
	$(PY) manage.py dev

## Run the whole test suite against real servers (embedded ones unless DATABASE_URL/REDIS_URL are set)
test: $(STAMP) browser
	$(PY) -m pytest $(PYTEST_ARGS)

## Chromium and an emoji font for the browser tests (tests/web): apt-get installs them when run as
## root on Debian/Ubuntu; otherwise stop at once with the command to run.
browser:
	@if [ -x "$(CHROMIUM)" ] && [ -e "$(EMOJI_FONT)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing $(BROWSER_PACKAGES) for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q $(BROWSER_PACKAGES); \
	  [ -x "$(CHROMIUM)" ] || { echo "Chromium is still not at $(CHROMIUM)"; exit 1; }; \
	else \
	  echo "The browser tests need Chromium at $(CHROMIUM) and an emoji font. Run:"; \
	  echo "    sudo apt-get install -y $(BROWSER_PACKAGES)"; \
	  echo "(elsewhere: install Chromium and set MOJODEX_TEST_CHROMIUM=/path/to/chromium)"; \
	  exit 1; \
	fi

## The runtime install alone: a fresh virtualenv from requirements.txt, check --deploy, migrate,
## every module imported, daphne + a worker answering /health (see .ci/runtime_check.sh)
runtime-check:
	PYTHON=$(PYTHON) bash .ci/runtime_check.sh

## Run the integration tests against external servers: a separate pgserver, system Redis, RabbitMQ
## (the browser tests exercise the UI, not the servers: they run once, in `make test`)
test-external: $(STAMP)
	$(PY) .ci/external_servers.py -- $(PY) -m pytest -m "(integration or external) and not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

clean-var:
	rm -rf var/

# The two commands a newcomer needs: `make run` and `make test`. Each creates the virtualenv
# (.venv, Python 3.11) and installs what it needs first.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-external lint typecheck install clean-var

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
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

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

# Hearth: `make run` serves the site, `make test` runs the suite. Only Python 3.11+ and make needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STREAM_PORT ?= 8001
WORKERS ?= 2
THREADS ?= 4
# granian's --backpressure caps the connections a worker accepts, idle keep-alive ones included,
# not the requests in flight (THREADS bounds those): too low, and a visitor connecting while that
# many browsers keep a connection open waits until one closes (bench/tests/test_serving.py).
BACKPRESSURE ?= 256

.PHONY: run demo serve serve-embedded stream install test test-fast lint format worker bench clean

$(BIN)/hearth: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/hearth

## Set up everything (venv, dependencies, database, a demo admin) and serve on http://$(HOST):$(PORT)
run: install
	$(BIN)/hearth migrate --noinput
	$(BIN)/hearth collectstatic --noinput --verbosity 0
	$(BIN)/hearth demo_admin
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: also run 'make stream' for the streaming API"; \
		$(MAKE) --no-print-directory serve; \
	else $(MAKE) --no-print-directory serve-embedded; fi

## Add 200 invented members who follow, post, reply, like and repost (the demo admin joins in)
demo: install
	$(BIN)/hearth migrate --noinput
	$(BIN)/hearth demo_admin
	$(BIN)/hearth seed --users 200

## Serve with the production setup: granian WSGI, bounded threads, backpressure (ARCHITECTURE.md)
serve:
	@echo "Hearth is on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/granian --interface wsgi config.wsgi:application --host $(HOST) --port $(PORT) \
		--workers $(WORKERS) --blocking-threads $(THREADS) --backpressure $(BACKPRESSURE) \
		--log-level warning

## The whole site from ONE ASGI process: the embedded default, whose in-memory channel layer
## only reaches streams in its own process (docs/subsystems/realtime.md)
serve-embedded:
	@echo "Hearth is on http://$(HOST):$(PORT)/ with streaming (Ctrl-C stops it)"
	$(BIN)/granian --interface asginl config.asgi:application --host $(HOST) --port $(PORT) \
		--workers 1 --log-level warning

## The streaming API (WebSocket, server-sent events) beside `make serve`; needs REDIS_URL so
## events cross processes. Advertise it with HEARTH_STREAMING_URL=ws(s)://host:$(STREAM_PORT)
stream:
	$(BIN)/granian --interface asginl config.asgi:application --host $(HOST) --port $(STREAM_PORT) \
		--workers $(WORKERS) --log-level warning

## A Celery worker, for when CELERY_BROKER_URL is set
worker: install
	$(BIN)/celery -A config worker --queues celery,fanout,media --loglevel INFO

## The whole suite (browser tests run when a Chromium is found)
test: install
	$(BIN)/pytest -n auto

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/hearth makemigrations --check --dry-run

## The reduced benchmark (small profile, 10 s per scenario, 64 connections) on PostgreSQL + Redis
bench: install
	$(BIN)/python -m bench.run --profile small --seconds 10 --connections 64

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles

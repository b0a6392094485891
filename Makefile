# Hromada: every command a developer or operator needs. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
# `make run` is the demo: DEBUG on, SQLite in var/, demo city loaded. Override on the command line.
RUN_ENV := DEBUG=$${DEBUG:-1} PORT=$(PORT)

.PHONY: help install install-dev fonts run serve worker test test-fast browser-deps lint format bench messages lock totp clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hromada needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.runtime $@

install: $(VENV)/.runtime fonts ## Create .venv and install the pinned runtime dependencies

install-dev: $(VENV)/.dev fonts ## Install the pinned test and tooling dependencies too

fonts: ## DejaVu fonts for the PDF tickets (Debian's fonts-dejavu-core, needs root)
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else echo "DejaVu fonts missing and not root: PDF tickets will fail (apt-get install fonts-dejavu-core)"; fi; \
	fi

run: install ## Set everything up and serve the demo at http://127.0.0.1:$(PORT) (Ctrl-C stops)
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py createcachetable
	$(RUN_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	$(RUN_ENV) $(PY) manage.py demo_data
	$(RUN_ENV) $(PY) manage.py serve

serve: install ## Production: serve with gunicorn plus TASK_WORKERS task workers (no demo data)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py serve

worker: install ## Production: run one more task worker (any machine, same DATABASE_URL)
	$(PY) manage.py worker

browser-deps: ## Chromium (Debian's, needs root) and axe-core (npm, pinned) for the browser tests
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; \
	else echo "npm missing: the accessibility audit will be skipped (apt-get install npm)"; fi
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium missing and not root: browser tests will be skipped (apt-get install chromium)"; fi; \
	fi

test: install-dev browser-deps ## Run the whole suite (DATABASE_URL=postgres://... for PostgreSQL)
	$(BIN)/pytest -n $${TEST_PROCESSES:-auto} --dist loadgroup

test-fast: install-dev ## The suite without the browser tests
	$(BIN)/pytest -n $${TEST_PROCESSES:-auto} --dist loadgroup -m "not browser"

lint: install-dev ## ruff: lint and formatting check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev ## Benchmarks; figures go to bench/README.md
	$(PY) bench/run.py

messages: install ## Extract translatable strings into locale/ and compile them (needs gettext)
	$(PY) manage.py makemessages --locale uk --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

lock: | $(PY) ## Re-pin requirements*.txt from requirements*.in
	$(PY) scripts/lock.py

totp: install ## Demo only: the current one-time code of a staff account, EMAIL=...
	DEBUG=1 $(PY) manage.py demo_totp $(EMAIL)

clean: ## Remove the local database, mail, media and collected static files
	rm -rf var/

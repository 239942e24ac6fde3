# Two commands for a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-only lint venv dev-venv worker migrate seed clean serve load bench bundle

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.dev-installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(BIN)/.installed $@

venv: $(BIN)/.installed
dev-venv: $(BIN)/.dev-installed

migrate: venv
	$(BIN)/python manage.py migrate --noinput

## The app on the embedded default (SQLite, in-process tasks) with demo data, on 127.0.0.1:$(PORT).
run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Lint, then the whole suite (SQLite unless DATABASE_URL is set) over TEST_WORKERS processes
## (pytest-xdist; default one per core, at most 4; TEST_WORKERS=0 runs it in this process).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)
test: lint test-only

## The suite alone, without lint (CI's second database).
test-only: dev-venv
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## A Celery worker with beat, against CELERY_BROKER_URL.
worker: venv
	@test -n "$(CELERY_BROKER_URL)" || (echo "CELERY_BROKER_URL is not set: tasks run in-process, no worker needed" && exit 1)
	$(BIN)/celery -A xuncha worker --beat --loglevel=info

## Production: migrate, collect static files, then gunicorn + a Celery worker + beat (Procfile,
## run by honcho) against the PostgreSQL and Redis named in DATABASE_URL and CELERY_BROKER_URL,
## DEBUG off. PROCESSES=web (or worker, or "worker beat") starts only those. README, "Production".
PROCESSES ?=
serve: export DEBUG = false
serve: venv
	@case "$$DATABASE_URL" in \
	  postgres://*|postgresql://*|pgsql://*) ;; \
	  "") echo "make serve: DATABASE_URL is not set (that means SQLite, the embedded default of make run); set it to PostgreSQL, e.g. postgres://xuncha:secret@db:5432/xuncha" >&2; exit 1;; \
	  *) echo "make serve: DATABASE_URL names $${DATABASE_URL%%:*}, not PostgreSQL; set it to postgres://user:pass@host:5432/db" >&2; exit 1;; \
	esac
	@case "$$CELERY_BROKER_URL" in \
	  redis://*|rediss://*|amqp://*) ;; \
	  "") echo "make serve: CELERY_BROKER_URL is not set (that means in-process tasks, the embedded default of make run); set it to Redis, e.g. redis://redis:6379/0" >&2; exit 1;; \
	  *) echo "make serve: CELERY_BROKER_URL names $${CELERY_BROKER_URL%%:*}, not Redis or RabbitMQ; set it to redis://host:6379/0" >&2; exit 1;; \
	esac
	@test -n "$$SECRET_KEY" || { echo "make serve: SECRET_KEY is not set; set it to a long random string, the same on every machine" >&2; exit 1; }
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/honcho start --env /dev/null --port $(PORT) $(PROCESSES)

## An offline installation of this commit for a machine without a package registry: every
## requirement as a wheel, the static files, systemd units and install.sh, in dist/ (README,
## "Offline installation"; deploy/bundle.sh). Prints the bundle's folder first.
bundle: venv
	@bash deploy/bundle.sh

## The mixed load test (bench/load_mixed.py) against a running `make serve` at BASE_URL, counting
## its writes in DATABASE_URL. DURATION (seconds) and CLIENTS change the defaults (60, 10).
BASE_URL ?= http://127.0.0.1:$(PORT)
DURATION ?= 60
CLIENTS ?= 10
load: venv
	$(BIN)/python bench/load_mixed.py --base-url $(BASE_URL) --duration $(DURATION) --clients $(CLIENTS)

## The province-scale benchmark (bench/README.md) against DATABASE_URL (default: the
## xuncha_province PostgreSQL database), Redis db 12 and wrk; report in bench/results/.
bench: venv
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var/ dist/ .pytest_cache .ruff_cache

## Maintainers: re-extract the English catalogue after changing UI strings, then compile it (needs GNU gettext).
## Translate every new empty msgstr in locale/en/LC_MESSAGES/django.po, run this again, and commit the .po and .mo.
.PHONY: messages
messages: venv
	$(BIN)/python manage.py makemessages -l en --ignore=$(VENV) --ignore=static/vendor --ignore=tests
	$(BIN)/python manage.py compilemessages -l en -l zh_Hans --ignore=$(VENV)

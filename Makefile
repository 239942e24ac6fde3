# Two commands for a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint venv dev-venv worker migrate seed clean

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

## Lint, then the whole suite (SQLite unless DATABASE_URL is set).
test: dev-venv lint
	$(BIN)/python -m pytest

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## A Celery worker with beat, against CELERY_BROKER_URL.
worker: venv
	@test -n "$(CELERY_BROKER_URL)" || (echo "CELERY_BROKER_URL is not set: tasks run in-process, no worker needed" && exit 1)
	$(BIN)/celery -A xuncha worker --beat --loglevel=info

clean:
	rm -rf $(VENV) var/ .pytest_cache .ruff_cache

## Maintainers: re-extract the English catalogue after changing UI strings, then compile it (needs GNU gettext).
## Translate every new empty msgstr in locale/en/LC_MESSAGES/django.po, run this again, and commit the .po and .mo.
.PHONY: messages
messages: venv
	$(BIN)/python manage.py makemessages -l en --ignore=$(VENV) --ignore=static/vendor --ignore=tests
	$(BIN)/python manage.py compilemessages -l en --ignore=$(VENV)

# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two stand on.

PYTHON ?= $(shell command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format venv migrate worker clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ is required (Django 6.1); .python-version asks for 3.13"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput

# Serves on http://127.0.0.1:8000 with SQLite, the provider sandbox and one task worker.
run: venv
	DEBUG=$${DEBUG:-true} PROVIDER_SANDBOX=$${PROVIDER_SANDBOX:-true} $(BIN)/python manage.py devserver

# A task worker on its own (production runs several, see README).
worker: venv
	$(BIN)/python manage.py db_worker

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache test-artifacts

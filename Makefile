# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two stand on.

PYTHON ?= $(shell command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format venv messages makemessages migrate worker clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ is required (Django 6.1); .python-version asks for 3.13"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# The French translation, compiled from the .po file beside it (Babel, pure Python).
messages: venv
	$(BIN)/pybabel -q compile --domain django --directory locale

# Re-extracts every msgid into locale/fr (needs GNU gettext's xgettext); CI checks that
# this leaves the .po unchanged, i.e. no string was added without its translation.
makemessages: venv
	$(BIN)/python manage.py makemessages --locale fr --no-obsolete --add-location file \
		--ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'bench/*' --ignore '*/tests/*'

migrate: venv messages
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput

# Serves on http://127.0.0.1:8000 with SQLite, the provider sandbox and one task worker.
run: venv messages
	DEBUG=$${DEBUG:-true} PROVIDER_SANDBOX=$${PROVIDER_SANDBOX:-true} $(BIN)/python manage.py devserver

# A task worker on its own (production runs several, see README).
worker: venv
	$(BIN)/python manage.py db_worker

test: venv messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) locale/*/LC_MESSAGES/*.mo db.sqlite3 .pytest_cache .ruff_cache test-artifacts

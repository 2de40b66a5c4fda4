# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SIGN_IN := instance/demo-sign-in.txt

.PHONY: run test test-e2e lint format install install-dev db demo clean messages bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

db: install
	$(FLASK) db upgrade

demo: db
	@mkdir -p instance
	$(FLASK) seed demo --password-file $(SIGN_IN)

run: demo
	@echo
	@if [ -f $(SIGN_IN) ]; then cat $(SIGN_IN); else echo "Sign in with the password you chose, or create an account: $(FLASK) users create you@example.org --role admin"; fi
	@echo
	$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite; the browser tests (tests/e2e) run last, and only when Chromium is installed:
# without it they are skipped, saying why, unless CI=true. Their screenshots go to test-artifacts/e2e/.
test: install-dev
	$(BIN)/pytest -q

# Only the browser tests (tests/e2e).
test-e2e: install-dev
	$(BIN)/pytest -q tests/e2e

# Benchmark at real size (not part of `make test`; a few minutes): seeds a fresh SQLite database in a
# temp dir (or DATABASE_URL), runs gunicorn on 127.0.0.1 and prints each case against its floor.
# Options: make bench BENCH_ARGS="--contacts 20000".
bench: install-dev
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Static security scan; every finding is fixed or explained in SECURITY.md ("bandit").
.PHONY: security
security: install-dev
	$(BIN)/bandit -r crm config.py wsgi.py -q

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Translations: extract every marked string, merge it into each catalogue, compile the .mo files
# (committed, so `make run` and `make test` need nothing extra). See "Languages" in README.md.
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --sort-output --omit-header -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --width 100
	$(BIN)/pybabel compile -d translations --statistics
	@$(BIN)/python scripts/untranslated.py || echo "Translate the entries above (docs/i18n.md), then run make messages again."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

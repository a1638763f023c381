# Stand Together — two commands: `make run` and `make test`. Everything else is installed from here.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WORKERS ?= 3
DEBIAN_PACKAGES := chromium gettext fonts-noto-core
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test ci bench bench-diary install assets system-deps lint messages clean serve-setup

# --- install (each step is skipped when its inputs have not changed) --------------------------------
$(VENV)/.installed: pyproject.toml requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/lock.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

src/standtogether/static/dist/standtogether.css: node_modules/.installed $(wildcard assets/*.mjs) $(wildcard assets/scss/*.scss)
	npm run --silent build

assets: src/standtogether/static/dist/standtogether.css

# Debian packages the tests need (browser, gettext, fonts). Installed only when missing.
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# --- run -----------------------------------------------------------------------------------------
serve-setup: install assets
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable
	$(PY) manage.py setup_demo
	$(PY) manage.py collectstatic --noinput -v 0

# The background worker (messages, clocks) runs beside the web server and stops with it.
# No access log: public routes must never record an IP address or user agent.
run: serve-setup
	$(PY) manage.py check_clocks --enqueue
	nice $(PY) manage.py build_print > var/print.log 2>&1 &  # the PDFs, rebuilt in the background (atomic writes)
	@echo "Stand Together is at http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	$(PY) manage.py db_worker --interval 5 > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn standtogether.wsgi:application --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
	  --pythonpath src --error-logfile - --log-level warning

# --- test ----------------------------------------------------------------------------------------
test: install assets system-deps
	$(VENV)/bin/ruff check src tests bench
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest -n auto -p no:cacheprovider

bench: install assets
	$(PY) bench/run.py

bench-diary: install
	$(PY) bench/diary_kdf.py --grid

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

clean:
	rm -rf $(VENV) node_modules src/standtogether/static/dist var/staticfiles

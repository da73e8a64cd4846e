# Two commands do everything: `make run` (the app with demo data) and `make test` (the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install install-test lint migrate-check messages system-packages screenshots \
	letter-pictures bench

# WeasyPrint needs Pango; libharfbuzz-subset0 makes it 2.5x faster and its output reproducible.
# The letters fall back on a colour emoji font (and fontconfig's DejaVu for symbols) for what their
# own font lacks: a name typed with an emoji prints as typed, not as empty boxes.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-color-emoji
# The tests read letters back with poppler's pdftotext, pdffonts and pdftoppm (the letters'
# pictures), drive Debian's Chromium, and sign letters with a key on a PKCS#11 token that
# SoftHSM2 emulates.
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils chromium softhsm2

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml requirements/constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[test,server]"
	touch $@

install: $(STAMP)
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(RUN_PACKAGES)"

install-test: $(STAMP)
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(TEST_PACKAGES)"

system-packages:
	@missing=$$(for package in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "ok installed" || echo $$package; \
	done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Install these Debian packages (as root): $$missing"; exit 1; \
	  fi; \
	fi

run: install
	mkdir -p var
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py secure_letter_files
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py run_worker --once
	# Beside the server, and stopping with it: the worker (seals audit events into the chain,
	# fires the due-date timers) and the job queue's worker (sends e-mail, here to this console).
	DEBUG=true $(BIN)/python manage.py run_worker & worker=$$!; \
	DEBUG=true $(BIN)/python manage.py db_worker --interval 2 & jobs=$$!; \
	trap 'kill $$worker $$jobs 2>/dev/null; wait $$worker $$jobs' EXIT; \
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-test
	$(BIN)/python -m pytest

# Speed and scale on PostgreSQL (BENCH_CASES, default 100000); writes docs/benchmarks.md.
bench: install
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[bench]"
	$(BIN)/python -m bench.run

# Pictures of the key pages for the README, taken by the browser journey.
screenshots: install-test
	LK3_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/e2e -q

# The committed pictures of every letter (tests/letter_pictures/) renewed after a layout change,
# once the new pages a failing tests/test_letter_pictures.py left in var/letter-pictures/ were
# looked at.
letter-pictures: install-test
	LK3_ACCEPT_LETTER_PICTURES=1 $(BIN)/python -m pytest tests/test_letter_pictures.py -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrate-check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# Refresh the Indonesian catalog from the sources. viewflow's own strings are translated in
# lk3_flow/locale/id/viewflow.po (its sources are not in this repository), merged in here.
messages: install
	cd . && DEBUG=true $(BIN)/python manage.py makemessages -l id --no-obsolete -i ".venv/*" -i "tests/*" -i "var/*" -i "build/*"
	msgcat --use-first lk3_flow/locale/id/LC_MESSAGES/django.po lk3_flow/locale/id/viewflow.po -o lk3_flow/locale/id/LC_MESSAGES/django.po
	# msgmerge's fuzzy guesses are usually wrong: new strings start untranslated instead.
	msgattrib --clear-fuzzy --empty lk3_flow/locale/id/LC_MESSAGES/django.po -o lk3_flow/locale/id/LC_MESSAGES/django.po
	msgfmt --check -o lk3_flow/locale/id/LC_MESSAGES/django.mo lk3_flow/locale/id/LC_MESSAGES/django.po

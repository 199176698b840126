# Two commands do everything on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= $(or $(INDICATORS_DB),data/indicators.duckdb)
PIP := $(PY) -m pip install --disable-pip-version-check -q

.PHONY: run test test-fast bench chromium libreoffice postgresql install

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Cần Python 3.11 (đang có: $$($(PYTHON) --version 2>&1)). Cài Python 3.11 hoặc chạy: make PYTHON=python3.11 …"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || \
	  { echo "Không tạo được môi trường ảo: cài gói python3-venv (Debian/Ubuntu: apt-get install python3-venv)."; exit 1; }
	$(PIP) -r requirements.txt
	@touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.txt
	$(PIP) -r requirements-test.txt
	@touch $@

install: $(VENV)/.runtime

# Creates the database with the five plans (and the demo data, marked as such) when it does not
# exist; otherwise upgrades the schema and reloads the catalogue, leaving every actual untouched.
run: $(VENV)/.runtime
	@if [ -f "$(DB)" ]; then $(PY) -m indicators --db "$(DB)" init; else $(PY) -m indicators --db "$(DB)" init --demo; fi
	INDICATORS_DB="$(DB)" $(PY) -m streamlit run serve.py --server.port 8501  # st.App: app.py + the session routes

# Debian's chromium drives the real-browser tests and the chart exports; LibreOffice Calc saves
# templates as officials' spreadsheet program does (.ods, its own .xlsx), and python3-uno lets
# Debian's python3 drive it (tests/libreoffice_fill.py types into a template); Writer and the
# metric-compatible fonts (Liberation 2 with Vietnamese, Carlito for Calibri) render the briefing
# files as an office would see them (tests/test_export_layout.py). Installed when missing.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Cài chromium (Debian) cho kiểm thử trình duyệt…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	  else \
	    echo "Cảnh báo: thiếu chromium và không thể tự cài (cần quyền root và apt-get)."; \
	  fi; \
	fi

libreoffice:
	@missing=""; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-calc"; \
	/usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || missing="$$missing python3-uno"; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in libreoffice-writer fonts-liberation2 fonts-crosextra-carlito; do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Cài$$missing (Debian) cho kiểm thử với chương trình bảng tính thật…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	      || echo "Cảnh báo: không cài được$$missing; các kiểm thử cần LibreOffice sẽ bị bỏ qua (ghi rõ lý do)."; \
	  else \
	    echo "Cảnh báo: thiếu$$missing và không thể tự cài (cần quyền root và apt-get); các kiểm thử cần nó sẽ bị bỏ qua."; \
	  fi; \
	fi

# Debian's PostgreSQL server for the tests of the shared store (issue 17): each test run starts its
# own throwaway cluster in a temporary folder (commands/pg_cluster.py); the package's own cluster
# is not used (nor started).
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Cài postgresql (Debian) cho kiểm thử kho dữ liệu dùng chung…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null) \
	      || echo "Cảnh báo: không cài được postgresql; các kiểm thử cần nó sẽ bị bỏ qua (ghi rõ lý do)."; \
	  else \
	    echo "Cảnh báo: thiếu postgresql và không thể tự cài (cần quyền root và apt-get); các kiểm thử cần nó sẽ bị bỏ qua."; \
	  fi; \
	fi

# Two workers (pytest-xdist), each test file whole on one worker: module-scoped fixtures and the
# order within a file hold; each worker starts its own PostgreSQL cluster and demo database.
test: $(VENV)/.test chromium libreoffice postgresql
	$(PY) -m pytest -n 2 --dist loadfile

# The fast levels only (pytest.ini, tests/conftest.py): unit and store tests; no AppTest, no
# browser, no command run as a separate process. `make test` runs every level.
test-fast: $(VENV)/.test
	$(PY) -m pytest -n 2 --dist loadfile -m "unit or store"

bench: $(VENV)/.test chromium
	$(PY) -m indicators bench

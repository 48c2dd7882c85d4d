# make run: set up and serve the dashboard on the demo province; make test: set up and run every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Browser tests (chromium), the 通报's PDF (LibreOffice from the DOCX), its fonts, PDF → PNG checks (poppler), and
# redis-server (the Redis fault tests start and stop one of their own; server mode uses the machine's Redis).
SYSTEM_PACKAGES := chromium chromium-driver fonts-noto-cjk libreoffice-writer-nogui poppler-utils redis-server

.PHONY: run test lint setup system clean-db bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

run: setup system
	$(BIN)/python app.py

system:
	@if [ "$$(id -u)" = "0" ] && ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v soffice >/dev/null && command -v pdftoppm >/dev/null && command -v redis-server >/dev/null && fc-list 2>/dev/null | grep -qi "noto.*cjk"; }; then \
		echo "installing Debian $(SYSTEM_PACKAGES)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

lint: setup
	$(BIN)/ruff check .

test: setup system lint
	$(BIN)/python -m pytest -q -n 2

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/score.py

clean-db:
	rm -f data/monitor.duckdb data/monitor.duckdb.wal

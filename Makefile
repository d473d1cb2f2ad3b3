# Sanke: `make run` serves the platform with the demo county; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test gates install system-deps system-deps-test assets messages lint check clean-db

# Live-lesson media: when the `janus` binary is installed (and SANKE_JANUS_URL names no other Janus), `make run`
# writes a Janus configuration under var/janus and runs Janus as one more honcho process, next to the
# processes of Procfile. Without it, live lessons use peer-to-peer media. These ports differ from the
# defaults (8088/8188) of the janus.service that the Debian package may also have started.
JANUS_HTTP_PORT ?= 8288
JANUS_WS_PORT ?= 8289
JANUS_RTP_PORTS ?= 20000-20999

# Web processes of `make run`: one per core of a laptop. Under ASGI a process runs its synchronous views in
# threads that share one interpreter lock, so one process uses one core; with several, the channel layer
# crosses between them through Unix sockets under var/ (docs/decisions/0015-several-web-processes.md).
run: export SANKE_WEB_WORKERS ?= 2
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo --if-empty
	@echo "Sanke is starting on http://$${SANKE_HOST:-127.0.0.1}:$${SANKE_PORT:-8000} with $$SANKE_WEB_WORKERS web processes  (Ctrl-C stops everything)"
	@if [ -n "$${SANKE_JANUS_URL:-}" ]; then \
		echo "Live lessons: the Janus media server at $$SANKE_JANUS_URL"; \
		exec $(BIN)/honcho start -f Procfile; \
	elif command -v janus >/dev/null 2>&1; then \
		janus_dir="$${SANKE_VAR_DIR:-var}/janus"; \
		$(BIN)/python manage.py janus_config "$$janus_dir" -v0 --http-port $(JANUS_HTTP_PORT) \
			--ws-port $(JANUS_WS_PORT) --rtp-range $(JANUS_RTP_PORTS) || exit 1; \
		umask 077; { cat Procfile; echo "janus: janus -F \"$$janus_dir\" -C \"$$janus_dir/janus.jcfg\" -o -d 2"; } \
			> "$$janus_dir/Procfile" || exit 1; \
		echo "Live lessons: Janus media server on 127.0.0.1:$(JANUS_HTTP_PORT) (WebSocket $(JANUS_WS_PORT))"; \
		export SANKE_JANUS_URL=http://127.0.0.1:$(JANUS_HTTP_PORT)/janus; \
		export SANKE_JANUS_WS_URL=ws://127.0.0.1:$(JANUS_WS_PORT)/; \
		exec $(BIN)/honcho start -f "$$janus_dir/Procfile"; \
	else \
		echo "Live lessons: Janus is not installed, peer-to-peer media (scripts/system_deps.sh installs it)"; \
		exec $(BIN)/honcho start -f Procfile; \
	fi

# Tests keep their files (SQLite test database, Celery queue) under var/test, apart from `make run`.
test: install system-deps-test gates
	SANKE_VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest $(PYTEST_ARGS)

install: system-deps $(VENV)/.installed assets messages

system-deps:
	@scripts/system_deps.sh

system-deps-test:
	@scripts/system_deps.sh --test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-fund --no-audit --loglevel=error
	touch $@

sanke/static/vendor/.built: node_modules/.installed scripts/build_assets.py
	$(BIN)/python scripts/build_assets.py
	touch $@

assets: sanke/static/vendor/.built

messages: $(VENV)/.installed
	@cd sanke && ../$(BIN)/python ../manage.py compilemessages -v0

# The gates `make test` runs before the suite: lint and format, import contracts (layers, no circles, a
# kernel that imports no app), types (mypy), every fetch through the scoping kernel, app boundaries,
# templates without inline code, migrations.
gates: install
	$(BIN)/ruff check sanke scripts bench
	$(BIN)/ruff format --check sanke scripts bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python scripts/check_access.py sanke
	$(BIN)/python scripts/check_boundaries.py sanke
	$(BIN)/python scripts/check_templates.py sanke
	$(BIN)/python manage.py makemigrations --check --dry-run -v0

lint: gates

# Production settings pass Django's deployment checklist.
check: install
	SANKE_ENV=production SANKE_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		SANKE_FIELD_KEY=$$(head -c 32 /dev/urandom | base64) SANKE_ALLOWED_HOSTS=sanke.example \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

clean-db:
	rm -f var/sanke.sqlite3 var/sanke.sqlite3-wal var/sanke.sqlite3-shm

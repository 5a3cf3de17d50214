# golive build, test and lint entry points. `make help` lists them.
GO  ?= go
BIN := bin/golive

.DEFAULT_GOAL := build

.PHONY: help assets build run test lint-openapi bench

help:
	@echo "make assets        npm ci when needed, then copy browser files into internal/web/static/vendor/"
	@echo "make build         assets + go build -o $(BIN) ./cmd/golive"
	@echo "make run           build + $(BIN) serve --demo"
	@echo "make test          assets + go vet + go test (+ PostgreSQL if TEST_POSTGRES_DSN is set) + lint-openapi"
	@echo "make lint-openapi  golive openapi > bin/openapi.json, then redocly lint"
	@echo "make bench         go benchmarks, then scripts/load.sh if present"

# npm ci only when node_modules is missing or older than package-lock.json
# (npm writes node_modules/.package-lock.json on every install).
node_modules/.package-lock.json: package-lock.json package.json
	npm ci
	@touch $@

assets: node_modules/.package-lock.json
	bash scripts/assets.sh

build: assets
	@mkdir -p bin
	$(GO) build -o $(BIN) ./cmd/golive

run: build
	./$(BIN) serve --demo

test: assets
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...
	@$(MAKE) --no-print-directory lint-openapi

lint-openapi: assets
	@mkdir -p bin
	$(GO) run ./cmd/golive openapi > bin/openapi.json
	npx --no-install redocly lint bin/openapi.json

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	@if [ -f scripts/load.sh ]; then bash scripts/load.sh; else echo "scripts/load.sh not found: load test skipped"; fi

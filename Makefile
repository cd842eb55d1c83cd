.DEFAULT_GOAL := help
GO ?= go

help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## Build ./hookline
	$(GO) build -o hookline ./cmd/hookline

run: ## Run the server on its embedded defaults (SQLite in ./hookline-data, simulator carrier)
	$(GO) run ./cmd/hookline serve

test: ## Run the whole test suite, installing the peers it needs
	./scripts/test.sh

test-short: ## Run the Go tests without installing anything (peers that are missing are skipped)
	$(GO) test ./...

bench: build ## Webhook throughput against a bare net/http handler, side by side
	./scripts/bench.sh

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

.PHONY: help build run test test-short bench lint

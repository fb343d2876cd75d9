# Offcut — make run serves the app, make test runs every test.
SHELL := /bin/bash
GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
# wasm_exec.js and go_js_wasm_exec live in lib/wasm since Go 1.24.
WASM_EXEC_DIR := $(firstword $(wildcard $(GOROOT)/lib/wasm) $(GOROOT)/misc/wasm)
# How the engine's js/wasm tests are compiled: as build/wasm.go compiles the
# engine (with the features of its GOWASM constant, read from there).
WASM_ENV := GOOS=js GOARCH=wasm GOWASM=$(shell sed -n 's/^const GOWASM = "\(.*\)"$$/\1/p' build/wasm.go)
# ... with its compiler flags (GCFlags there; quoted, as a package's flags
# may be several).
WASM_FLAGS := -gcflags='$(shell sed -n 's/^const GCFlags = "\(.*\)"$$/\1/p' build/wasm.go)' -pgo=$(CURDIR)/wasm/default.pgo
# The engine packages also run under js/wasm in Node.
ENGINE_PKGS := ./audio/... ./wasm/
# The reference tools the tests compare against, as COMMAND:DEBIAN-PACKAGE
# (python3-* packages are checked by import; initdb also where Debian puts
# it, /usr/lib/postgresql/*/bin, off PATH).
APT_PKGS := sox:sox ffmpeg:ffmpeg flac:flac lame:lame mp3val:mp3val chromium:chromium \
	oggenc:vorbis-tools oggdec:vorbis-tools opusenc:opus-tools opusdec:opus-tools \
	mpg123:mpg123 metaflac:flac python3-mutagen:python3-mutagen initdb:postgresql
# versitygw, the S3 gateway the cloud tests run against, goes to a
# project-local bin (found there by server/internal/testenv).
VERSITYGW_VERSION := v1.8.0
CACHE_BIN := $(CURDIR)/.cache/bin
ADDR ?= :8080

.PHONY: all run build dist test test-deps lint test-go test-wasm test-js bench cli clean audit bench-go bench-quick bench-deps pgo

all: build

## cli: build the offcut command into bin/ (-tags purego: gopus then runs
## its portable loops, as in the browser, so Opus files equal the app's byte
## for byte; its amd64 kernels sum in another order)
cli:
	$(GO) build -trimpath -tags purego -o bin/offcut ./cmd/offcut

## dist: build the web app into build/dist (wasm, minified, hashed, precompressed)
dist:
	$(GO) run ./build -www www -wasm ./wasm -out build/dist

build: cli dist
	$(GO) build -trimpath -o bin/offcut-server ./server

## run: build everything and serve the app on http://localhost:8080
run: build
	./bin/offcut-server -addr $(ADDR) -dist build/dist

## test-deps: install the reference tools the tests compare against (Debian, as root),
## PostgreSQL and versitygw for the cloud tests (started by the tests themselves
## on 127.0.0.1 with free ports: see server/internal/testenv)
test-deps:
	@missing=""; \
	for cp in $(APT_PKGS); do \
	  c=$${cp%%:*}; p=$${cp#*:}; \
	  case $$c in \
	  python3-*) /usr/bin/python3 -c "import $${c#python3-}" >/dev/null 2>&1 || missing="$$missing $$p";; \
	  initdb) { command -v initdb || ls /usr/lib/postgresql/*/bin/initdb; } >/dev/null 2>&1 || missing="$$missing $$p";; \
	  *) command -v $$c >/dev/null 2>&1 || missing="$$missing $$p";; \
	  esac; \
	done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "warning: missing$$missing (not root: tests that need them will skip)"; \
	  fi; \
	fi
	@# axe-core: test-only, injected by server/e2e/a11y_test.go (pinned by its package-lock.json)
	@if [ ! -f server/e2e/testdata/axe/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then \
	  echo "installing axe-core into server/e2e/testdata/axe"; \
	  (cd server/e2e/testdata/axe && npm ci --no-audit --no-fund --loglevel=error); \
	fi
	@if ! command -v versitygw >/dev/null 2>&1 && [ ! -x $(CACHE_BIN)/versitygw ]; then \
	  echo "installing versitygw $(VERSITYGW_VERSION) into $(CACHE_BIN)"; \
	  GOBIN=$(CACHE_BIN) $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION); \
	fi

## lint: gofmt, and go vet natively and for a 32-bit target, where
## everything builds too (LAME and faac, transpiled, say there that they
## cannot encode)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './build/dist/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOARCH=386 $(GO) vet ./...

# Under CI (CI=true) a missing reference tool or corpus fails the tests
# instead of skipping them (see audiotest.RequireEnv).
test-go:
	OFFCUT_REQUIRE_TOOLS=$(filter true,$(CI)) $(GO) test -count=1 -timeout 30m ./...

## test-wasm: the engine's tests again, compiled to js/wasm as the engine is
## (GOWASM features and compiler flags: build/wasm.go) and run in Node
test-wasm:
	PATH="$(WASM_EXEC_DIR):$$PATH" $(WASM_ENV) $(GO) test $(WASM_FLAGS) -count=1 -timeout 30m $(ENGINE_PKGS)

## test-js: unit tests of the app's pure ES modules (timeline, history, util, gesture, gain) in Node
test-js:
	node --test build/jstest/

## test: install what the tests need, then lint and run every test
test: test-deps lint test-js test-go test-wasm

## bench: Offcut against ffmpeg.wasm in one headless Chromium and the CLI against
## ffmpeg/sox/flac/lame/opusenc natively (bench/results.md, .json; <= 20 min on
## 2 cores), then the Go benchmarks
bench: test-deps bench-deps build
	node bench/bench.mjs
	$(MAKE) bench-go

## bench-quick: a ~3-minute subset of the browser and native jobs (no Go benchmarks)
bench-quick: test-deps bench-deps build
	node bench/bench.mjs --quick

## bench-deps: the bench's npm packages (ffmpeg.wasm, playwright-core) into
## bench/node_modules, pinned by bench/package-lock.json; no browser download
## (the bench drives Debian's /usr/bin/chromium)
bench-deps:
	@command -v npm >/dev/null || { echo "bench needs node and npm"; exit 1; }
	cd bench && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error

## bench-go: engine benchmarks beside sox/ffmpeg/go-audio/cp on the same machine, native and js/wasm
bench-go: test-deps
	$(GO) test -run '^$$' -bench . -benchtime 3x ./audio/... ./cmd/...
	PATH="$(WASM_EXEC_DIR):$$PATH" $(WASM_ENV) $(GO) test $(WASM_FLAGS) -run '^$$' -bench . -benchtime 3x ./audio/pcm/ ./audio/codec/wav/ ./audio/codec/mp3/ ./audio/codec/flac/ ./audio/codec/vorbis/ ./audio/codec/opus/ ./audio/codec/aiff/ ./audio/codec/alac/ ./audio/codec/mp4/ ./audio/codec/lame/ ./audio/codec/aac/ ./audio/codec/mp3format/ ./audio/project/ ./audio/resample/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./server/site/
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 120m ./server/e2e/
	$(GO) test -run '^$$' -bench BenchmarkLoad -benchtime 1x ./server/api/

## pgo: the CPU profile the engine is built with (wasm/default.pgo; see
## build/wasm.go): a native profile of LAME's encode, cut to LAME's own code
pgo:
	@tmp=$$(mktemp -d) && \
	$(GO) test -run '^$$' -bench 'Encode60s' -benchtime 5x -cpuprofile $$tmp/cpu.prof -o $$tmp/lame.test ./audio/codec/lame/ && \
	$(GO) tool pprof -proto -show 'clame\.' $$tmp/lame.test $$tmp/cpu.prof > wasm/default.pgo && \
	rm -rf $$tmp

## audit: Lighthouse 11 (the last with a PWA category) against the built app
## served as by make run; checks the installability audits. Needs node and
## chromium; fetches lighthouse@11 with npx. Not part of make test.
AUDIT_ADDR ?= 127.0.0.1:8091
CHROME_PATH ?= /usr/bin/chromium
audit: build
	@./bin/offcut-server -addr $(AUDIT_ADDR) -dist build/dist >/dev/null 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null' EXIT; \
	for i in $$(seq 50); do curl -fsS http://$(AUDIT_ADDR)/healthz >/dev/null 2>&1 && break; sleep 0.1; done; \
	CHROME_PATH=$(CHROME_PATH) npx --yes lighthouse@11 http://$(AUDIT_ADDR)/ \
	  --only-categories=pwa --output=json --output=html --output-path=build/lighthouse \
	  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" --quiet && \
	node build/audit/lighthouse-check.mjs build/lighthouse.report.json

clean:
	rm -rf build/dist bin build/lighthouse.report.*

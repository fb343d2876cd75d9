package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// GOWASM is the WebAssembly features the engine is compiled for: the
// saturating float-to-int conversions and sign-extension operators, which
// every browser that runs Offcut has (Chrome and Firefox since 2019,
// Safari 15). Without them Go spells each float-to-int conversion as a
// range check and a trapping one, each int32 result as two shifts. In
// Node 20 gopus decoded Opus in 0.65 of the time with them, LAME encoded
// 2 % faster, the MP3 decoder the same; Chromium 156 (a newer V8) gains
// less: 3-min Opus -> WAV 2.09 s against 2.12-2.16 s (make bench). The
// Makefile's js/wasm tests and benchmarks read it from here.
const GOWASM = "satconv,signext"

// GCFlags are the compiler flags of the engine's build, by package:
// LAME's code, transpiled from C (which checks no index), is compiled
// without bounds checks (-B). Its input is clipped samples (lame.Encoder),
// and its indexing is LAME's own, tested natively with the checks on (the
// Go tests and fuzz targets). In Node 20 this encoded a minute of music in
// 0.95 of the time (BenchmarkEncode60s); the Vorbis and AAC (faac)
// encoders, also transpiled, gained nothing measurable and keep their
// checks (faac: 388-398 against 388-413 ms a minute, three rounds each).
//
// The engine is built with a CPU profile of LAME's own code only
// (profile-guided optimisation): wasm/default.pgo, which go build uses for
// the package it builds there (-pgo=auto), made by make pgo from a native
// profile of BenchmarkEncode60s cut to LAME's functions (pprof -show
// clame). It inlines LAME's hot calls and nothing else: a minute of MP3
// encoding took 0.95-0.97 of the time in Node (interleaved rounds, 2.16-2.26
// against 2.23-2.34 s), and 3-min WAV -> MP3 in fresh Chromium pages 4.22 against
// 4.39 s (medians of nine interleaved runs each, on a noisy machine). A
// profile of every codec's benchmarks
// made FLAC's encoder 7 % slower, and one of the whole MP3 encode made
// Opus -> WAV in Chromium 2.2-3.1 s against 2.06-2.08 s: the profile
// stays LAME's alone. The Makefile's js/wasm tests and benchmarks use the
// same flags and profile.
const GCFlags = "offcut/audio/codec/lame/internal/clame=-B"

// buildWasm compiles the package in dir for js/wasm into tmp and returns
// the module's bytes. The build is reproducible: -trimpath, no symbol
// table or DWARF, empty build id.
func buildWasm(ctx context.Context, dir, tmp string) ([]byte, error) {
	if dir == "" {
		return nil, errors.New("no wasm package directory given (-wasm)")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("wasm package: %w", err)
	}
	goFiles := 0
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			goFiles++
		}
	}
	if goFiles == 0 {
		return nil, fmt.Errorf("wasm package %s has no Go files, so there is no engine to build; write the js/wasm adapter there or point -wasm at it", dir)
	}
	pkg := dir
	if !filepath.IsAbs(pkg) && !strings.HasPrefix(pkg, ".") {
		pkg = "." + string(filepath.Separator) + pkg
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("the go tool is needed to build the wasm engine: %w", err)
	}
	out := filepath.Join(tmp, wasmName)
	args := []string{"build", "-trimpath", "-gcflags=" + GCFlags, "-ldflags=-s -w -buildid=", "-o", out, pkg}
	cmd := exec.CommandContext(ctx, goTool, args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOWASM="+GOWASM, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("building the wasm engine (GOOS=js GOARCH=wasm go %s) failed: %v\n%s",
			strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return os.ReadFile(out)
}

// readWasmExec returns the wasm_exec.js of the go tool that builds the
// engine: $(go env GOROOT)/lib/wasm, or misc/wasm before Go 1.24.
func readWasmExec(ctx context.Context) ([]byte, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	root := strings.TrimSpace(string(out))
	var tried []string
	for _, dir := range []string{"lib/wasm", "misc/wasm"} {
		p := filepath.Join(root, filepath.FromSlash(dir), wasmExecName)
		data, err := os.ReadFile(p)
		if err == nil {
			return data, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		tried = append(tried, p)
	}
	return nil, fmt.Errorf("%s not found in GOROOT (tried %s)", wasmExecName, strings.Join(tried, ", "))
}

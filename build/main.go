// Command build is Offcut's asset pipeline. Run from the repository root:
//
//	go run ./build [-www www] [-wasm ./wasm] [-out build/dist]
//
// With -v it prints the duration of each phase.
//
// It compiles the wasm engine (GOOS=js GOARCH=wasm, -trimpath, stripped,
// no build id), copies wasm_exec.js from GOROOT, draws the PNG app icons
// (192, 512 and maskable 512) from www/icons/app-icon.svg with
// srwiley/oksvg, minifies HTML, CSS, JS,
// SVG, JSON and web manifests with tdewolff/minify, renames every asset
// except the fixed public URLs to name.<hash>.ext (rewriting the references
// to it first, in dependency order), precompresses everything compressible
// as .br and .gz, and writes asset-manifest.json. The service worker gets
// the precache list and build version injected in place of the
// self.__PRECACHE__ and __BUILD_VERSION__ placeholders.
//
// The same input always produces the same bytes.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	var cfg Config
	flag.StringVar(&cfg.WWW, "www", "www", "directory holding the PWA sources")
	flag.StringVar(&cfg.Wasm, "wasm", "./wasm", "package directory of the js/wasm engine adapter")
	flag.StringVar(&cfg.Out, "out", "build/dist", "output directory (replaced on success)")
	flag.IntVar(&cfg.BrotliQuality, "br-quality", 11, "brotli level 1..11 (lower only for quick development builds)")
	verbose := flag.Bool("v", false, "print the duration of each phase")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./build [flags]\n\nBuilds Offcut's deployable web app into -out.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *verbose {
		cfg.Verbose = os.Stderr
	}
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "build: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	res, err := Build(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "build: %d assets (%s, %s as br) written to %s, version %s, in %s\n",
		len(res.Manifest.Assets), byteSize(res.Bytes), byteSize(res.BrBytes), cfg.Out,
		res.Manifest.Version, time.Since(start).Round(time.Millisecond))
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Command pgo writes the CPU profile that Offcut's engine is compiled with
// (Go's profile-guided optimisation): wasm/default.pgo, which go build
// picks up for the wasm package, and which the Makefile passes to the CLI
// and to the engine's js/wasm tests.
//
//	go run ./build/pgo -out wasm/default.pgo   (go generate ./wasm runs it)
//
// It runs, natively and under the CPU profiler, the engine's benchmarks of
// an MP3 encode (see benches) and merges their profiles with
// go tool pprof. The compiler uses the profile to inline the hot calls:
// function and line names are the same under js/wasm, where Go has no CPU
// profiler. Run it again after a large change to those paths: a stale
// profile costs speed, never correctness.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// A bench is one go test -bench run whose profile goes into the merge.
type bench struct {
	pkg, run, benchtime string
}

// benches are the MP3 encode: LAME alone, and a segmented encode from a
// WAV with its join, the job where the profile pays. A profile of every
// codec's benchmarks (the decoders, FLAC, Opus, Vorbis, resampling, peaks)
// changed nothing else measurably under js/wasm but FLAC's encoder, which
// became 7 % slower (Node 20, BenchmarkEncode5).
var benches = []bench{
	{"./audio/codec/lame/", "^BenchmarkEncode60s$", "2x"},
	{"./audio/project/", "^BenchmarkSegmentedMP3$", "1x"},
}

func main() {
	out := flag.String("out", "wasm/default.pgo", "the merged profile to write")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "pgo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "offcut-pgo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var profiles []string
	for i, b := range benches {
		prof := filepath.Join(tmp, fmt.Sprintf("%d.pprof", i))
		// -pgo=off: the profile is of the code as written, not of a build
		// already optimised with an older profile.
		args := []string{"test", "-pgo=off", "-run", "^$", "-bench", b.run, "-benchtime", b.benchtime,
			"-cpuprofile", prof, "-o", filepath.Join(tmp, fmt.Sprintf("%d.test", i)), b.pkg}
		fmt.Fprintf(os.Stderr, "go %s\n", strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=", "GOARCH=", "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("profiling %s %s: %w", b.pkg, b.run, err)
		}
		profiles = append(profiles, prof)
	}
	var merged, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", append([]string{"tool", "pprof", "-proto"}, profiles...)...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = &merged, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("merging the profiles (go tool pprof -proto): %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if merged.Len() == 0 {
		return fmt.Errorf("go tool pprof -proto wrote nothing")
	}
	return os.WriteFile(out, merged.Bytes(), 0o644)
}

// moduleRoot is the directory of the go.mod of the working directory.
func moduleRoot(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(b))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside a Go module")
	}
	return filepath.Dir(mod), nil
}

// Command gen transpiles LAME 3.100's libmp3lame to Go with
// modernc.org/ccgo/v4, producing package clame. It is run by go generate in
// ../clame:
//
//	go generate ./audio/codec/lame/internal/clame
//
// Steps: fetch the source with `apt-get source --download-only lame` (needs a
// deb-src line for Debian's main archive; or pass -src with upstream's
// lame-3.100.tar.gz, which is the same file), check its SHA-256, unpack it,
// run its configure (frontend and decoder disabled) and undefine
// HAVE_XMMINTRIN_H (no SSE code), transpile the 20 files of libmp3lame with
// ccgo v4.39.3 (from the Go module proxy), then rewrite the result to import
// the shared libc shim (audio/codec/internal/libc) instead of modernc.org/libc, which
// does not build for js/wasm. The generated file is never edited by hand:
// every change to it is made here.
//
// Needs: go, a C compiler (ccgo uses it to preprocess), sh, and apt-get
// unless -src is given.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

const (
	// lameVersion and lameSHA256 pin the source: upstream's
	// lame-3.100.tar.gz, which Debian ships unchanged as
	// lame_3.100.orig.tar.gz.
	lameVersion = "3.100"
	lameSHA256  = "ddfe36cab873794038ae2c1210557ad34857a4b6bdc515785d1da9e175b1da1e"

	ccgoModule = "modernc.org/ccgo/v4"
	ccgoVer    = "v4.39.3"
	// libcVer is the modernc.org/libc that ccgo v4.39.3 requires; ccgo
	// reads its symbol list while linking. The generated code is rewritten
	// to use shimImport instead.
	libcVer    = "v1.80.0"
	shimImport = "offcut/audio/codec/internal/libc"

	// buildLine restricts the package to 64-bit little-endian targets: the
	// transpiled code has the struct layouts and sizes of linux/amd64
	// (LP64) baked in, which all of these share.
	buildLine = "//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm"
)

// sources are libmp3lame's C files (mpglib_interface.c is empty without the
// decoder, but lame.c refers to its symbols).
var sources = []string{
	"VbrTag.c", "bitstream.c", "encoder.c", "fft.c", "gain_analysis.c",
	"id3tag.c", "lame.c", "mpglib_interface.c", "newmdct.c", "presets.c",
	"psymodel.c", "quantize.c", "quantize_pvt.c", "reservoir.c", "set_get.c",
	"tables.c", "takehiro.c", "util.c", "vbrquantize.c", "version.c",
}

func main() {
	src := flag.String("src", "", "lame-"+lameVersion+".tar.gz (default: fetch with apt-get source)")
	out := flag.String("out", "clame.go", "output Go file")
	keep := flag.Bool("keep", false, "keep the work directory")
	fix := flag.String("vetclean", "", "only apply the go vet clean-ups to this already generated file (for developing them)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	if *fix != "" {
		b, err := os.ReadFile(*fix)
		if err == nil {
			b, err = vetClean(string(b))
		}
		if err == nil {
			err = os.WriteFile(*fix, b, 0o644)
		}
		if err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*src, *out, *keep); err != nil {
		log.Fatal(err)
	}
}

func run(src, out string, keep bool) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "lamegen")
	if err != nil {
		return err
	}
	if keep {
		log.Printf("work directory %s", work)
	} else {
		defer os.RemoveAll(work)
	}
	if src == "" {
		if src, err = aptSource(work); err != nil {
			return err
		}
	}
	tgz, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(tgz); hex.EncodeToString(sum[:]) != lameSHA256 {
		return fmt.Errorf("%s: SHA-256 %x, want %s (LAME %s)", src, sum, lameSHA256, lameVersion)
	}
	// The ccgo module: ccgo links against modernc.org/libc's symbol list,
	// so it must run inside a module that requires it.
	mod := filepath.Join(work, "mod")
	if err := untar(tgz, mod); err != nil {
		return err
	}
	dir := "lame-" + lameVersion
	if err := cmd(filepath.Join(mod, dir), nil, "sh", "./configure", "--disable-frontend", "--disable-decoder", "--disable-shared"); err != nil {
		return err
	}
	if err := edit(filepath.Join(mod, dir, "config.h"), func(s string) (string, error) {
		return replaceOnce(s, "#define HAVE_XMMINTRIN_H 1", "/* #undef HAVE_XMMINTRIN_H (no SSE in Go) */")
	}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module lamegen\n\ngo 1.24\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(mod, "dep.go"), []byte("package lamegen\n\nimport _ \"modernc.org/libc\"\n"), 0o644); err != nil {
		return err
	}
	env := []string{"GOFLAGS=-mod=mod", "GOOS=", "GOARCH=", "GOWORK=off"}
	if err := cmd(mod, env, "go", "get", ccgoModule+"@"+ccgoVer, "modernc.org/libc@"+libcVer); err != nil {
		return err
	}
	args := []string{"run", ccgoModule,
		"--goos=linux", "--goarch=amd64", "--package-name=clame", "--prefix-external=X",
		"-o", "clame.go", "-DHAVE_CONFIG_H",
		"-I" + dir, "-I" + dir + "/include", "-I" + dir + "/libmp3lame"}
	for _, f := range sources {
		args = append(args, dir+"/libmp3lame/"+f)
	}
	if err := cmd(mod, env, "go", args...); err != nil {
		return err
	}
	b, err := os.ReadFile(filepath.Join(mod, "clame.go"))
	if err != nil {
		return err
	}
	g, err := rewrite(string(b), work)
	if err != nil {
		return err
	}
	return os.WriteFile(out, g, 0o644)
}

// rewrite turns ccgo's output into the committed file.
func rewrite(s, work string) ([]byte, error) {
	first, rest, _ := strings.Cut(s, "\n")
	if !strings.HasPrefix(first, "// Code generated") {
		return nil, fmt.Errorf("ccgo output starts with %q", first)
	}
	s = fmt.Sprintf("// Code generated by ccgo %s from LAME %s libmp3lame by ../gen; DO NOT EDIT.\n", ccgoVer, lameVersion) + rest
	var err error
	for _, r := range [][2]string{
		{"//go:build linux && amd64\n", buildLine + "\n"},
		{"\t\"modernc.org/libc\"\n", "\t\"" + shimImport + "\"\n"},
	} {
		if s, err = replaceOnce(s, r[0], r[1]); err != nil {
			return nil, err
		}
	}
	if i := strings.Index(s, work); i >= 0 {
		return nil, fmt.Errorf("generated code mentions the work directory: %q", s[max(0, i-80):min(len(s), i+80)])
	}
	if regexp.MustCompile(`modernc\.org/libc\b`).MatchString(s) {
		return nil, errors.New("generated code still refers to modernc.org/libc")
	}
	return vetClean(s)
}

// ptrDef is how __ccgo_ptr turns a C address into an unsafe.Pointer
// without a conversion go vet flags. It was *(*unsafe.Pointer)(&p), which
// takes p's address: every C memory access then stored the address to the
// Go stack and loaded it back, and under js/wasm (where those are loads
// and stores of linear memory) that made LAME's encode 1.65x slower
// (BenchmarkEncode60s in Node: 4.10 s against 2.44 s a minute of audio).
const ptrDef = "func __ccgo_ptr(p uintptr) unsafe.Pointer {\n\treturn unsafe.Add(nil, p)\n}"

// vetClean makes the generated code pass go vet, changing nothing it does:
//
//   - Conversions of C addresses (uintptr) to unsafe.Pointer go through
//     __ccgo_ptr (ptrDef), which adds the address to a nil pointer. The
//     memory behind every C address is kept alive by the encoder's TLS
//     (package libc) or is a Go global, and Go's heap does not move.
//   - A "return r" that ccgo appends after a statement that already returns
//     on every path (an if/else or a switch with a default whose branches
//     all return) is removed.
func vetClean(s string) ([]byte, error) {
	const def = "func __ccgo_ptr(p uintptr) unsafe.Pointer {\n\treturn unsafe.Pointer(p)\n}"
	s, err := replaceOnce(s, def, ptrDef)
	if err != nil {
		return nil, err
	}
	s = regexp.MustCompile(`\bunsafe\.Pointer\(([^&])`).ReplaceAllString(s, "__ccgo_ptr($1")

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "clame.go", s, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	removed := 0
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		l := fd.Body.List
		if n := len(l); n >= 2 {
			if _, ok := l[n-1].(*ast.ReturnStmt); ok && terminates(l[n-2]) {
				fd.Body.List = l[:n-1]
				removed++
			}
		}
	}
	if removed == 0 {
		return nil, errors.New("no unreachable returns found: has ccgo changed?")
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// terminates reports whether s is a terminating statement in the sense of
// the Go specification, for the forms ccgo emits (return, if/else, switch
// with default, blocks), without break statements.
func terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BlockStmt:
		return len(s.List) > 0 && terminates(s.List[len(s.List)-1])
	case *ast.IfStmt:
		return s.Else != nil && terminates(s.Body) && terminates(s.Else)
	case *ast.SwitchStmt:
		hasDefault := false
		for _, c := range s.Body.List {
			cc := c.(*ast.CaseClause)
			if cc.List == nil {
				hasDefault = true
			}
			if len(cc.Body) == 0 || hasBreak(cc) {
				return false
			}
			last := cc.Body[len(cc.Body)-1]
			if b, ok := last.(*ast.BranchStmt); !(ok && b.Tok == token.FALLTHROUGH) && !terminates(last) {
				return false
			}
		}
		return hasDefault
	}
	return false
}

func hasBreak(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BranchStmt:
			if n.Tok == token.BREAK {
				found = true
			}
		case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.FuncLit:
			return false // their breaks are their own
		}
		return !found
	})
	return found
}

func replaceOnce(s, old, new string) (string, error) {
	if n := strings.Count(s, old); n != 1 {
		return "", fmt.Errorf("expected %q once, found it %d times", old, n)
	}
	return strings.Replace(s, old, new, 1), nil
}

func edit(path string, f func(string) (string, error)) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s, err := f(string(b))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// aptSource downloads Debian's lame source package into dir and returns
// its upstream tarball.
func aptSource(dir string) (string, error) {
	if err := cmd(dir, nil, "apt-get", "source", "--download-only", "lame"); err != nil {
		return "", fmt.Errorf("%w (add a deb-src line for Debian's main archive and run apt-get update, or pass -src)", err)
	}
	p := filepath.Join(dir, "lame_"+lameVersion+".orig.tar.gz")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("apt-get source lame did not fetch LAME %s: %w", lameVersion, err)
	}
	return p, nil
}

func untar(tgz []byte, dst string) error {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(h.Name)
		if filepath.IsAbs(name) || strings.HasPrefix(name, "..") {
			return fmt.Errorf("tar entry %q escapes the work directory", h.Name)
		}
		p := filepath.Join(dst, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := os.WriteFile(p, b, os.FileMode(h.Mode)&0o755|0o644); err != nil {
				return err
			}
		}
	}
}

func cmd(dir string, env []string, name string, args ...string) error {
	c := exec.Command(name, args...)
	c.Dir = dir
	c.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	c.Stdout, c.Stderr = &buf, &buf
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, buf.String())
	}
	return nil
}

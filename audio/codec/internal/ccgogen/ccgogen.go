// Package ccgogen is what the generators of the transpiled C libraries
// (LAME, libvorbis and libogg, faac) share: they run modernc.org/ccgo/v4 on the
// pinned C sources in a throwaway module (Transpile), then turn its output
// into the committed file (Rewrite: the header, the build constraint, the
// libc shim instead of modernc.org/libc, exported names of the C structs
// the Go API uses, and VetClean). It is used by go generate only, never
// by the engine.
package ccgogen

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

const (
	// CCGoModule and CCGoVersion are the pinned transpiler.
	CCGoModule  = "modernc.org/ccgo/v4"
	CCGoVersion = "v4.39.3"
	// libcVersion is the modernc.org/libc that ccgo v4.39.3 requires;
	// ccgo reads its symbol list while linking. The generated code is
	// rewritten to use ShimImport instead.
	libcVersion = "v1.80.0"
	// ShimImport is the C library shim the generated code imports
	// (modernc.org/libc does not build for js/wasm).
	ShimImport = "offcut/audio/codec/internal/libc"
	// BuildLine restricts a generated package to 64-bit little-endian
	// targets: the transpiled code has the struct layouts and sizes of
	// linux/amd64 (LP64) baked in, which all of these share.
	BuildLine = "//go:build amd64 || arm64 || loong64 || mips64le || ppc64le || riscv64 || wasm"
)

// WorkDir makes a temporary work directory named after prefix and
// returns it with the function that removes it (or, with keep, logs where
// it is and leaves it, for looking into).
func WorkDir(prefix string, keep bool) (string, func(), error) {
	work, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	if keep {
		log.Printf("work directory %s", work)
		return work, func() {}, nil
	}
	return work, func() { os.RemoveAll(work) }, nil
}

// Transpile runs ccgo in mod, a directory holding the unpacked C sources,
// with args (flags and C files relative to mod) after the common ones:
// linux/amd64, package pkg, external names prefixed with X, output
// pkg.go. It returns ccgo's output. ccgo links against modernc.org/libc's
// symbol list, so mod is made a module that requires it.
func Transpile(mod, pkg string, args ...string) (string, error) {
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module "+pkg+"gen\n\ngo 1.24\n"), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(mod, "dep.go"), []byte("package "+pkg+"gen\n\nimport _ \"modernc.org/libc\"\n"), 0o644); err != nil {
		return "", err
	}
	env := []string{"GOFLAGS=-mod=mod", "GOOS=", "GOARCH=", "GOWORK=off"}
	if err := Cmd(mod, env, "go", "get", CCGoModule+"@"+CCGoVersion, "modernc.org/libc@"+libcVersion); err != nil {
		return "", err
	}
	all := append([]string{"run", CCGoModule,
		"--goos=linux", "--goarch=amd64", "--package-name=" + pkg, "--prefix-external=X",
		"-o", pkg + ".go"}, args...)
	if err := Cmd(mod, env, "go", all...); err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(mod, pkg+".go"))
	return string(b), err
}

// Generate transpiles the sources in mod (Transpile with args), rewrites
// the result (Rewrite with header, work and exported) and writes it to
// out: a generator's last step.
func Generate(mod, pkg, header, work, out string, exported [][2]string, args ...string) error {
	b, err := Transpile(mod, pkg, args...)
	if err != nil {
		return err
	}
	g, err := Rewrite(b, header, work, exported)
	if err != nil {
		return err
	}
	return os.WriteFile(out, g, 0o644)
}

// Rewrite turns ccgo's output s into the committed file: header is its
// first line (a "// Code generated ... DO NOT EDIT." comment), the build
// constraint is BuildLine, the import is ShimImport, and each of exported
// ({Go name, C name}) gets an exported alias of the C struct; then
// VetClean. work is the directory the sources were in, which the output
// must not mention.
func Rewrite(s, header, work string, exported [][2]string) ([]byte, error) {
	first, rest, _ := strings.Cut(s, "\n")
	if !strings.HasPrefix(first, "// Code generated") {
		return nil, fmt.Errorf("ccgo output starts with %q", first)
	}
	s = header + "\n" + rest
	var err error
	for _, r := range [][2]string{
		{"//go:build linux && amd64\n", BuildLine + "\n"},
		{"\t\"modernc.org/libc\"\n", "\t\"" + ShimImport + "\"\n"},
	} {
		if s, err = ReplaceOnce(s, r[0], r[1]); err != nil {
			return nil, err
		}
	}
	if i := strings.Index(s, work); i >= 0 {
		return nil, fmt.Errorf("generated code mentions the work directory: %q", s[max(0, i-80):min(len(s), i+80)])
	}
	if regexp.MustCompile(`modernc\.org/libc\b`).MatchString(s) {
		return nil, errors.New("generated code still refers to modernc.org/libc")
	}
	// ccgo keeps C's type names, which Go does not export: the Go API
	// needs the structs it allocates and reads under exported names.
	if len(exported) > 0 {
		s += "\n// Exported names of the C structs the Go API allocates and reads\n// (added by ../gen).\ntype (\n"
		for _, t := range exported {
			if !strings.Contains(s, "\ntype "+t[1]+" = struct {") {
				return nil, fmt.Errorf("ccgo output has no struct %s", t[1])
			}
			s += fmt.Sprintf("\t// %s is C's %s.\n\t%s = %s\n", t[0], t[1], t[0], t[1])
		}
		s += ")\n"
	}
	return VetClean(s)
}

// ptrDef is how __ccgo_ptr turns a C address into an unsafe.Pointer
// without a conversion go vet flags. It was *(*unsafe.Pointer)(&p), which
// takes p's address: every C memory access then stored the address to the
// Go stack and loaded it back, and under js/wasm (where those are loads
// and stores of linear memory) that made LAME's encode 1.65x slower
// (BenchmarkEncode60s in Node: 4.10 s against 2.44 s a minute of audio).
const ptrDef = "func __ccgo_ptr(p uintptr) unsafe.Pointer {\n\treturn unsafe.Add(nil, p)\n}"

// VetClean makes the generated code pass go vet, changing nothing it does:
//
//   - Conversions of C addresses (uintptr) to unsafe.Pointer go through
//     __ccgo_ptr (ptrDef), which adds the address to a nil pointer. The
//     memory behind every C address is kept alive by the encoder's TLS
//     (package libc) or is a Go global, and Go's heap does not move.
//   - Statements that cannot run are removed: those after a return, goto,
//     break or continue, or after an if/else or switch whose branches all
//     end so (C code with labels after returns, a break after a return in
//     a case, the "return r" ccgo appends), up to the next label still
//     used. A label no goto, break or continue names any more is dropped,
//     and what it labelled goes the same way if it cannot run.
func VetClean(s string) ([]byte, error) {
	const def = "func __ccgo_ptr(p uintptr) unsafe.Pointer {\n\treturn unsafe.Pointer(p)\n}"
	if !strings.Contains(s, ptrDef) { // not yet cleaned (-vetclean may run twice)
		var err error
		if s, err = ReplaceOnce(s, def, ptrDef); err != nil {
			return nil, err
		}
	}
	s = regexp.MustCompile(`\bunsafe\.Pointer\(([^&])`).ReplaceAllString(s, "__ccgo_ptr($1")

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "generated.go", s, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	removed := 0
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			removed += dropUnreachable(fd.Body)
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

// dropUnreachable removes the statements of body that cannot run, as
// vet's unreachable check sees them, and the labels left unused, until
// nothing changes. It returns how many statements and labels it removed.
func dropUnreachable(body *ast.BlockStmt) int {
	total := 0
	for {
		removed := 0
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BlockStmt:
				n.List = dropDead(n.List, &removed)
			case *ast.CaseClause:
				n.Body = dropDead(n.Body, &removed)
			case *ast.FuncLit:
				return false // its own labels
			}
			return true
		})
		used := map[string]bool{}
		ast.Inspect(body, func(n ast.Node) bool {
			if b, ok := n.(*ast.BranchStmt); ok && b.Label != nil {
				used[b.Label.Name] = true
			}
			_, lit := n.(*ast.FuncLit)
			return !lit
		})
		unlabel := func(l []ast.Stmt) {
			for i, s := range l {
				if ls, ok := s.(*ast.LabeledStmt); ok && !used[ls.Label.Name] {
					l[i] = ls.Stmt
					removed++
				}
			}
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BlockStmt:
				unlabel(n.List)
			case *ast.CaseClause:
				unlabel(n.Body)
			case *ast.FuncLit:
				return false
			}
			return true
		})
		if removed == 0 {
			return total
		}
		total += removed
	}
}

// dropDead drops the statements of l after one that never completes
// normally, up to the next labelled statement.
func dropDead(l []ast.Stmt, removed *int) []ast.Stmt {
	out := l[:0]
	dead := false
	for _, s := range l {
		if _, ok := s.(*ast.LabeledStmt); ok {
			dead = false
		}
		if dead {
			*removed++
			continue
		}
		out = append(out, s)
		dead = jumps(s)
	}
	return out
}

// jumps reports whether s never completes normally: a return, goto, break
// or continue, or a terminating if/else or switch (see terminates).
func jumps(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.LabeledStmt:
		return jumps(s.Stmt)
	case *ast.BranchStmt:
		return s.Tok != token.FALLTHROUGH
	case *ast.EmptyStmt:
		return false
	}
	return terminates(s)
}

// terminates reports whether s is a terminating statement in the sense of
// the Go specification, for the forms ccgo emits (return, if/else,
// switch with default, for without condition, goto, blocks), without break
// statements.
func terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt:
		return true
	case *ast.BranchStmt:
		return s.Tok == token.GOTO
	case *ast.BlockStmt:
		return len(s.List) > 0 && terminates(s.List[len(s.List)-1])
	case *ast.ForStmt:
		// for {} without a break out of it (labelled breaks anywhere
		// inside count, to be safe).
		return s.Cond == nil && !hasBreak(s.Body) && !hasLabelledBreak(s.Body)
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

func hasLabelledBreak(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.BREAK && b.Label != nil {
			found = true
		}
		return !found
	})
	return found
}

// ReplaceOnce replaces old in s by new, which must occur exactly once.
func ReplaceOnce(s, old, new string) (string, error) {
	if n := strings.Count(s, old); n != 1 {
		return "", fmt.Errorf("expected %q once, found it %d times", old, n)
	}
	return strings.Replace(s, old, new, 1), nil
}

// Cmd runs name with args in dir, with env added to the environment,
// and returns its output in the error when it fails.
func Cmd(dir string, env []string, name string, args ...string) error {
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

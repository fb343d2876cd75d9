package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestProfileIsOfThisTree checks that wasm/default.pgo is a profile the go
// tool reads, that LAME's quantisation loop is among its hottest functions
// (the encode it exists for), and that every hot function of Offcut's it
// names still exists here: a profile left behind by a rename would no
// longer optimise anything, silently (make pgo writes it again).
func TestProfileIsOfThisTree(t *testing.T) {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=40", filepath.Join("..", "..", "wasm", "default.pgo")).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof -top wasm/default.pgo: %v\n%s", err, out)
	}
	closure := regexp.MustCompile(`(\.func\d+)+(\.\d+)*$`)
	var checked int
	lame := false
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		sym := f[len(f)-1]
		if sym == "(inline)" && len(f) > 1 {
			sym = f[len(f)-2]
		}
		if !strings.HasPrefix(sym, "offcut/") {
			continue
		}
		// offcut/audio/project.(*renderer).envelope.func1: package
		// audio/project, method envelope of renderer.
		fn := closure.ReplaceAllString(sym, "")
		slash := strings.LastIndex(fn, "/")
		dot := slash + strings.Index(fn[slash:], ".")
		pkg, rest := fn[:dot], fn[dot+1:]
		recv := ""
		if i := strings.LastIndex(rest, "."); i >= 0 {
			recv, rest = strings.Trim(rest[:i], "(*)"), rest[i+1:]
		}
		if !funcExists(t, strings.TrimPrefix(pkg, "offcut/"), recv, rest) {
			t.Errorf("the profile's hot function %s is not in this tree: run make pgo", sym)
		}
		checked++
		lame = lame || sym == "offcut/audio/codec/lame/internal/clame.quantize_lines_xrpow"
	}
	if checked < 10 {
		t.Fatalf("only %d of Offcut's functions among the profile's 40 hottest:\n%s", checked, out)
	}
	if !lame {
		t.Errorf("LAME's quantize_lines_xrpow is not among the profile's hottest functions:\n%s", out)
	}
}

// parsed caches the declared functions of a package directory, as
// "Recv.Name" or "Name".
var parsed = map[string]map[string]bool{}

// funcExists reports whether package dir (relative to the module root)
// declares function name, or method name on type recv.
func funcExists(t *testing.T, dir, recv, name string) bool {
	t.Helper()
	funcs, ok := parsed[dir]
	if !ok {
		funcs = map[string]bool{}
		pkgs, err := parser.ParseDir(token.NewFileSet(), filepath.Join("..", "..", filepath.FromSlash(dir)), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parsing %s: %v", dir, err)
		}
		for _, p := range pkgs {
			for _, f := range p.Files {
				for _, d := range f.Decls {
					fd, ok := d.(*ast.FuncDecl)
					if !ok {
						continue
					}
					key := fd.Name.Name
					if fd.Recv != nil && len(fd.Recv.List) == 1 {
						typ := fd.Recv.List[0].Type
						if s, ok := typ.(*ast.StarExpr); ok {
							typ = s.X
						}
						if id, ok := typ.(*ast.Ident); ok {
							key = id.Name + "." + key
						}
					}
					funcs[key] = true
				}
			}
		}
		parsed[dir] = funcs
	}
	if recv != "" {
		return funcs[recv+"."+name]
	}
	return funcs[name]
}

package main

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"unsafe"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
	"github.com/tdewolff/parse/v2/html"
	"github.com/tdewolff/parse/v2/js"
)

// ref is a reference from one asset to another: the byte range of the URL
// text (without quotes) in the source and the asset it resolves to.
type ref struct {
	start, end int
	target     string
}

// findRefs lists the references in data (the source of the asset at name)
// that resolve to assets, in source order. Which syntax is searched depends
// on the extension:
//
//   - .html, .svg: src, href, xlink:href, poster attributes and srcset
//     candidates;
//   - .css: url() and strings (as in @import "x.css");
//   - .js, .mjs: module specifiers of import and export ... from, and every
//     string literal or plain template literal that names an asset relative
//     to the file, which covers import('./x.js'), new URL('./x',
//     import.meta.url), new Worker('./w.js'), importScripts and fetch;
//   - .json, .webmanifest: "src" values.
//
// Only references that resolve to a file in the tree count: URLs with a
// scheme, protocol-relative URLs, fragments and escaped strings are left
// alone.
func findRefs(name string, data []byte, assets map[string]*asset) ([]ref, error) {
	var spans [][2]int
	var err error
	switch path.Ext(name) {
	case ".html", ".htm", ".svg":
		spans, err = markupSpans(data)
	case ".css":
		spans, err = cssSpans(data)
	case ".js", ".mjs":
		var modules [][2]int
		spans, modules, err = jsSpansModules(data)
		for _, m := range modules {
			// A static import of a missing file breaks the whole module
			// graph in the browser; say so now.
			spec := string(data[m[0]:m[1]])
			if _, ok := resolve(name, spec, assets); !ok && isRelativeURL(spec) {
				return nil, fmt.Errorf("imports %q, which names no file in the www tree", spec)
			}
		}
	case ".json", ".webmanifest":
		spans = jsonSpans(data)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var refs []ref
	for _, s := range spans {
		if t, ok := resolve(name, string(data[s[0]:s[1]]), assets); ok {
			refs = append(refs, ref{start: s[0], end: s[1], target: t})
		}
	}
	slices.SortFunc(refs, func(a, b ref) int { return a.start - b.start })
	refs = slices.CompactFunc(refs, func(a, b ref) bool { return a.start == b.start })
	return refs, nil
}

// splitURL splits a URL reference into its path and its ?query#fragment.
func splitURL(raw string) (p, suffix string) {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i], raw[i:]
	}
	return raw, ""
}

// resolve returns the asset that raw, written in the asset from, refers to.
func resolve(from, raw string, assets map[string]*asset) (string, bool) {
	if raw == "" || strings.ContainsAny(raw, "\\&\"'` \t\r\n<>") {
		return "", false
	}
	p, _ := splitURL(raw)
	if p == "" || strings.HasPrefix(p, "//") || strings.HasSuffix(p, "/") {
		return "", false
	}
	if i := strings.IndexByte(p, ':'); i >= 0 && !strings.Contains(p[:i], "/") {
		return "", false // has a scheme
	}
	var t string
	if strings.HasPrefix(p, "/") {
		t = path.Clean(p[1:])
	} else {
		t = path.Join(path.Dir(from), p)
	}
	if t == ".." || strings.HasPrefix(t, "../") {
		return "", false
	}
	if _, ok := assets[t]; !ok {
		return "", false
	}
	return t, true
}

// newInput copies data into a buffer with room for the parser's NUL
// terminator, so that the parser's token slices point into the returned
// buffer and their offsets can be recovered.
func newInput(data []byte) ([]byte, *parse.Input) {
	buf := make([]byte, len(data), len(data)+1)
	copy(buf, data)
	return buf, parse.NewInputBytes(buf)
}

// offsetIn returns the offset of sub within buf, if sub is a slice of buf.
// The parser's token slices have their capacity clipped, so the offset is
// found from the addresses (both slices are live, so neither moves).
func offsetIn(buf, sub []byte) (int, bool) {
	if len(sub) == 0 || len(buf) == 0 {
		return 0, false
	}
	d := uintptr(unsafe.Pointer(unsafe.SliceData(sub))) - uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	if d > uintptr(len(buf)-len(sub)) {
		return 0, false
	}
	off := int(d)
	if &buf[off] != &sub[0] {
		return 0, false
	}
	return off, true
}

// quotedSpan returns the span inside the quotes of a quoted token that
// lies within buf.
func quotedSpan(buf, tok []byte) ([2]int, bool) {
	if len(tok) < 2 {
		return [2]int{}, false
	}
	q := tok[0]
	if (q != '"' && q != '\'' && q != '`') || tok[len(tok)-1] != q {
		return [2]int{}, false
	}
	off, ok := offsetIn(buf, tok)
	if !ok {
		return [2]int{}, false
	}
	return [2]int{off + 1, off + len(tok) - 1}, true
}

var urlAttrs = map[string]bool{"src": true, "href": true, "xlink:href": true, "poster": true}

func markupSpans(data []byte) ([][2]int, error) {
	buf, in := newInput(data)
	l := html.NewLexer(in)
	var spans [][2]int
	for {
		tt, _ := l.Next()
		switch tt {
		case html.ErrorToken:
			if err := l.Err(); err != nil && err.Error() != "EOF" {
				return nil, err
			}
			return spans, nil
		case html.AttributeToken:
			key := strings.ToLower(string(l.AttrKey()))
			val := l.AttrVal()
			if len(val) == 0 {
				continue
			}
			off, ok := offsetIn(buf, val)
			if !ok {
				continue
			}
			if val[0] == '"' || val[0] == '\'' {
				val, off = val[1:len(val)-1], off+1
			}
			switch {
			case urlAttrs[key]:
				spans = append(spans, [2]int{off, off + len(val)})
			case key == "srcset":
				spans = append(spans, srcsetSpans(val, off)...)
			}
		}
	}
}

// srcsetSpans finds the URL of each "url [descriptor]" candidate.
func srcsetSpans(val []byte, off int) [][2]int {
	var spans [][2]int
	i := 0
	for i < len(val) {
		for i < len(val) && (val[i] == ' ' || val[i] == ',' || val[i] == '\t' || val[i] == '\n') {
			i++
		}
		j := i
		for j < len(val) && val[j] != ' ' && val[j] != '\t' && val[j] != '\n' {
			j++
		}
		if j > i {
			end := j
			if val[end-1] == ',' {
				end--
			}
			spans = append(spans, [2]int{off + i, off + end})
		}
		for j < len(val) && val[j] != ',' {
			j++
		}
		i = j
	}
	return spans
}

func cssSpans(data []byte) ([][2]int, error) {
	buf, in := newInput(data)
	l := css.NewLexer(in)
	var spans [][2]int
	for {
		tt, tok := l.Next()
		switch tt {
		case css.ErrorToken:
			if err := l.Err(); err != nil && err.Error() != "EOF" {
				return nil, err
			}
			return spans, nil
		case css.StringToken:
			if s, ok := quotedSpan(buf, tok); ok {
				spans = append(spans, s)
			}
		case css.URLToken: // url(  x  ) or url("x")
			off, ok := offsetIn(buf, tok)
			if !ok {
				continue
			}
			a, b := strings.IndexByte(string(tok), '(')+1, len(tok)-1
			for a < b && isSpace(tok[a]) {
				a++
			}
			for b > a && isSpace(tok[b-1]) {
				b--
			}
			if b-a >= 2 && (tok[a] == '"' || tok[a] == '\'') && tok[b-1] == tok[a] {
				a, b = a+1, b-1
			}
			spans = append(spans, [2]int{off + a, off + b})
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// jsVisitor collects the spans of module specifiers and string literals.
type jsVisitor struct {
	buf     []byte
	spans   [][2]int
	modules [][2]int // the subset that are import/export module specifiers
}

func (v *jsVisitor) add(tok []byte) {
	if s, ok := quotedSpan(v.buf, tok); ok {
		v.spans = append(v.spans, s)
	}
}

func (v *jsVisitor) addModule(tok []byte) {
	if s, ok := quotedSpan(v.buf, tok); ok {
		v.spans = append(v.spans, s)
		v.modules = append(v.modules, s)
	}
}

// Enter implements js.IVisitor.
func (v *jsVisitor) Enter(n js.INode) js.IVisitor {
	switch n := n.(type) {
	case *js.ImportStmt:
		v.addModule(n.Module)
	case *js.ExportStmt:
		if n.Module != nil {
			v.addModule(n.Module)
		}
	case *js.LiteralExpr:
		if n.TokenType == js.StringToken {
			v.add(n.Data)
		}
	case *js.TemplateExpr:
		if n.Tag == nil && len(n.List) == 0 {
			v.add(n.Tail)
		}
	}
	return v
}

// Exit implements js.IVisitor.
func (v *jsVisitor) Exit(js.INode) {}

func jsSpans(data []byte) ([][2]int, error) {
	spans, _, err := jsSpansModules(data)
	return spans, err
}

// jsSpansModules returns the spans of all string literals and, apart, of
// the static import/export module specifiers.
func jsSpansModules(data []byte) (spans, modules [][2]int, err error) {
	buf, in := newInput(data)
	ast, err := js.Parse(in, js.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("parsing JavaScript: %w", err)
	}
	v := &jsVisitor{buf: buf}
	js.Walk(v, ast)
	return v.spans, v.modules, nil
}

// isRelativeURL reports whether a module specifier is a relative or
// root-relative URL (not a bare specifier or a full URL).
func isRelativeURL(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") ||
		(strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//"))
}

var jsonSrc = regexp.MustCompile(`"src"\s*:\s*"([^"\\]*)"`)

func jsonSpans(data []byte) [][2]int {
	var spans [][2]int
	for _, m := range jsonSrc.FindAllSubmatchIndex(data, -1) {
		spans = append(spans, [2]int{m[2], m[3]})
	}
	return spans
}

// Command gen transpiles libvorbis 1.3.7's encoder and libogg 1.3.5 to Go
// with modernc.org/ccgo/v4, producing package cvorbis. It is run by go
// generate in ../cvorbis:
//
//	go generate ./audio/codec/vorbis/internal/cvorbis
//
// Steps: fetch the sources with `apt-get source --download-only libvorbis
// libogg` (needs a deb-src line for Debian bookworm's main archive; or pass
// -vorbis and -ogg with upstream's libvorbis-1.3.7.tar.gz and
// libogg-1.3.5.tar.xz, which Debian ships unchanged as its .orig tarballs),
// check their SHA-256, unpack them, write libogg's config_types.h (the
// fixed-width types of <stdint.h>, what its configure writes on every
// 64-bit Linux), transpile libogg's two C files and libvorbis's encoder
// and the decoder parts it shares (23 files; not vorbisfile) with ccgo
// v4.39.3 from the Go module proxy, with __SSE2_MATH__ undefined so that
// libvorbis takes its portable float-to-int rounding instead of SSE2
// intrinsics, then rewrite the result to import the shared libc shim
// (audio/codec/internal/libc) instead of modernc.org/libc, which does not
// build for js/wasm. The generated file is never edited by hand: every
// change to it is made here.
//
// Needs: go, a C compiler (ccgo uses it to preprocess), tar with xz, and
// apt-get unless -vorbis and -ogg are given.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"offcut/audio/codec/internal/ccgogen"
)

const (
	// The pinned sources: upstream's release tarballs, which Debian
	// bookworm ships unchanged as libvorbis_1.3.7.orig.tar.gz and
	// libogg_1.3.5.orig.tar.xz.
	vorbisVersion = "1.3.7"
	vorbisSHA256  = "0e982409a9c3fc82ee06e08205b1355e5c6aa4c36bca58146ef399621b0ce5ab"
	oggVersion    = "1.3.5"
	oggSHA256     = "c4d91be36fc8e54deae7575241e03f4211eb102afb3fc0775fbbc1b740016705"
)

// oggSources are libogg's C files; vorbisSources are libvorbis's lib/
// files that libvorbis.so and libvorbisenc.so are built from (vorbisfile.c,
// the player's API, and the test programs are left out).
var (
	oggSources    = []string{"bitwise.c", "framing.c"}
	vorbisSources = []string{
		"analysis.c", "bitrate.c", "block.c", "codebook.c", "envelope.c",
		"floor0.c", "floor1.c", "info.c", "lookup.c", "lpc.c", "lsp.c",
		"mapping0.c", "mdct.c", "psy.c", "registry.c", "res0.c",
		"sharedbook.c", "smallft.c", "synthesis.c", "vorbisenc.c", "window.c",
	}
)

// configTypes is libogg's include/ogg/config_types.h as its configure
// writes it on 64-bit Linux.
const configTypes = `#ifndef __CONFIG_TYPES_H__
#define __CONFIG_TYPES_H__

#include <stdint.h>

typedef int16_t ogg_int16_t;
typedef uint16_t ogg_uint16_t;
typedef int32_t ogg_int32_t;
typedef uint32_t ogg_uint32_t;
typedef int64_t ogg_int64_t;
typedef uint64_t ogg_uint64_t;

#endif
`

func main() {
	vorbisTar := flag.String("vorbis", "", "libvorbis-"+vorbisVersion+".tar.gz (default: fetch with apt-get source)")
	oggTar := flag.String("ogg", "", "libogg-"+oggVersion+".tar.xz (default: fetch with apt-get source)")
	out := flag.String("out", "cvorbis.go", "output Go file")
	keep := flag.Bool("keep", false, "keep the work directory")
	fix := flag.String("vetclean", "", "only apply the go vet clean-ups to this already generated file (for developing them)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	if *fix != "" {
		b, err := os.ReadFile(*fix)
		if err == nil {
			b, err = ccgogen.VetClean(string(b))
		}
		if err == nil {
			err = os.WriteFile(*fix, b, 0o644)
		}
		if err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*vorbisTar, *oggTar, *out, *keep); err != nil {
		log.Fatal(err)
	}
}

func run(vorbisTar, oggTar, out string, keep bool) error {
	out, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	work, cleanup, err := ccgogen.WorkDir("vorbisgen", keep)
	if err != nil {
		return err
	}
	defer cleanup()
	if vorbisTar == "" || oggTar == "" {
		if vorbisTar, oggTar, err = aptSource(work); err != nil {
			return err
		}
	}
	mod := filepath.Join(work, "mod")
	if err := os.MkdirAll(mod, 0o755); err != nil {
		return err
	}
	for _, t := range []struct{ path, sum, what string }{
		{vorbisTar, vorbisSHA256, "libvorbis " + vorbisVersion},
		{oggTar, oggSHA256, "libogg " + oggVersion},
	} {
		b, err := os.ReadFile(t.path)
		if err != nil {
			return err
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != t.sum {
			return fmt.Errorf("%s: SHA-256 %x, want %s (%s)", t.path, sum, t.sum, t.what)
		}
		abs, err := filepath.Abs(t.path)
		if err != nil {
			return err
		}
		if err := ccgogen.Cmd(mod, nil, "tar", "-xf", abs, "--no-same-owner"); err != nil {
			return err
		}
	}
	vdir, odir := "libvorbis-"+vorbisVersion, "libogg-"+oggVersion
	if err := os.WriteFile(filepath.Join(mod, odir, "include", "ogg", "config_types.h"), []byte(configTypes), 0o644); err != nil {
		return err
	}
	args := []string{"-U__SSE2_MATH__", "-I" + odir + "/include", "-I" + vdir + "/include", "-I" + vdir + "/lib"}
	for _, f := range oggSources {
		args = append(args, odir+"/src/"+f)
	}
	for _, f := range vorbisSources {
		args = append(args, vdir+"/lib/"+f)
	}
	header := fmt.Sprintf("// Code generated by ccgo %s from libvorbis %s and libogg %s by ../gen; DO NOT EDIT.", ccgogen.CCGoVersion, vorbisVersion, oggVersion)
	return ccgogen.Generate(mod, "cvorbis", header, work, out, exportedTypes, args...)
}

// exportedTypes are the Go names given to C structs: {Go, C}.
var exportedTypes = [][2]string{
	{"OggPacket", "ogg_packet"},
	{"OggPage", "ogg_page"},
	{"OggStreamState", "ogg_stream_state"},
	{"VorbisBlock", "vorbis_block"},
	{"VorbisComment", "vorbis_comment"},
	{"VorbisDSPState", "vorbis_dsp_state"},
	{"VorbisInfo", "vorbis_info"},
}

// aptSource downloads Debian's libvorbis and libogg source packages into
// dir and returns their upstream tarballs.
func aptSource(dir string) (vorbisTar, oggTar string, err error) {
	if err := ccgogen.Cmd(dir, nil, "apt-get", "source", "--download-only", "libvorbis", "libogg"); err != nil {
		return "", "", fmt.Errorf("%w (add a deb-src line for Debian bookworm's main archive and run apt-get update, or pass -vorbis and -ogg)", err)
	}
	vorbisTar = filepath.Join(dir, "libvorbis_"+vorbisVersion+".orig.tar.gz")
	oggTar = filepath.Join(dir, "libogg_"+oggVersion+".orig.tar.xz")
	for _, p := range []string{vorbisTar, oggTar} {
		if _, err := os.Stat(p); err != nil {
			return "", "", fmt.Errorf("apt-get source did not fetch %s: %w", filepath.Base(p), err)
		}
	}
	return vorbisTar, oggTar, nil
}

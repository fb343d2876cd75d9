// Command offcut cuts, splits, joins, fades and converts audio files on the
// command line with the same engine the Offcut web app runs in the browser.
//
// Run `offcut help` for the commands and `offcut COMMAND --help` for each.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(c *ctx, args []string) error
}

// commands is filled in init to break the cycle through cmdUsage.
var commands []command

func init() {
	commands = []command{
		{"info", "IN [--json]", "describe an audio file", runInfo},
		{"cut", "IN --from T --to T [--remove] -o OUT", "keep (or with --remove, delete) a range", runCut},
		{"split", "IN --at T[,T...] -o PATTERN", "split at points into numbered files (PATTERN like part-%02d.wav)", runSplit},
		{"join", "IN IN... [--gap T | --crossfade T [--curve NAME]] -o OUT", "join files in order", runJoin},
		{"fade", "IN [--in T] [--out T] [--curve NAME] -o OUT", "fade in and/or out", runFade},
		{"gain", "IN (--db X | --normalize DBFS) -o OUT", "change the level, or normalise the peak", runGain},
		{"convert", "IN... -o OUT|DIR|ZIP [--format NAME] [--preset NAME] [--option NAME=VALUE] [--rate HZ] [--channels N] [--bits N|--float]", "convert files to another format or layout (several into a folder or a .zip)", runConvert},
		{"peaks", "IN --buckets N [--from T --to T] --json", "waveform min/max per bucket", runPeaks},
		{"render", "PROJECT.json -o OUT [--allow-any-path]", "render an edit document (sources beside or below it)", runRender},
		{"trim-silence", "IN -o OUT [--threshold DB] [--min T]", "cut the silence at the start and the end", runTrimSilence},
		{"formats", "[--json]", "list the formats Offcut reads and writes", runFormats},
	}
}

// ctx carries the process's streams so tests can run commands in-process.
type ctx struct {
	stdout, stderr io.Writer
}

func main() {
	cleanUpOnSignal()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	c := &ctx{stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		mainUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, cmd := range commands {
		if cmd.name != args[0] {
			continue
		}
		err := cmd.run(c, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "offcut %s: %s\nusage: offcut %s %s\n", cmd.name, ue.msg, cmd.name, cmd.args)
			return 2
		default:
			fmt.Fprintf(stderr, "offcut: %s\n", escapeText(oneLine(err.Error())))
			return 1
		}
	}
	fmt.Fprintf(stderr, "offcut: unknown command %q (try offcut help)\n", args[0])
	return 2
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func mainUsage(w io.Writer) {
	fmt.Fprintln(w, "offcut — cut, split, join, fade and convert audio; nothing leaves your machine.")
	fmt.Fprintln(w, "\nusage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  offcut %-8s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, `
Times T: seconds (12.5), [h:]mm:ss[.fff] (1:02.250) or exact frames (44100s).
The output format follows OUT's extension (.wav). offcut COMMAND --help for details.`)
}

// newFlags makes a FlagSet for a command that prints its usage to c.stdout.
func newFlags(c *ctx, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args with flags and positionals in any order, like
// `offcut cut in.wav --from 1 --to 2 -o out.wav`.
func parse(c *ctx, fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' && !isNumber(a) {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			f := fs.Lookup(name)
			if f == nil {
				if name == "h" || name == "help" {
					cmdUsage(c, fs)
					return nil, flag.ErrHelp
				}
				return nil, usagef("unknown flag %s", a)
			}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 >= len(args) {
				return nil, usagef("flag %s needs a value", a)
			}
			i++
			flags = append(flags, args[i])
			continue
		}
		pos = append(pos, a)
	}
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cmdUsage(c, fs)
			return nil, err
		}
		return nil, usagef("%v", err)
	}
	return pos, nil
}

func isNumber(s string) bool {
	for _, r := range s[1:] {
		if (r < '0' || r > '9') && r != '.' && r != ':' {
			return false
		}
	}
	return true
}

func cmdUsage(c *ctx, fs *flag.FlagSet) {
	for _, cmd := range commands {
		if cmd.name == fs.Name() {
			fmt.Fprintf(c.stdout, "usage: offcut %s %s\n  %s\n\nflags:\n", cmd.name, cmd.args, cmd.summary)
		}
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	for _, n := range names {
		f := fs.Lookup(n)
		dash := "--"
		if len(n) == 1 {
			dash = "-"
		}
		fmt.Fprintf(c.stdout, "  %s%s\t%s\n", dash, n, f.Usage)
	}
	fmt.Fprintln(c.stdout, "\nTimes: seconds (12.5), [h:]mm:ss[.fff] or exact frames (44100s).")
}

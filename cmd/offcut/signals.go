package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// tempFiles are the temporary outputs (files, or folders of encoded
// segments) being written, removed if the
// process is interrupted.
type tempFiles struct {
	mu    sync.Mutex
	names map[string]bool
}

var temps = &tempFiles{names: map[string]bool{}}

func (t *tempFiles) add(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.names[name] = true
}

func (t *tempFiles) remove(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.names, name)
}

// removeAll deletes every registered file and folder; it holds the lock so that no
// new temporary file appears meanwhile (and none is renamed into place
// after: writeAtomic removes its name only after the rename).
func (t *tempFiles) removeAll() {
	t.mu.Lock()
	for name := range t.names {
		os.RemoveAll(name) // a file, or a folder of segments
	}
}

// cleanUpOnSignal makes SIGINT and SIGTERM remove the
// temporary output files before the process exits with 128+signal, as a
// shell reports a process killed by that signal.
func cleanUpOnSignal() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-ch
		temps.removeAll()
		fmt.Fprintf(os.Stderr, "offcut: interrupted (%v); the unfinished output was removed\n", sig)
		code := 1
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}()
}

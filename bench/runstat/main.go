// Command runstat runs a command and prints, as one JSON line on stderr,
// its wall time, CPU time (user + system) and peak resident memory: the
// figures make bench quotes for the native tools. The command's own
// standard output and error are discarded unless it fails.
//
//	runstat CMD [ARG...]
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: runstat CMD [ARG...]")
		os.Exit(2)
	}
	var out bytes.Buffer
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	st := cmd.ProcessState
	if st == nil {
		fmt.Fprintf(os.Stderr, "runstat: %v\n", err)
		os.Exit(1)
	}
	ru, _ := st.SysUsage().(*syscall.Rusage)
	res := map[string]any{"wallMs": float64(wall.Microseconds()) / 1000, "exit": st.ExitCode()}
	if ru != nil {
		cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		res["cpuMs"] = float64(cpu.Microseconds()) / 1000
		res["maxRssKiB"] = ru.Maxrss // kilobytes on Linux
	}
	if err != nil {
		res["error"] = err.Error()
		if out.Len() > 4000 {
			out.Truncate(4000)
		}
		res["output"] = out.String()
	}
	json.NewEncoder(os.Stderr).Encode(res)
	if err != nil {
		os.Exit(1)
	}
}

package mkv

import "runtime"

type runtime_MemStats = runtime.MemStats

func readMem(m *runtime.MemStats) {
	runtime.GC()
	runtime.ReadMemStats(m)
}

package site_test

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkServe measures requests per second over loopback (a real TCP
// listener on 127.0.0.1 and keep-alive clients running in parallel) for
// index.html and a 2 MB .wasm in each encoding. Run with
//
//	go test ./server/site -run '^$' -bench Serve -benchtime 3s
func BenchmarkServe(b *testing.B) {
	s := MustOpenServer(b, withWasmSize(2<<20), withoutLog())
	for _, target := range []struct{ name, path string }{
		{"index.html", "/"},
		{"wasm-2MB", "/" + fxWasm},
	} {
		for _, enc := range []string{"identity", "gzip", "br"} {
			b.Run(target.name+"/"+enc, func(b *testing.B) {
				ae := enc
				if enc == "identity" {
					ae = ""
				}
				resp, body := s.Do(b, "GET", target.path, "Accept-Encoding", ae)
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					req, _ := http.NewRequest("GET", s.URL+target.path, nil)
					if ae != "" {
						req.Header.Set("Accept-Encoding", ae)
					}
					for pb.Next() {
						resp, err := s.Client.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}

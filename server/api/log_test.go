package api_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// fakeURL lets a Client talk to a server in another process.
func fakeURL(url string) *httptest.Server { return &httptest.Server{URL: url} }

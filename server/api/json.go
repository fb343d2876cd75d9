package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"offcut/server/cloud"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads a strict JSON body into v: application/json, at most
// MaxJSON bytes, nested at most MaxJSONDepth deep, no unknown fields, one
// value and nothing after it.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return cloud.Errorf(cloud.EINVALID, "the body must be JSON with Content-Type: application/json")
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSON))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return cloud.Errorf(cloud.ETOOLARGE, "the JSON body is larger than %d bytes", MaxJSON)
	} else if err != nil {
		return cloud.Errorf(cloud.EINVALID, "reading the body: %v", err)
	}
	if d := depth(b); d > MaxJSONDepth {
		return cloud.Errorf(cloud.EINVALID, "the JSON body is nested more than %d deep", MaxJSONDepth)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return cloud.Errorf(cloud.EINVALID, "the JSON body is malformed: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return cloud.Errorf(cloud.EINVALID, "the JSON body holds more than one value")
	}
	return nil
}

// depth returns the deepest nesting of arrays and objects in b, reading
// strings correctly; it stops counting once past the limit.
func depth(b []byte) int {
	d, max := 0, 0
	inStr, esc := false, false
	for _, c := range b {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			d++
			if d > max {
				max = d
				if max > MaxJSONDepth {
					return max
				}
			}
		case c == ']' || c == '}':
			d--
		}
	}
	return max
}

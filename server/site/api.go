package site

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error codes of the API. Each maps to one HTTP status.
const (
	ECONFLICT       = "conflict"
	EFORBIDDEN      = "forbidden"
	EINTERNAL       = "internal"
	EINVALID        = "invalid"
	ENOTFOUND       = "not_found"
	ENOTIMPLEMENTED = "not_implemented"
	ETOOLARGE       = "too_large"
	EUNAUTHORIZED   = "unauthorized"
)

var statusOf = map[string]int{
	ECONFLICT:       http.StatusConflict,
	EFORBIDDEN:      http.StatusForbidden,
	EINTERNAL:       http.StatusInternalServerError,
	EINVALID:        http.StatusBadRequest,
	ENOTFOUND:       http.StatusNotFound,
	ENOTIMPLEMENTED: http.StatusNotImplemented,
	ETOOLARGE:       http.StatusRequestEntityTooLarge,
	EUNAUTHORIZED:   http.StatusUnauthorized,
}

// Error is an error the API shows to its caller: a Code from the list
// above and a Message written for the user. Any other error is internal:
// logged in full and shown as "internal error".
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("offcut error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the *Error in err's chain, and
// "internal error" for any other error.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e) && e.Code != EINTERNAL:
		return e.Message
	}
	return "internal error"
}

// ErrorStatus returns the HTTP status for an error code (500 for codes it
// does not know).
func ErrorStatus(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// writeError sends err as {"error": message} with the status of its code,
// logging internal errors with their detail.
func (s *Site) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := ErrorCode(err)
	if code == EINTERNAL {
		s.log.Error("internal error", "method", r.Method, "path", logPath(r.URL.Path), "error", err)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(ErrorStatus(code))
	json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{ErrorMessage(err)})
}

// serveAPI answers /api/. Cloud save is not there yet, so every endpoint
// is unknown.
func (s *Site) serveAPI(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, Errorf(ENOTFOUND, "no API endpoint %s %s (cloud save is not available yet)", r.Method, logPath(r.URL.Path)))
}

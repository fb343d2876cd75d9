package cloud

import (
	"errors"
	"fmt"
)

// Error codes. The http package maps each to one status; nothing else
// switches on them.
const (
	EINVALID      = "invalid"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	ETOOLARGE     = "too_large"
	EQUOTA        = "quota"
	ERATELIMITED  = "rate_limited"
	EUNAVAILABLE  = "unavailable"
	EINTERNAL     = "internal"
)

// Error is an error meant for the user: a Code from the list above and a
// Message saying what went wrong. Any other error is internal: logged in
// full and shown as "internal error".
type Error struct {
	Code    string
	Message string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("cloud: %s: %s", e.Code, e.Message) }

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

// ErrorMessage returns the message of the *Error in err's chain and
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

// ErrNotFound is returned by stores for a row or blob that does not exist
// (or belongs to another account: the two are never told apart).
var ErrNotFound = &Error{Code: ENOTFOUND, Message: "not found"}

// ErrUnavailable wraps a failure of a back end (database or blob store
// unreachable) so the user is told to retry rather than "internal error".
var ErrUnavailable = &Error{Code: EUNAVAILABLE, Message: "storage is unavailable; try again shortly"}

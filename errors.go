package deblur

import (
	"errors"
	"fmt"

	"github.com/deblur/deblur/blind"
)

// Errors that Deblur's errors wrap, one per meaning a caller must tell
// apart; test with errors.Is. A cancelled run returns the context's error
// (context.Canceled or context.DeadlineExceeded) with the result so far.
var (
	// ErrOptions: an option is out of its range or does not apply to the
	// method; the message names the option and what it accepts.
	ErrOptions = errors.New("invalid options")
	// ErrImageSize: the image's size does not suit the method (too small
	// for the kernel size, or not the size a generative prior makes).
	ErrImageSize = blind.ErrImageSize
	// ErrDiverged: the optimisation diverged (a loss stopped being
	// finite) in every fit; the result returned with it, if any, holds the
	// last finite estimate.
	ErrDiverged = blind.ErrDiverged
)

// OptionError is an invalid option: Option names the field of Options
// (Method for the method's own settings), Value is what was given and
// Reason what it accepts. It wraps ErrOptions.
type OptionError struct {
	Option string
	Value  any
	Reason string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("deblur: invalid options: %s %v: %s", e.Option, e.Value, e.Reason)
}

// Unwrap returns ErrOptions.
func (e *OptionError) Unwrap() error { return ErrOptions }

// optionErr returns an *OptionError.
func optionErr(option string, value any, format string, a ...any) error {
	return &OptionError{Option: option, Value: value, Reason: fmt.Sprintf(format, a...)}
}

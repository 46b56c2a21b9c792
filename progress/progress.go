// Package progress is how deblur's algorithms tell their caller what they
// are doing. Algorithms never print: they send Events to a Recorder, and the
// caller (the command line, the web app, a benchmark, a library user)
// decides what to show.
package progress

import (
	"time"

	"github.com/deblur/deblur/plane"
)

// Event is one update from a running algorithm.
type Event struct {
	Stage    string        // what is running, e.g. "selfdeblur", "deconv"
	Iter     int           // iterations done in this stage
	Total    int           // iterations planned in this stage (0 if unknown)
	Loss     float64       // current objective value (NaN if none)
	Elapsed  time.Duration // time since the stage started
	Message  string        // optional free text
	Finished bool          // the stage has ended
	// Kernel and Image, on snapshot events only (when the caller asks
	// for them), are the current estimate: the convolution kernel and
	// the method's image of the region it fits. They belong to the
	// recorder, which may keep them.
	Kernel, Image *plane.Plane
}

// Recorder receives progress events. Record is called from the
// algorithm's goroutine and should return quickly.
type Recorder interface {
	Record(Event)
}

// Func adapts a function to a Recorder.
type Func func(Event)

// Record calls f(e).
func (f Func) Record(e Event) { f(e) }

// Send calls r.Record(e) when r is not nil.
func Send(r Recorder, e Event) {
	if r != nil {
		r.Record(e)
	}
}

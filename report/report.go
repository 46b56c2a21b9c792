// Package report is how deblur's algorithms tell their caller what they are
// doing. Algorithms never print: they send Progress values to a Recorder,
// and the caller (the command line, a benchmark, a library user) decides
// what to show.
package report

import "time"

// Progress is one update from a running algorithm.
type Progress struct {
	Stage    string        // what is running, e.g. "selfdeblur", "deconv"
	Iter     int           // iterations done in this stage
	Total    int           // iterations planned in this stage (0 if unknown)
	Loss     float64       // current objective value (NaN if none)
	Elapsed  time.Duration // time since the stage started
	Message  string        // optional free text
	Finished bool          // the stage has ended
}

// Recorder receives progress updates. Record is called from the
// algorithm's goroutine and should return quickly.
type Recorder interface {
	Record(Progress)
}

// Func adapts a function to a Recorder.
type Func func(Progress)

// Record calls f(p).
func (f Func) Record(p Progress) { f(p) }

// Send calls r.Record(p) when r is not nil.
func Send(r Recorder, p Progress) {
	if r != nil {
		r.Record(p)
	}
}

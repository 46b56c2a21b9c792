package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/deblur/deblur/internal/atomicfile"
)

// The states of a job.
const (
	Queued    = "queued"
	Running   = "running"
	Done      = "done"
	Failed    = "failed"
	Cancelled = "cancelled"
)

// Settings are what a job was asked to do, as the form or the API gave
// them (zero values: chosen by the library).
type Settings struct {
	Method     string `json:"method"`
	KernelSize int    `json:"kernel_size,omitempty"`
	Iters      int    `json:"iters,omitempty"`
	Region     []int  `json:"region,omitempty"` // x, y, w, h
	Seed       uint64 `json:"seed,omitempty"`
}

// Progress is how far a running job is.
type Progress struct {
	Stage      string  `json:"stage,omitempty"`
	Iter       int     `json:"iter"`
	Total      int     `json:"total"`
	Loss       float64 `json:"loss,omitempty"`
	Elapsed    float64 `json:"elapsed_seconds"`
	ETA        float64 `json:"eta_seconds,omitempty"`
	Message    string  `json:"message,omitempty"`
	Snapshot   int     `json:"snapshot,omitempty"` // how many live kernel/preview images so far
	Percentage float64 `json:"percent"`
}

// Status is a job as the API reports it.
type Status struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"` // the uploaded file's name, for display
	Width    int        `json:"width"`
	Height   int        `json:"height"`
	State    string     `json:"state"`
	Settings Settings   `json:"settings"`
	Progress Progress   `json:"progress"`
	Error    string     `json:"error,omitempty"`
	Created  time.Time  `json:"created"`
	Started  *time.Time `json:"started,omitempty"`
	Finished *time.Time `json:"finished,omitempty"`
	// From names the job whose input this one reuses (a rerun).
	From string `json:"from,omitempty"`
}

// job is one deblurring job: its status, its folder, its cancel function
// and the clients following it.
type job struct {
	id     string // st.ID, which never changes: safe to read without mu
	mu     sync.Mutex
	st     Status
	dir    string
	cancel context.CancelFunc
	subs   map[chan event]struct{}
	// The live view: the latest kernel and preview as PNG bytes.
	kernelPNG, previewPNG []byte
}

// idPattern is what a job ID looks like: 32 hexadecimal digits from
// crypto/rand, so it is unguessable and safe in a path.
var idPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// status returns a copy of the job's status.
func (j *job) status() Status {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.st
}

// finished reports whether the job has ended.
func finished(state string) bool { return state == Done || state == Failed || state == Cancelled }

// save writes the job's status to job.json in its folder, atomically.
func (j *job) save() error {
	return atomicfile.WriteJSON(filepath.Join(j.dir, "job.json"), j.status())
}

// loadJob reads a job's folder back (a server restart): a job that had
// not finished is marked failed.
func loadJob(dir string) (*job, error) {
	data, err := os.ReadFile(filepath.Join(dir, "job.json"))
	if err != nil {
		return nil, err
	}
	var st Status
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, err
	}
	if !idPattern.MatchString(st.ID) || filepath.Base(dir) != st.ID {
		return nil, os.ErrInvalid
	}
	j := &job{id: st.ID, st: st, dir: dir, subs: map[chan event]struct{}{}}
	if !finished(st.State) {
		now := time.Now()
		j.st.State, j.st.Error, j.st.Finished = Failed, "the server stopped before the job finished", &now
	}
	return j, nil
}

// finite returns v, or 0 for NaN and infinities (JSON has neither).
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

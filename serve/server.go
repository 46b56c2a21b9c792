// Package serve is deblur's local web app: an HTTP server with an embedded
// single page and a JSON API to upload a photo, deblur it with the library
// (deblur.Deblur) in a bounded pool of workers, follow the kernel and the
// image as they converge (server-sent events), and download the results.
// docs/web.md documents the API.
package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/deblur/deblur/imageio"
)

// Config configures a Server. Zero values mean the defaults in the
// comments.
type Config struct {
	// WorkDir holds every job's folder (uploads and results); it is
	// created if missing. Required.
	WorkDir string
	// Jobs is how many jobs run at once (default 1); the others queue,
	// and each running job uses the cores the library chooses.
	Jobs int
	// QueueLimit bounds the jobs waiting to run (default 64); an upload
	// beyond it is refused with 503.
	QueueLimit int
	// MaxUpload bounds an upload in bytes (default 64 MiB; larger: 413).
	MaxUpload int64
	// MaxPixels bounds an image's pixel count (default 50 megapixels;
	// larger: 422), checked from its header before decoding.
	MaxPixels int64
	// TTL is how long a finished job's files are kept (default 24 hours).
	TTL time.Duration
	// Logf, when not nil, receives a line per job event.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() Config {
	if c.Jobs <= 0 {
		c.Jobs = 1
	}
	if c.QueueLimit <= 0 {
		c.QueueLimit = 64
	}
	if c.MaxUpload <= 0 {
		c.MaxUpload = 64 << 20
	}
	if c.MaxPixels <= 0 {
		c.MaxPixels = 50_000_000
	}
	if c.TTL <= 0 {
		c.TTL = 24 * time.Hour
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return c
}

// Server runs jobs and serves the page and the API. Create it with New,
// serve Handler, and Close it to cancel running jobs and stop the workers.
type Server struct {
	cfg    Config
	mu     sync.Mutex
	jobs   map[string]*job
	queue  chan *job
	ctx    context.Context // cancelled by Close: every running job stops
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New creates the work folder, loads the jobs a previous server left there
// (a job that had not finished is marked failed) and starts the workers
// and the clean-up of old results.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if cfg.WorkDir == "" {
		return nil, errors.New("serve: no work folder")
	}
	if err := os.MkdirAll(filepath.Join(cfg.WorkDir, "jobs"), 0o755); err != nil {
		return nil, fmt.Errorf("serve: work folder: %w", err)
	}
	s := &Server{cfg: cfg, jobs: map[string]*job{}, queue: make(chan *job, cfg.QueueLimit)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.load(); err != nil {
		return nil, err
	}
	for range cfg.Jobs {
		s.wg.Go(s.worker)
	}
	s.wg.Go(s.janitor)
	return s, nil
}

// load reads the job folders a previous server left.
func (s *Server) load() error {
	entries, err := os.ReadDir(filepath.Join(s.cfg.WorkDir, "jobs"))
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	for _, e := range entries {
		dir := filepath.Join(s.cfg.WorkDir, "jobs", e.Name())
		if !e.IsDir() || !idPattern.MatchString(e.Name()) {
			continue
		}
		j, err := loadJob(dir)
		if err != nil {
			s.cfg.Logf("skipping %s: %v", dir, err)
			continue
		}
		if err := j.save(); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		s.jobs[j.id] = j
	}
	return nil
}

// Close cancels every queued and running job, waits for the workers and
// the clean-up to stop, and returns. Cancelled jobs leave no partial
// outputs.
func (s *Server) Close() error {
	s.cancel()
	s.mu.Lock()
	for _, j := range s.jobs {
		j.mu.Lock()
		if j.st.State == Queued {
			s.endLocked(j, Cancelled, "the server stopped")
		}
		j.mu.Unlock()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// get returns the job called id, or nil.
func (s *Server) get(id string) *job {
	if !idPattern.MatchString(id) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[id]
}

// list returns every job's status, the newest first.
func (s *Server) list() []Status {
	s.mu.Lock()
	out := make([]Status, 0, len(s.jobs))
	for _, j := range s.jobs {
		out = append(out, j.status())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Status) int { return b.Created.Compare(a.Created) })
	return out
}

// janitor removes finished jobs older than the TTL, every minute until
// Close.
func (s *Server) janitor() {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		s.expire(time.Now())
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// expire removes the finished jobs that ended before now minus the TTL.
func (s *Server) expire(now time.Time) {
	s.mu.Lock()
	var old []*job
	for id, j := range s.jobs {
		st := j.status()
		if finished(st.State) && st.Finished != nil && now.Sub(*st.Finished) > s.cfg.TTL {
			old = append(old, j)
			delete(s.jobs, id)
		}
	}
	s.mu.Unlock()
	for _, j := range old {
		s.cfg.Logf("job %s expired", j.id)
		os.RemoveAll(j.dir)
	}
}

// limits are the decoding limits of uploads.
func (s *Server) limits() imageio.Limits { return imageio.Limits{MaxPixels: s.cfg.MaxPixels} }

// Handler returns the HTTP handler: the page, its static files and the
// API. It refuses cross-origin requests.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
	mux.HandleFunc("POST /api/jobs", s.create)
	mux.HandleFunc("GET /api/jobs", s.listJobs)
	mux.HandleFunc("GET /api/jobs/{id}", s.getJob)
	mux.HandleFunc("DELETE /api/jobs/{id}", s.deleteJob)
	mux.HandleFunc("GET /api/jobs/{id}/events", s.events)
	mux.HandleFunc("GET /api/jobs/{id}/{file}", s.file)
	mux.HandleFunc("GET /api/jobs/{id}/live/{file}", s.live)
	return sameOrigin(mux)
}

// sameOrigin refuses requests a page of another origin makes (403): an
// Origin header that is not this host, or a browser's cross-site fetch
// marker. The server sends no CORS headers, so browsers keep other sites
// from reading its answers too.
func sameOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			writeError(w, http.StatusForbidden, "cross-origin requests are refused")
			return
		}
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
			writeError(w, http.StatusForbidden, "cross-origin requests are refused")
			return
		}
		next.ServeHTTP(w, r)
	})
}

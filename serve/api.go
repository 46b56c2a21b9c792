package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/deblur/deblur/internal/atomicfile"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/selfdeblur"
)

// methods are the methods the API accepts: SelfDeblur's default preset,
// the classical L0 method, SelfDeblur's published configuration.
var methods = []string{"selfdeblur", "l0", "paper"}

// Limits of the numeric fields.
const (
	maxKernelSize = 255
	maxIters      = 100_000
)

// apiError is an error with the HTTP status it answers with.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &apiError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// writeError answers with a JSON error: {"error": message}.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// writeErr answers with err's status (500 for an unknown error).
func writeErr(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeError(w, ae.status, ae.msg)
		return
	}
	writeError(w, http.StatusInternalServerError, err.Error())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// formFields are the fields POST /api/jobs accepts besides the file
// "image": the settings and "from". Any other field is refused, so that a
// misspelt setting is not silently ignored.
var formFields = []string{"method", "kernel_size", "iters", "seed", "region", "from"}

// parseSettings reads and checks the form fields method, kernel_size,
// iters, region ("x,y,w,h") and seed; messages name the field. A field
// not in formFields (or a file other than "image") is an error.
func parseSettings(r *http.Request) (Settings, error) {
	for name := range r.Form {
		if !contains(formFields, name) {
			return Settings{}, badRequest("%q is not a setting: want %s (and the file \"image\")", name, strings.Join(formFields, ", "))
		}
	}
	if r.MultipartForm != nil {
		for name := range r.MultipartForm.File {
			if name != "image" {
				return Settings{}, badRequest("file field %q: the image goes in the field \"image\"", name)
			}
		}
	}
	st := Settings{Method: r.FormValue("method")}
	if st.Method == "" {
		st.Method = "selfdeblur"
	}
	if !contains(methods, st.Method) {
		return st, badRequest("method %q: want one of %s", st.Method, strings.Join(methods, ", "))
	}
	var err error
	if st.KernelSize, err = formInt(r, "kernel_size", 0, maxKernelSize); err != nil {
		return st, err
	}
	if st.KernelSize > 0 && st.KernelSize < 3 {
		return st, badRequest("kernel_size %d: want 0 (chosen) or 3..%d", st.KernelSize, maxKernelSize)
	}
	if st.Iters, err = formInt(r, "iters", 0, maxIters); err != nil {
		return st, err
	}
	if v := r.FormValue("seed"); v != "" {
		if st.Seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			return st, badRequest("seed %q: want a whole number from 0", v)
		}
	}
	if v := r.FormValue("region"); v != "" {
		parts := strings.Split(v, ",")
		if len(parts) != 4 {
			return st, badRequest("region %q: want x,y,w,h", v)
		}
		for i, p := range parts {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n < 0 || (i >= 2 && n == 0) {
				return st, badRequest("region %q: want x,y,w,h with x, y >= 0 and w, h > 0", v)
			}
			st.Region = append(st.Region, n)
		}
	}
	return st, nil
}

// formInt reads an optional integer field in [lo, hi] (empty: 0).
func formInt(r *http.Request, name string, lo, hi int) (int, error) {
	v := r.FormValue(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("%s %q: want a whole number from %d to %d (0: chosen)", name, v, lo, hi)
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// options turns a job's settings into the library's options for an image
// with bounds b.
func options(st Settings, b image.Rectangle) (*deblur.Options, error) {
	o := &deblur.Options{KernelSize: st.KernelSize, Seed: st.Seed}
	switch st.Method {
	case "l0":
		o.Method = l0.Estimator{Iterations: st.Iters}
	case "paper":
		o.Method = selfdeblur.Estimator{Preset: selfdeblur.PresetPaper, Iterations: st.Iters}
	default:
		o.Method = selfdeblur.Estimator{Iterations: st.Iters}
	}
	if len(st.Region) == 4 {
		o.Region = image.Rect(st.Region[0], st.Region[1], st.Region[0]+st.Region[2], st.Region[1]+st.Region[3]).Add(b.Min)
	}
	return o, nil
}

// apiNames names the fields of deblur.Options as the API does.
var apiNames = map[string]string{"KernelSize": "kernel_size", "Region": "region", "Method": "method", "Scale": "scale"}

// checkPlan asks the library whether it can deblur img with o, so that a
// job that cannot run is refused at once (422) instead of failing later.
func checkPlan(img image.Image, o *deblur.Options) error {
	_, err := deblur.NewPlan(img, o)
	var oe *deblur.OptionError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &oe):
		name := apiNames[oe.Option]
		if name == "" {
			name = oe.Option
		}
		return &apiError{http.StatusUnprocessableEntity, fmt.Sprintf("%s %v: %s", name, oe.Value, oe.Reason)}
	case errors.Is(err, deblur.ErrImageSize):
		return &apiError{http.StatusUnprocessableEntity, strings.TrimPrefix(err.Error(), "deblur: ")}
	}
	return err
}

// readUpload returns the uploaded image's bytes and file name, or the
// input of the job named by the form field "from" (a rerun).
func (s *Server) readUpload(r *http.Request) (data []byte, name, from string, err error) {
	if from = r.FormValue("from"); from != "" {
		j := s.get(from)
		if j == nil {
			return nil, "", "", &apiError{http.StatusNotFound, fmt.Sprintf("from %q: no such job", from)}
		}
		data, err = os.ReadFile(filepath.Join(j.dir, inputFile))
		if err != nil {
			return nil, "", "", &apiError{http.StatusGone, fmt.Sprintf("from %q: its input is gone", from)}
		}
		return data, j.status().Name, from, nil
	}
	f, hdr, err := r.FormFile("image")
	if err != nil {
		return nil, "", "", badRequest("image: a file is required (multipart field \"image\"), or \"from\" with a job ID")
	}
	defer f.Close()
	data, err = io.ReadAll(f)
	if err != nil {
		return nil, "", "", err
	}
	return data, filepath.Base(hdr.Filename), "", nil
}

// create is POST /api/jobs: a multipart form with the image (or "from")
// and the settings. It answers 202 with the job's ID and status.
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than the limit of %d bytes", s.cfg.MaxUpload))
			return
		}
		writeError(w, http.StatusBadRequest, "want a multipart form: "+err.Error())
		return
	}
	defer r.MultipartForm.RemoveAll()
	st, err := parseSettings(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	data, name, from, err := s.readUpload(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	img, err := imageio.DecodeImage(bytes.NewReader(data), s.limits())
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "image: "+strings.TrimPrefix(err.Error(), "imageio: "))
		return
	}
	o, err := options(st, img.Bounds())
	if err == nil {
		err = checkPlan(img, o)
	}
	if err != nil {
		writeErr(w, err)
		return
	}
	j, err := s.add(st, data, name, from, img)
	if err != nil {
		writeErr(w, err)
		return
	}
	status := j.status()
	writeJSON(w, http.StatusAccepted, map[string]any{"id": status.ID, "status": status})
}

// add creates a job's folder and queues it.
func (s *Server) add(st Settings, data []byte, name, from string, img image.Image) (*job, error) {
	id, err := newID()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(s.cfg.WorkDir, "jobs", id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	j := &job{id: id, dir: dir, subs: map[chan event]struct{}{}, st: Status{
		ID: id, Name: name, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), State: Queued, Settings: st, Created: time.Now(), From: from,
	}}
	fail := func(err error) (*job, error) { os.RemoveAll(dir); return nil, err }
	if err := atomicfile.WriteFile(filepath.Join(dir, inputFile), data); err != nil {
		return fail(err)
	}
	if err := imageio.WritePNG(filepath.Join(dir, inputPNG), imageio.FromImage(img), imageio.Depth8); err != nil {
		return fail(err)
	}
	if err := j.save(); err != nil {
		return fail(err)
	}
	desc := describe(j.st)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[id] = j
	select {
	case s.queue <- j:
	default:
		delete(s.jobs, id)
		return fail(&apiError{http.StatusServiceUnavailable, fmt.Sprintf("the server is busy: %d jobs are waiting already", s.cfg.QueueLimit)})
	}
	s.cfg.Logf("job %s queued", desc)
	return j, nil
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.list())
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) {
	j := s.get(r.PathValue("id"))
	if j == nil {
		writeError(w, http.StatusNotFound, "no such job")
		return
	}
	writeJSON(w, http.StatusOK, j.status())
}

// deleteJob cancels a queued or running job (200 with its status) or
// removes a finished one and its files (204).
func (s *Server) deleteJob(w http.ResponseWriter, r *http.Request) {
	j := s.get(r.PathValue("id"))
	if j == nil {
		writeError(w, http.StatusNotFound, "no such job")
		return
	}
	j.mu.Lock()
	state := j.st.State
	j.mu.Unlock()
	if !finished(state) {
		s.end(j, Cancelled, "cancelled")
		writeJSON(w, http.StatusOK, j.status())
		return
	}
	s.mu.Lock()
	delete(s.jobs, j.id)
	s.mu.Unlock()
	if err := os.RemoveAll(j.dir); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// file serves a job's input (input.png), results (image.png, kernel.png,
// report.json) once written.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	j := s.get(r.PathValue("id"))
	name := r.PathValue("file")
	if j == nil || !contains([]string{inputPNG, imageFile, kernelFile, reportFile}, name) {
		writeError(w, http.StatusNotFound, "no such file")
		return
	}
	f, err := os.Open(filepath.Join(j.dir, name))
	if err != nil {
		writeError(w, http.StatusNotFound, name+" is not there (yet)")
		return
	}
	defer f.Close()
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasSuffix(name, ".json") {
		w.Header().Set("Content-Type", "application/json")
	}
	if r.URL.Query().Has("download") {
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", downloadName(j.status().Name, name)))
	}
	st, _ := f.Stat()
	http.ServeContent(w, r, name, st.ModTime(), f)
}

// downloadName is the file name of a result offered for download:
// photo.jpg's image.png is photo-deblurred.png.
func downloadName(input, file string) string {
	base := strings.TrimSuffix(input, filepath.Ext(input))
	if base == "" {
		base = "image"
	}
	switch file {
	case imageFile:
		return base + "-deblurred.png"
	case kernelFile:
		return base + "-deblurred-kernel.png"
	case reportFile:
		return base + "-deblurred.json"
	}
	return file
}

// live serves the running job's latest kernel (kernel.png) or preview
// (preview.png).
func (s *Server) live(w http.ResponseWriter, r *http.Request) {
	j := s.get(r.PathValue("id"))
	if j == nil {
		writeError(w, http.StatusNotFound, "no such job")
		return
	}
	j.mu.Lock()
	var data []byte
	switch r.PathValue("file") {
	case "kernel.png":
		data = j.kernelPNG
	case "preview.png":
		data = j.previewPNG
	}
	j.mu.Unlock()
	if data == nil {
		writeError(w, http.StatusNotFound, "no live image yet")
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"time"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/atomicfile"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
)

// The files of a job's folder.
const (
	inputFile   = "input.bin"   // the upload as sent
	inputPNG    = "input.png"   // the upload for the page (8-bit PNG)
	imageFile   = "image.png"   // the result
	kernelFile  = "kernel.png"  // the kernel, enlarged for viewing
	reportFile  = "report.json" // the run's report
	previewSide = 480           // the live preview's longer side
)

// resultFiles are the outputs a job writes, removed when it does not end
// well.
var resultFiles = []string{imageFile, kernelFile, reportFile}

// worker runs queued jobs until Close.
func (s *Server) worker() {
	for {
		select {
		case <-s.ctx.Done():
			return
		case j := <-s.queue:
			s.run(j)
		}
	}
}

// run runs one job: reads its upload, deblurs it and writes the results,
// following progress and snapshots for the clients.
func (s *Server) run(j *job) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	j.mu.Lock()
	if j.st.State != Queued { // cancelled while queued
		j.mu.Unlock()
		return
	}
	now := time.Now()
	j.st.State, j.st.Started, j.cancel = Running, &now, cancel
	j.mu.Unlock()
	s.publishStatus(j)
	s.cfg.Logf("job %s running", j.id)
	img, err := imageio.ReadImage(filepath.Join(j.dir, inputFile), s.limits())
	if err != nil {
		s.end(j, Failed, err.Error())
		return
	}
	st := j.status()
	opts, err := options(st.Settings, img.Bounds())
	if err != nil {
		s.end(j, Failed, err.Error())
		return
	}
	opts.Recorder = &recorder{s: s, j: j}
	opts.SnapshotEvery = snapshotEvery(st.Settings.Method)
	res, err := deblur.Deblur(ctx, img, opts)
	switch {
	case errors.Is(err, context.Canceled):
		s.end(j, Cancelled, "cancelled")
	case err != nil:
		s.end(j, Failed, err.Error())
	default:
		if err := writeResults(j, res); err != nil {
			s.end(j, Failed, "writing the results: "+err.Error())
			return
		}
		s.end(j, Done, "")
	}
}

// snapshotEvery is how often, in iterations, the live view is refreshed
// for a method: every few seconds on two cores.
func snapshotEvery(method string) int {
	switch method {
	case "l0":
		return 1
	case "paper":
		return 5
	}
	return 20
}

// writeResults writes the image (with the input's colour profile), the
// kernel and the report atomically.
func writeResults(j *job, res *deblur.Result) error {
	st := j.status()
	var icc []byte
	if in, err := os.ReadFile(filepath.Join(j.dir, inputFile)); err == nil {
		icc = imageio.MetaOf(in).ICC
	}
	if err := imageio.WriteImage(filepath.Join(j.dir, imageFile), res.Image, imageio.WriteOptions{ICC: icc}); err != nil {
		return err
	}
	k := res.Kernel
	if err := imageio.WriteKernelPNG(filepath.Join(j.dir, kernelFile), k, imageio.KernelViewScale(max(k.W, k.H))); err != nil {
		return err
	}
	rep := res.Report
	rep.Input = st.Name
	return atomicfile.WriteJSON(filepath.Join(j.dir, reportFile), rep)
}

// end moves j to a final state, saves it and tells its clients.
func (s *Server) end(j *job, state, msg string) {
	j.mu.Lock()
	s.endLocked(j, state, msg)
	j.mu.Unlock()
	if err := j.save(); err != nil {
		s.cfg.Logf("job %s: saving its state: %v", j.id, err)
	}
	s.publishStatus(j)
	s.closeSubscribers(j)
}

// endLocked is end's state change, with j.mu held.
func (s *Server) endLocked(j *job, state, msg string) {
	if finished(j.st.State) {
		return
	}
	now := time.Now()
	j.st.State, j.st.Error, j.st.Finished = state, msg, &now
	if j.cancel != nil {
		j.cancel()
	}
	if state != Done {
		for _, f := range resultFiles {
			os.Remove(filepath.Join(j.dir, f))
		}
	}
	s.cfg.Logf("job %s %s %s", j.id, state, msg)
}

// recorder turns a job's progress events into its status and live view.
type recorder struct {
	s        *Server
	j        *job
	lastSent time.Time
}

func (r *recorder) Record(e progress.Event) {
	p := Progress{Stage: e.Stage, Iter: e.Iter, Total: e.Total, Loss: finite(e.Loss), Elapsed: e.Elapsed.Seconds(), Message: e.Message}
	if e.Total > 0 {
		p.Percentage = 100 * float64(e.Iter) / float64(e.Total)
		if e.Iter > 0 && e.Iter < e.Total {
			p.ETA = e.Elapsed.Seconds() / float64(e.Iter) * float64(e.Total-e.Iter)
		}
	}
	var kernelPNG, previewPNG []byte
	if e.Kernel != nil {
		kernelPNG = encodePNG(imageio.KernelImage(e.Kernel, max(1, 160/max(e.Kernel.W, e.Kernel.H))))
	}
	if e.Image != nil {
		previewPNG = encodePNG(preview(e.Image))
	}
	r.j.mu.Lock()
	snap := kernelPNG != nil || previewPNG != nil
	if kernelPNG != nil {
		r.j.kernelPNG = kernelPNG
	}
	if previewPNG != nil {
		r.j.previewPNG = previewPNG
	}
	p.Snapshot = r.j.st.Progress.Snapshot
	if snap {
		p.Snapshot++
	}
	r.j.st.Progress = p
	r.j.mu.Unlock()
	// At most four progress events a second, but every snapshot and the
	// end of every stage.
	if snap || e.Finished || time.Since(r.lastSent) > 250*time.Millisecond {
		r.lastSent = time.Now()
		r.s.publish(r.j, "progress", p)
	}
}

// preview is p, clamped to [0, 1], as an 8-bit gray image shrunk to at
// most previewSide pixels on its longer side.
func preview(p *plane.Plane) image.Image {
	f := max(1, (max(p.W, p.H)+previewSide-1)/previewSide)
	q := p.Shrink(f).Clone().Clamp(0, 1)
	img, err := imageio.NewGray(q).ToImage(imageio.Depth8)
	if err != nil { // cannot happen for one channel
		return image.NewGray(image.Rect(0, 0, 1, 1))
	}
	return img
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil
	}
	return b.Bytes()
}

// describe is a short description of a job for the log.
func describe(st Status) string {
	return fmt.Sprintf("%s (%s, %dx%d)", st.ID, st.Name, st.Width, st.Height)
}

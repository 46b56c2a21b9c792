package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
)

// Stage is the progress.Event stage of the runner's per-case updates.
// Iter counts the cases computed in this run and Total those it will
// compute (cases finished by an earlier run are not counted), so Elapsed,
// Iter and Total give an ETA; Message names the case, its position in the
// dataset and its score. Blind methods report their own stages in between.
const Stage = "bench"

// Runner runs methods over datasets and writes their results.
//
// Layout under OutDir: DATASET/METHOD/ holds, per case, CASE.png (the
// output image, 8-bit), CASE-kernel.png (the kernel used, scaled for
// viewing) and CASE.json (a CaseResult; its presence marks the case as done,
// so a rerun skips it), plus results.csv and results.json for the method;
// DATASET/ holds results.csv and results.json of every method run so far and
// summary.md (see WriteSummary).
//
// The error ratio (metrics.ErrorRatio, Levin et al.'s SSD definition) of a
// row is SSD(NB with the used kernel) / SSD(NB with the true kernel) for
// one non-blind method NB: the row's own non-blind step when it has one
// (so it is 1 for known-kernel rows), else Methods.Ratio. Each image is
// clamped to [0, 1] and aligned to the ground truth on its own. Datasets
// scored with the standard protocol also get the 2-norm ratio of the same
// two images (metrics.ErrorRatioNorm2), the definition behind the
// published SelfDeblur error ratios.
type Runner struct {
	Methods  Methods
	OutDir   string
	Recorder progress.Recorder // may be nil
}

// Options restricts a run.
type Options struct {
	// Pattern, when not empty, keeps the cases whose name matches it
	// (path.Match syntax, e.g. "im1_*").
	Pattern string
	// Limit, when positive, keeps the first Limit cases (after Pattern).
	Limit int
}

// Select returns the cases of d that opt keeps, in order.
func (opt Options) Select(d *Dataset) ([]Case, error) {
	var out []Case
	for _, c := range d.Cases() {
		if opt.Pattern != "" {
			ok, err := path.Match(opt.Pattern, c.Name)
			if err != nil {
				return nil, fmt.Errorf("bench: case pattern %q: %w", opt.Pattern, err)
			}
			if !ok {
				continue
			}
		}
		out = append(out, c)
		if opt.Limit > 0 && len(out) == opt.Limit {
			break
		}
	}
	return out, nil
}

// MethodDir returns the folder of method's outputs on dataset.
func (r *Runner) MethodDir(dataset, method string) string {
	return filepath.Join(r.OutDir, dataset, method)
}

// Run runs the method called method over the cases of d that opt selects,
// skipping those with a result file, then rewrites the method's and the
// dataset's results and summary. It returns the results of the selected
// cases (old and new). On cancellation it stops after writing the finished
// cases and returns ctx's error with them.
func (r *Runner) Run(ctx context.Context, d *Dataset, method string, opt Options) ([]CaseResult, error) {
	m, err := r.Methods.Parse(method)
	if err != nil {
		return nil, err
	}
	cases, err := opt.Select(d)
	if err != nil {
		return nil, err
	}
	if len(cases) == 0 {
		return nil, fmt.Errorf("bench: no %s case matches %q", d.Name, opt.Pattern)
	}
	dir := r.MethodDir(d.Name, m.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	config := r.Methods.config(m)
	if err := checkConfig(d, dir, m.Name, config); err != nil {
		return nil, err
	}
	results := make([]*CaseResult, len(cases))
	todo := 0
	for i, c := range cases {
		if res, err := readCaseResult(filepath.Join(dir, c.Name+".json")); err == nil {
			results[i] = &res
		} else {
			todo++
		}
	}
	if done := len(cases) - todo; done > 0 {
		progress.Send(r.Recorder, progress.Event{Stage: Stage, Total: todo,
			Message: fmt.Sprintf("%s %s: %d of %d cases done before, skipped", d.Name, m.Name, done, len(cases))})
	}
	start := time.Now()
	var runErr error
	computed := 0
	for i, c := range cases {
		if results[i] != nil {
			continue
		}
		if runErr = ctx.Err(); runErr != nil {
			break
		}
		res, err := r.runCase(ctx, d, c, m, dir)
		if err != nil {
			runErr = err
			break
		}
		results[i] = res
		computed++
		progress.Send(r.Recorder, progress.Event{Stage: Stage, Iter: computed, Total: todo, Loss: math.NaN(),
			Elapsed: time.Since(start),
			Message: fmt.Sprintf("[%d/%d] %s %s: PSNR %.2f SSIM %.4f%s in %.1fs", i+1, len(cases), m.Name, c.Name,
				res.PSNR, res.SSIM, ratioText(res), res.Seconds),
			Finished: computed == todo})
	}
	var out []CaseResult
	for _, res := range results {
		if res != nil {
			out = append(out, *res)
		}
	}
	// The method's files list every case it has finished, not only the
	// selected ones, so a partial rerun does not hide earlier results.
	all, err := collect(d, dir)
	if err != nil {
		return out, errors.Join(runErr, err)
	}
	if err := writeResults(dir, all); err != nil {
		return out, errors.Join(runErr, err)
	}
	if err := WriteSummary(r.OutDir, d); err != nil {
		return out, errors.Join(runErr, err)
	}
	return out, runErr
}

func ratioText(res *CaseResult) string {
	switch {
	case res.ErrorRatio == nil:
		return ""
	case res.ErrorRatio2 == nil:
		return fmt.Sprintf(" ER %.3f", *res.ErrorRatio)
	}
	return fmt.Sprintf(" ER %.3f (2-norm %.3f)", *res.ErrorRatio, *res.ErrorRatio2)
}

// collect reads the result files in dir of all of d's cases, in d's order.
func collect(d *Dataset, dir string) ([]CaseResult, error) {
	var out []CaseResult
	for _, c := range d.Cases() {
		p := filepath.Join(dir, c.Name+".json")
		if _, err := os.Stat(p); err != nil {
			continue
		}
		res, err := readCaseResult(p)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// checkConfig fails when dir holds a result of method made with settings
// other than config.
func checkConfig(d *Dataset, dir, method, config string) error {
	done, err := collect(d, dir)
	if err != nil {
		return err
	}
	for _, res := range done {
		if res.Config != config {
			return fmt.Errorf("bench: %s holds %s results made with other settings (%q, now %q); choose another output folder or remove it",
				dir, method, res.Config, config)
		}
	}
	return nil
}

// config returns the settings description of m's blind or reference method.
func (m Methods) config(x Method) string {
	if x.Reference != "" {
		return m.Config[x.Reference]
	}
	return m.Config[x.Blind]
}

// output is what a method made of a case.
type output struct {
	image      *imageio.Image
	kernel     *plane.Plane   // the kernel used; nil for the blurry row
	truth      *imageio.Image // the ground truth to score against, nil for the case's
	confidence *deblur.Confidence
}

// runCase runs m on c, scores it and writes its files (the result file
// last, atomically, so it marks a complete case).
func (r *Runner) runCase(ctx context.Context, d *Dataset, c Case, m Method, dir string) (*CaseResult, error) {
	s, err := c.Load()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	o, err := r.apply(ctx, c, m, s)
	if err != nil {
		return nil, fmt.Errorf("bench: %s on %s: %w", m.Name, c.Name, err)
	}
	secs := time.Since(start).Seconds()
	out, k := o.image, o.kernel
	for _, p := range out.Channels {
		p.Clamp(0, 1)
	}
	res := &CaseResult{Case: c.Name, Category: c.Category, Method: m.Name, Seconds: secs, Image: c.Name + ".png", Config: r.Methods.config(m)}
	if m.Blind != "" {
		res.KernelSize = c.KernelSize
	}
	if o.confidence != nil {
		res.FitAgreement, res.MainPiece = o.confidence.Agreement, &o.confidence.MainPiece
	}
	if err := r.score(ctx, d, res, m, s, o); err != nil {
		return nil, fmt.Errorf("bench: scoring %s on %s: %w", m.Name, c.Name, err)
	}
	if err := imageio.WritePNG(filepath.Join(dir, res.Image), out, imageio.Depth8); err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if k != nil {
		res.Kernel = c.Name + "-kernel.png"
		if err := imageio.WriteKernelPNG(filepath.Join(dir, res.Kernel), k, imageio.KernelViewScale(max(k.W, k.H))); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	if err := writeJSON(filepath.Join(dir, c.Name+".json"), res); err != nil {
		return nil, err
	}
	return res, nil
}

// apply runs the method.
func (r *Runner) apply(ctx context.Context, c Case, m Method, s *Sample) (output, error) {
	switch {
	case m.Name == Blurry:
		return output{image: s.Blurry.Clone()}, nil
	case m.KnownKernel:
		out, err := r.deconvolve(ctx, m.NonBlind, s.Blurry, s.Kernel)
		return output{image: out, kernel: s.Kernel}, err
	case m.Reference != "":
		out, k, truth, err := r.Methods.Reference[m.Reference](ctx, s, r.Recorder)
		if err == nil && (out == nil || out.W() != s.Sharp.W() || out.H() != s.Sharp.H() || truth != nil && (truth.W() != out.W() || truth.H() != out.H())) {
			err = fmt.Errorf("reference method %s returned an image or ground truth of the wrong size", m.Reference)
		}
		return output{image: out, kernel: k, truth: truth}, err
	}
	blind := r.Methods.Blind[m.Blind]
	var y, cb, cr *plane.Plane
	if s.Blurry.IsGray() {
		y = s.Blurry.Channels[0]
	} else {
		var err error
		if y, cb, cr, err = imageio.RGBToYCbCr(s.Blurry); err != nil {
			return output{}, err
		}
	}
	br, err := blind(ctx, y, c.KernelSize, r.Recorder)
	if err != nil {
		return output{}, err
	}
	img, k, conf := br.Image, br.Kernel, br.Confidence
	if m.NonBlind != "" {
		out, err := r.deconvolve(ctx, m.NonBlind, s.Blurry, k)
		return output{image: out, kernel: k, confidence: conf}, err
	}
	img = fitTo(img, y.W, y.H)
	if img == nil {
		return output{}, fmt.Errorf("blind method %s returned an image smaller than the %dx%d input", m.Blind, y.W, y.H)
	}
	if s.Blurry.IsGray() {
		return output{image: imageio.NewGray(img), kernel: k, confidence: conf}, nil
	}
	// The SelfDeblur authors' colour scheme: deblurred luma, blurry chroma.
	out, err := imageio.YCbCrToRGB(img, cb, cr)
	return output{image: out, kernel: k, confidence: conf}, err
}

// deconvolve runs the non-blind method called name on every channel of im.
func (r *Runner) deconvolve(ctx context.Context, name string, im *imageio.Image, k *plane.Plane) (*imageio.Image, error) {
	nb, ok := r.Methods.NonBlind[name]
	if !ok {
		return nil, fmt.Errorf("unknown non-blind method %q", name)
	}
	out := &imageio.Image{}
	for i, ch := range im.Channels {
		x, err := nb.Deconvolve(ctx, ch, k)
		if err != nil {
			return nil, fmt.Errorf("non-blind %s, channel %d: %w", name, i, err)
		}
		if x = fitTo(x, ch.W, ch.H); x == nil {
			return nil, fmt.Errorf("non-blind %s returned an image smaller than the %dx%d input", name, ch.W, ch.H)
		}
		out.Channels = append(out.Channels, x)
	}
	return out, nil
}

// fitTo returns p centre-cropped to w x h, or nil when p is smaller.
func fitTo(p *plane.Plane, w, h int) *plane.Plane {
	switch {
	case p.W == w && p.H == h:
		return p
	case p.W < w || p.H < h:
		return nil
	}
	return p.CropCenter(w, h)
}

// score fills res's image metrics (with d's protocol), kernel metrics and
// error ratio.
func (r *Runner) score(ctx context.Context, d *Dataset, res *CaseResult, m Method, s *Sample, o output) error {
	truth := s.Sharp
	if o.truth != nil {
		truth = o.truth
		tr, err := d.Score(o.truth, s.Sharp)
		if err != nil {
			return err
		}
		v := min(tr.PSNR, 100)
		res.TruthPSNR = &v
	}
	sc, err := d.Score(o.image, truth)
	if err != nil {
		return err
	}
	res.PSNR, res.SSIM, res.ShiftX, res.ShiftY = min(sc.PSNR, 100), sc.SSIM, sc.DX, sc.DY
	k := o.kernel
	if k == nil {
		return nil
	}
	ke, err := metrics.KernelError(k, s.Kernel)
	if err != nil {
		return err
	}
	res.KernelNCC, res.KernelSSD = &ke.NCC, &ke.SSD
	switch {
	case m.KnownKernel:
		one, one2 := 1.0, 1.0
		res.ErrorRatio = &one
		if d.score == nil {
			res.ErrorRatio2 = &one2
		}
		return nil
	case m.Reference != "":
		return nil // its kernel explains another blurry image
	case m.NonBlind != "":
		return r.errorRatio(ctx, d, res, m.NonBlind, s, o.image)
	case r.Methods.Ratio != "":
		est, err := r.deconvolve(ctx, r.Methods.Ratio, s.Blurry, k)
		if err != nil {
			return err
		}
		return r.errorRatio(ctx, d, res, r.Methods.Ratio, s, clamp(est))
	}
	return nil
}

// errorRatio sets res.ErrorRatio from est (deconvolved by non-blind method
// nb with the estimated kernel, clamped) and nb with the true kernel: the
// ratio of their SSDs, each aligned to the ground truth on its own with
// d's protocol (for the standard protocol, metrics.ErrorRatio).
func (r *Runner) errorRatio(ctx context.Context, d *Dataset, res *CaseResult, nb string, s *Sample, est *imageio.Image) error {
	truth, err := r.deconvolve(ctx, nb, s.Blurry, s.Kernel)
	if err != nil {
		return err
	}
	e, err := d.Score(est, s.Sharp)
	if err != nil {
		return err
	}
	t, err := d.Score(clamp(truth), s.Sharp)
	if err != nil {
		return err
	}
	var v float64
	switch {
	case t.SSD == 0 && e.SSD == 0:
		v = 1
	case t.SSD == 0:
		return nil
	default:
		v = e.SSD / t.SSD
	}
	if !math.IsInf(v, 0) && !math.IsNaN(v) {
		res.ErrorRatio = &v
	}
	if d.score != nil {
		return nil // the 2-norm ratio is defined for the standard protocol
	}
	ep, gp, err := metrics.ScoringPlanes(est, s.Sharp)
	if err != nil {
		return err
	}
	tp, _, err := metrics.ScoringPlanes(truth, s.Sharp) // clamped above
	if err != nil {
		return err
	}
	v2, err := metrics.ErrorRatioNorm2(ep, tp, gp, metrics.Standard())
	if err != nil {
		return err
	}
	if !math.IsInf(v2, 0) && !math.IsNaN(v2) {
		res.ErrorRatio2 = &v2
	}
	return nil
}

func clamp(im *imageio.Image) *imageio.Image {
	for _, p := range im.Channels {
		p.Clamp(0, 1)
	}
	return im
}

package batch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/internal/atomicfile"
)

// Config is what every image of a batch shares. The zero Config (with an
// OutDir) deblurs with the command's defaults, one image at a time.
type Config struct {
	// OutDir receives each input's outputs under its Input.Rel.
	OutDir string
	// Options apply to every image; Recorder and SnapshotEvery are
	// ignored, and Concurrency 0 shares GOMAXPROCS among the Jobs.
	Options deblur.Options
	// Settings describes, for the settings hash, everything that changes
	// the outputs and is not a plain field of Options: the method's own
	// settings (front ends pass their canonical flags). Outputs made with
	// other settings are redone.
	Settings string
	// Jobs is how many images run at once (0 means 1).
	Jobs int
	// Limits bound the decoded images (zero: imageio's defaults).
	Limits imageio.Limits
	// Version names the build in the reports (empty: deblur.Version).
	Version string
	// Overwrite lets a batch replace files at its output paths that no
	// batch wrote (without it such an input fails, naming the file).
	Overwrite bool
}

// Record is one input's line in the manifest.
type Record struct {
	Input string `json:"input"`
	// Status is done (deblurred now), skipped (the outputs were already
	// there for the same input bytes and settings), failed or
	// interrupted (stopped by cancellation; nothing written).
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	// Seconds is the time this run spent on the input; for a skipped one,
	// the time recorded in its report.
	Seconds float64 `json:"seconds"`
	// KernelWidth and KernelHeight are the estimated kernel's frame.
	KernelWidth  int               `json:"kernel_width,omitempty"`
	KernelHeight int               `json:"kernel_height,omitempty"`
	FinalLoss    *float64          `json:"final_loss,omitempty"`
	SettingsHash string            `json:"settings_hash"`
	InputSHA256  string            `json:"input_sha256,omitempty"`
	Outputs      map[string]string `json:"outputs,omitempty"`
}

// The statuses of a Record.
const (
	StatusDone        = "done"
	StatusSkipped     = "skipped"
	StatusFailed      = "failed"
	StatusInterrupted = "interrupted"
)

// OK reports whether the input has its outputs.
func (r Record) OK() bool { return r.Status == StatusDone || r.Status == StatusSkipped }

// SettingsHash identifies everything besides the input that decides a
// batch's outputs: the library version, cfg.Settings and Options' plain
// fields. Concurrency is left out: it changes the time, not the result.
func (cfg *Config) SettingsHash() string {
	o := cfg.Options
	method, finish := "selfdeblur", "auto"
	if o.Method != nil {
		method = o.Method.Name()
	}
	if o.Finish != nil {
		finish = fmt.Sprintf("%T %+v", o.Finish, o.Finish)
	}
	h := sha256.New()
	fmt.Fprintf(h, "deblur %s\nmethod %s\nsettings %s\nkernel-size %d\nregion %v\nscale %d\nfinish %s\nno-finish %v\nseed %d\n",
		deblur.Version, method, cfg.Settings, o.KernelSize, o.Region, o.Scale, finish, o.NoFinish, max(o.Seed, 1))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// outputs are the three files of one input.
type outputs struct{ image, kernel, report string }

func (cfg *Config) outputsOf(in Input) outputs {
	base := filepath.Join(cfg.OutDir, filepath.FromSlash(in.Stem()))
	return outputs{base + ".png", base + "-kernel.png", base + ".json"}
}

// Process deblurs one input into cfg.OutDir, unless its outputs are there
// already for the same input bytes and settings (then the Record says
// skipped). It never writes partial outputs: it first writes a report that
// claims the outputs (complete false), then the image and the kernel, each
// atomically, then the complete report, which marks the input finished. A
// failure or cancellation leaves the claim saying why, and the earlier
// outputs, if any, as they were. Files at the output paths that no batch
// wrote are replaced only with cfg.Overwrite, and an input never. The
// error is in the Record; Process itself does not fail.
func Process(ctx context.Context, in Input, cfg *Config) Record {
	start := time.Now()
	rec := Record{Input: in.Path, SettingsHash: cfg.SettingsHash()}
	fail := func(err error) Record {
		rec.Status, rec.Error, rec.Outputs = StatusFailed, err.Error(), nil
		if ctx.Err() != nil {
			rec.Status = StatusInterrupted
		}
		rec.Seconds = time.Since(start).Seconds()
		return rec
	}
	outs := cfg.outputsOf(in)
	data, err := os.ReadFile(in.Path)
	if err != nil {
		return fail(fmt.Errorf("reading the input: %w", err))
	}
	sum := sha256.Sum256(data)
	rec.InputSHA256 = hex.EncodeToString(sum[:])
	rec.Outputs = map[string]string{"image": outs.image, "kernel": outs.kernel, "report": outs.report}
	prev := readReport(outs.report)
	if finished(prev, outs, rec.SettingsHash, rec.InputSHA256) {
		rec.Status = StatusSkipped
		rec.Seconds = prev.WallSeconds
		rec.KernelWidth, rec.KernelHeight, rec.FinalLoss = prev.Kernel.Width, prev.Kernel.Height, prev.FinalLoss
		return rec
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	img, err := imageio.DecodeImage(bytes.NewReader(data), cfg.Limits)
	if err != nil {
		return fail(err)
	}
	byBatch := prev != nil && prev.SettingsHash != "" // an earlier batch wrote these outputs
	if err := prepare(outs, in.Path, byBatch || cfg.Overwrite); err != nil {
		return fail(err)
	}
	// Claim the outputs: a report that is not complete says a batch is
	// making them, so a rerun after a kill replaces them without -overwrite.
	claim := &deblur.Report{Version: cfg.version(), Input: in.Path, Outputs: rec.Outputs,
		InputSHA256: rec.InputSHA256, SettingsHash: rec.SettingsHash, Error: "in progress"}
	if err := writeReport(outs.report, claim); err != nil {
		return fail(err)
	}
	failClaimed := func(err error) Record {
		claim.Error = err.Error() // best effort: the report says why
		writeReport(outs.report, claim)
		return fail(err)
	}
	opts := cfg.Options
	opts.Recorder, opts.SnapshotEvery = nil, 0
	res, err := deblur.Deblur(ctx, img, &opts)
	if err != nil {
		return failClaimed(err)
	}
	rep := res.Report
	rep.Version, rep.Input = cfg.version(), in.Path
	rep.Outputs, rep.InputSHA256, rep.SettingsHash = rec.Outputs, rec.InputSHA256, rec.SettingsHash
	if err := write(outs, res, rep, imageio.MetaOf(data).ICC); err != nil {
		return failClaimed(err)
	}
	rec.Status = StatusDone
	rec.Seconds = time.Since(start).Seconds()
	rec.KernelWidth, rec.KernelHeight, rec.FinalLoss = res.Kernel.W, res.Kernel.H, rep.FinalLoss
	return rec
}

func (cfg *Config) version() string {
	if cfg.Version == "" {
		return deblur.Version
	}
	return cfg.Version
}

// readReport returns the report at path, or nil when there is none that
// parses.
func readReport(path string) *deblur.Report {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var rep deblur.Report
	if json.Unmarshal(data, &rep) != nil {
		return nil
	}
	return &rep
}

// finished reports whether rep (nil: none) is of an earlier run that
// completed with the same settings on the same input bytes, and its image
// and kernel are there.
func finished(rep *deblur.Report, outs outputs, settings, input string) bool {
	if rep == nil || !rep.Completed || rep.SettingsHash != settings || rep.InputSHA256 != input {
		return false
	}
	for _, p := range []string{outs.image, outs.kernel} {
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
			return false
		}
	}
	return true
}

// prepare makes the outputs' folder, refuses outputs that are the input
// (and, unless replace, outputs that exist: replace is true when a batch
// wrote them, its report recording the settings hash, or with Overwrite),
// and removes the temporary files a killed run may have left for them
// (internal/atomicfile names them .BASE.tmp-*). Shards process disjoint
// inputs, so no other process is writing these.
func prepare(outs outputs, input string, replace bool) error {
	if err := os.MkdirAll(filepath.Dir(outs.image), 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	ist, err := os.Stat(input)
	if err != nil {
		return err
	}
	for _, o := range []string{outs.image, outs.kernel, outs.report} {
		ost, err := os.Stat(o)
		if err == nil && os.SameFile(ist, ost) {
			return fmt.Errorf("output %s is the input: inputs are never overwritten", o)
		}
		if err == nil && !replace {
			return fmt.Errorf("output %s exists and no batch wrote it: give -overwrite to replace it", o)
		}
		dir, base := filepath.Split(o)
		stale, _ := filepath.Glob(filepath.Join(dir, "."+escapeGlob(base)+".tmp-*"))
		for _, s := range stale {
			os.Remove(s)
		}
	}
	return nil
}

// escapeGlob quotes filepath.Match's special characters in a file name.
func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}

// write writes the image (with the input's colour profile icc), the
// kernel and, last, the report.
func write(outs outputs, res *deblur.Result, rep *deblur.Report, icc []byte) error {
	if err := imageio.WriteImage(outs.image, res.Image, imageio.WriteOptions{ICC: icc}); err != nil {
		return err
	}
	if err := imageio.WriteKernelPNG(outs.kernel, res.Kernel, imageio.KernelViewScale(max(res.Kernel.W, res.Kernel.H))); err != nil {
		return err
	}
	return writeReport(outs.report, rep)
}

func writeReport(path string, rep *deblur.Report) error { return atomicfile.WriteJSON(path, rep) }

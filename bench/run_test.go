package bench

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/metrics"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/selfdeblur"
)

// rl is richardsonLucy as a deconv.Deconvolver.
type rl struct{}

func (rl) Deconvolve(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
	return richardsonLucy(ctx, y, k)
}

// richardsonLucy is a cheap stand-in non-blind method for the tests.
func richardsonLucy(ctx context.Context, y, k *plane.Plane) (*plane.Plane, error) {
	x := y.Clone()
	for it := 0; it < 15; it++ {
		est, err := blur.Convolve(x, k, blur.Same)
		if err != nil {
			return nil, err
		}
		for i, v := range est.Pix {
			est.Pix[i] = y.Pix[i] / max(v, 1e-6)
		}
		c, err := blur.Correlate(est, k, blur.Same)
		if err != nil {
			return nil, err
		}
		for i := range x.Pix {
			x.Pix[i] *= c.Pix[i]
		}
	}
	return x, nil
}

// boxBlind "estimates" a 5x5 box kernel and returns the blurry image.
func boxBlind(ctx context.Context, y *plane.Plane, size int, rec progress.Recorder) (BlindResult, error) {
	k := plane.New(5, 5)
	for i := range k.Pix {
		k.Pix[i] = 1.0 / 25
	}
	return BlindResult{Image: y.Clone(), Kernel: k}, nil
}

func testRunner(t *testing.T, rec progress.Recorder) (*Runner, *Dataset) {
	t.Helper()
	d, err := Levin(needData(t, "levin"))
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{
		Methods: Methods{
			NonBlind: map[string]deconv.Deconvolver{"rl": rl{}},
			Blind:    map[string]BlindFunc{"box": boxBlind},
			Ratio:    "rl",
		},
		OutDir:   t.TempDir(),
		Recorder: rec,
	}, d
}

func TestRunnerWritesAndResumes(t *testing.T) {
	var events []progress.Event
	r, d := testRunner(t, progress.Func(func(p progress.Event) {
		if p.Stage == Stage {
			events = append(events, p)
		}
	}))
	ctx := context.Background()
	opt := Options{Limit: 2}
	blurry, err := r.Run(ctx, d, "blurry", opt)
	if err != nil {
		t.Fatal(err)
	}
	known, err := r.Run(ctx, d, "known-kernel+rl", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(blurry) != 2 || len(known) != 2 {
		t.Fatalf("%d and %d results, want 2 each", len(blurry), len(known))
	}
	for i := range known {
		b, k := blurry[i], known[i]
		t.Logf("%s: blurry %.2f dB %.4f, known-kernel+rl %.2f dB %.4f", b.Case, b.PSNR, b.SSIM, k.PSNR, k.SSIM)
		if b.ErrorRatio != nil || b.KernelNCC != nil || b.Kernel != "" {
			t.Errorf("%s: blurry row has kernel metrics", b.Case)
		}
		if k.ErrorRatio == nil || *k.ErrorRatio != 1 || k.ErrorRatio2 == nil || *k.ErrorRatio2 != 1 || k.KernelNCC == nil || *k.KernelNCC < 0.999999 {
			t.Errorf("%s: known-kernel row: error ratios %v %v, NCC %v", k.Case, k.ErrorRatio, k.ErrorRatio2, k.KernelNCC)
		}
		if !(k.PSNR > b.PSNR+1) || !(b.PSNR > 15) {
			t.Errorf("%s: known kernel %.2f dB vs blurry %.2f dB", k.Case, k.PSNR, b.PSNR)
		}
	}
	if len(events) != 4 || events[3].Iter != 2 || events[3].Total != 2 || !events[3].Finished ||
		!strings.Contains(events[3].Message, "[2/2] known-kernel+rl im1_kernel2") {
		t.Errorf("progress events: %+v", events)
	}

	for _, f := range []string{
		"levin/blurry/im1_kernel1.png", "levin/blurry/im1_kernel1.json", "levin/blurry/im1_kernel2.json",
		"levin/blurry/results.csv", "levin/blurry/results.json",
		"levin/known-kernel+rl/im1_kernel2.png", "levin/known-kernel+rl/im1_kernel2-kernel.png",
		"levin/known-kernel+rl/results.csv", "levin/results.csv", "levin/results.json", "levin/summary.md",
	} {
		if _, err := os.Stat(filepath.Join(r.OutDir, f)); err != nil {
			t.Error(err)
		}
	}
	rows := readCSV(t, filepath.Join(r.OutDir, "levin", "results.csv"))
	if len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Errorf("dataset results.csv: %v", rows)
	}
	if rows[1][2] != "blurry" || rows[3][2] != "known-kernel+rl" || rows[1][5] != "" || rows[3][5] != "1" {
		t.Errorf("dataset results.csv rows: %v", rows[1:])
	}
	md, err := os.ReadFile(filepath.Join(r.OutDir, "levin", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| known kernel + non-blind [Levin 2011] (published) | 34.53 | 0.9492 | - | 1.0000 |",
		"| SelfDeblur (published) | 33.07 | 0.9313 | - | 1.1968 | 224.01 (Titan V GPU) |",
		"| **known-kernel+rl (ours)** | ", " | 1.0000 | 1.0000 | ",
		"| **blurry (ours)** |", "| **known-kernel+rl (ours)** |", "| 2/32 |",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}

	// Resume: mark a finished result, rerun, and check nothing ran again.
	marked := filepath.Join(r.OutDir, "levin", "known-kernel+rl", "im1_kernel1.json")
	res, err := readCaseResult(marked)
	if err != nil {
		t.Fatal(err)
	}
	res.PSNR = 12.5
	if err := writeJSON(marked, res); err != nil {
		t.Fatal(err)
	}
	events = nil
	again, err := r.Run(ctx, d, "known-kernel+rl", opt)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].PSNR != 12.5 {
		t.Error("the finished case was run again")
	}
	if len(events) != 1 || !strings.Contains(events[0].Message, "2 of 2 cases done before") {
		t.Errorf("resume events: %+v", events)
	}
	// A third case extends the run and the method's results list all three.
	if _, err := r.Run(ctx, d, "known-kernel+rl", Options{Limit: 3}); err != nil {
		t.Fatal(err)
	}
	if rows := readCSV(t, filepath.Join(r.OutDir, "levin", "known-kernel+rl", "results.csv")); len(rows) != 4 || rows[1][3] != "12.5" {
		t.Errorf("method results.csv after extending: %v", rows)
	}
}

func TestRunnerBlindErrorRatio(t *testing.T) {
	r, d := testRunner(t, nil)
	ctx := context.Background()
	opt := Options{Pattern: "im2_kernel4"}
	plain, err := r.Run(ctx, d, "box", opt)
	if err != nil {
		t.Fatal(err)
	}
	fin, err := r.Run(ctx, d, "box+rl", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != 1 || plain[0].Case != "im2_kernel4" {
		t.Fatalf("results %+v", plain)
	}
	p, f := plain[0], fin[0]
	if p.ErrorRatio == nil || f.ErrorRatio == nil || *p.ErrorRatio <= 1 || *p.ErrorRatio != *f.ErrorRatio {
		t.Errorf("error ratios %v and %v: want equal (both via rl) and > 1 for a wrong kernel", p.ErrorRatio, f.ErrorRatio)
	}
	// The 2-norm ratio is that of the same two deconvolutions.
	if p.ErrorRatio2 == nil || f.ErrorRatio2 == nil || *p.ErrorRatio2 != *f.ErrorRatio2 {
		t.Fatalf("2-norm error ratios %v and %v: want equal", p.ErrorRatio2, f.ErrorRatio2)
	}
	cs, err := opt.Select(d)
	if err != nil {
		t.Fatal(err)
	}
	s, err := cs[0].Load()
	if err != nil {
		t.Fatal(err)
	}
	br, _ := boxBlind(ctx, s.Blurry.Channels[0], 0, nil)
	k := br.Kernel
	est, err := richardsonLucy(ctx, s.Blurry.Channels[0], k)
	if err != nil {
		t.Fatal(err)
	}
	tru, err := richardsonLucy(ctx, s.Blurry.Channels[0], s.Kernel)
	if err != nil {
		t.Fatal(err)
	}
	want, err := metrics.ErrorRatioNorm2(est.Clamp(0, 1), tru.Clamp(0, 1), s.Sharp.Channels[0], metrics.Standard())
	if err != nil || *p.ErrorRatio2 != want || !(want > 1) {
		t.Errorf("2-norm error ratio %v, recomputed %v (%v); want equal and > 1", *p.ErrorRatio2, want, err)
	}
	t.Logf("box kernel: error ratio SSD %.3f, 2-norm %.3f", *p.ErrorRatio, *p.ErrorRatio2)
	if p.KernelNCC == nil || *p.KernelNCC > 0.9 || p.KernelSize != 27 {
		t.Errorf("box kernel: NCC %v, kernel size %d", p.KernelNCC, p.KernelSize)
	}
}

func TestParseMethods(t *testing.T) {
	m := Methods{NonBlind: map[string]deconv.Deconvolver{"rl": rl{}}, Blind: DefaultBlind(deblur.Options{}, selfdeblur.Estimator{}, l0.Estimator{})}
	for _, ok := range []string{"blurry", "known-kernel+rl", "selfdeblur", "deblur+rl", "deblur-auto", "l0", "l0-auto+rl"} {
		if _, err := m.Parse(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "known-kernel", "known-kernel+x", "selfdeblur-fast", "selfdeblur+", "blurry+rl"} {
		if _, err := m.Parse(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if got := strings.Join(m.Patterns(), " "); got != "blurry known-kernel+{rl} deblur deblur+{rl} deblur-auto deblur-auto+{rl} l0 l0+{rl} l0-auto l0-auto+{rl} selfdeblur selfdeblur+{rl}" {
		t.Errorf("patterns %q", got)
	}
}

func TestSelectAndLaiSummary(t *testing.T) {
	d := &Dataset{Name: "x"}
	for _, n := range []string{"a1", "a2", "b1", "a3"} {
		d.cases = append(d.cases, Case{Name: n})
	}
	got, err := Options{Pattern: "a*", Limit: 2}.Select(d)
	if err != nil || len(got) != 2 || got[1].Name != "a2" {
		t.Errorf("select: %v %v", got, err)
	}
	if _, err := (Options{Pattern: "["}).Select(d); err == nil {
		t.Error("bad pattern accepted")
	}
	md := LaiSummary(map[string][]CaseResult{"blurry": {{Case: "text_01_kernel_01", Category: "text", Method: "blurry", PSNR: 20, SSIM: 0.5}}})
	for _, want := range []string{"| SelfDeblur (published) | 20.35/0.7543 | 22.05/0.7092 | 25.94/0.8834 | 16.35/0.6364 | 20.16/0.7785 | 20.97/0.7524 | 100 |",
		"| Xu & Jia (published) |", "| **blurry (ours)** | -/- | -/- | -/- | -/- | 20.00/0.5000 | 20.00/0.5000 | 1/100 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Lai summary lacks %q:\n%s", want, md)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

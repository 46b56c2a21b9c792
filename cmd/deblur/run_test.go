package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// writeBlurry writes a 48x48 textured gray PNG (and a colour one) for runs.
// readReport decodes the JSON report at path into v (fields not in it keep
// their values) and returns its text for failure messages.
func readReport(t *testing.T, path string, v any) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return data
}

func writeBlurry(t *testing.T, dir string) (gray, colour string) {
	t.Helper()
	p := plane.New(48, 48)
	for y := 0; y < 48; y++ {
		for x := 0; x < 48; x++ {
			p.Set(x, y, 0.5+0.3*math.Sin(float64(x)/3+float64(y)/7)+0.1*math.Cos(float64(x*y)/50))
		}
	}
	gray, colour = filepath.Join(dir, "in.png"), filepath.Join(dir, "colour.png")
	if err := imageio.WritePNG(gray, imageio.NewGray(p), imageio.Depth8); err != nil {
		t.Fatal(err)
	}
	g := p.Clone()
	for i := range g.Pix {
		g.Pix[i] *= 0.8
	}
	rgb, err := imageio.NewRGB(p, g, p.Clone().Clamp(0.3, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := imageio.WritePNG(colour, rgb, imageio.Depth8); err != nil {
		t.Fatal(err)
	}
	return gray, colour
}

func TestRunWritesImageKernelAndReport(t *testing.T) {
	dir := t.TempDir()
	gray, colour := writeBlurry(t, dir)
	for _, in := range []string{gray, colour} {
		out := strings.TrimSuffix(in, ".png") + "-out.png"
		code, _, stderr := runCLI("-kernel-size", "5", "-iters", "6", "-width", "8", "-skip", "4", "-q", "-o", out, in)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", in, code, stderr)
		}
		im, err := imageio.Read(out)
		if err != nil || im.W() != 48 || im.H() != 48 {
			t.Fatalf("output image: %v", err)
		}
		if (in == colour) == im.IsGray() {
			t.Errorf("%s: colour input gave gray=%v output", in, im.IsGray())
		}
		base := strings.TrimSuffix(out, ".png")
		if _, err := imageio.Read(base + "-kernel.png"); err != nil {
			t.Fatalf("kernel image: %v", err)
		}
		var rep struct {
			Iterations int       `json:"iterations"`
			Completed  bool      `json:"completed"`
			LossCurve  []float64 `json:"loss_curve"`
			Backend    string    `json:"gemm_backend"`
			Kernel     struct {
				Width, Height int
				Orientation   string
				Values        [][]float64
			} `json:"kernel"`
			Settings struct {
				Seed             uint64
				Pick             string
				PolishIterations int
			} `json:"settings"`
			PolishLoss       *float64  `json:"polish_loss"`
			ChosenSeed       *uint64   `json:"chosen_seed"`
			RestartLosses    []float64 `json:"restart_final_losses"`
			RestartSharpness []float64 `json:"restart_sharpness"`
			RestartPick      string    `json:"restart_pick"`
		}
		data := readReport(t, base+".json", &rep)
		sum := 0.0
		for _, row := range rep.Kernel.Values {
			for _, v := range row {
				sum += v
			}
		}
		if rep.Iterations != 6 || !rep.Completed || len(rep.LossCurve) != 6 || rep.Backend == "" ||
			rep.Kernel.Width < 3 || rep.Kernel.Width%2 == 0 || rep.Kernel.Height < 3 || rep.Kernel.Height%2 == 0 || // trimmed, or grown by centring
			len(rep.Kernel.Values) != rep.Kernel.Height || len(rep.Kernel.Values[0]) != rep.Kernel.Width || math.Abs(sum-1) > 1e-6 ||
			!strings.Contains(rep.Kernel.Orientation, "convolution") || rep.Settings.Seed != 1 {
			t.Errorf("report incomplete: %s", data)
		}
		// The default preset runs two restarts (seeds 1 and 2), with the
		// size given in a generous frame and the given one
		// (TestRunGivenKernelSizeFrames), so its "auto" rule resolves to
		// the objective.
		if rep.ChosenSeed == nil || *rep.ChosenSeed < 1 || *rep.ChosenSeed > 2 || len(rep.RestartLosses) != 2 || len(rep.RestartSharpness) != 2 || rep.Settings.Pick != "auto" || rep.RestartPick != "objective" {
			t.Errorf("restarts not reported: chosen seed %v, final losses %v, sharpness %v, pick %q resolved to %q", rep.ChosenSeed, rep.RestartLosses, rep.RestartSharpness, rep.Settings.Pick, rep.RestartPick)
		}
		// The default preset does not polish the kernel (-polish).
		if rep.Settings.PolishIterations != 0 || rep.PolishLoss != nil {
			t.Errorf("default run polished: %d steps, polish_loss %v", rep.Settings.PolishIterations, rep.PolishLoss)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	gray, _ := writeBlurry(t, dir)
	notImage := filepath.Join(dir, "notes.png")
	os.WriteFile(notImage, []byte("this is not a picture"), 0o644)
	data, _ := os.ReadFile(gray)
	truncated := filepath.Join(dir, "cut.png")
	os.WriteFile(truncated, data[:len(data)/2], 0o644)
	out := filepath.Join(dir, "o.png")
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no input", []string{"-kernel-size", "5"}, 2, "exactly one input"},
		{"negative kernel size", []string{"-kernel-size", "-1", gray}, 2, "at least 3"},
		{"negative scale", []string{"-scale", "-1", gray}, 2, "-scale"},
		{"negative iterations", []string{"-iters", "-5", gray}, 2, "-iters"},
		{"negative restarts", []string{"-restarts", "-1", gray}, 2, "-restarts"},
		{"negative learning rate", []string{"-lr-kernel", "-0.1", gray}, 2, "-lr-kernel -0.1"},
		{"bad region", []string{"-region", "1,2,3", gray}, 2, "-region"},
		{"region outside the image", []string{"-region", "10,10,60,20", "-o", out, gray}, 2, "-region (10,10)-(70,30): must lie within the 48x48 image"},
		{"scale too large", []string{"-kernel-size", "9", "-scale", "8", "-o", out, gray}, 2, "-scale 8"},
		{"region without a finish", []string{"-region", "0,0,20,20", "-finish", "none", "-o", out, gray}, 2, "-region"},
		{"flag of another method", []string{"-method", "deep-deblur", "-kernel-size", "9", gray}, 2, "-kernel-size does not apply to -method deep-deblur"},
		{"unknown method", []string{"-method", "magic", gray}, 2, "-method"},
		{"bad loss", []string{"-loss", "code", gray}, 2, "loss"},
		{"bad finish", []string{"-finish", "magic", gray}, 2, "magic"},
		{"negative polish", []string{"-kernel-size", "5", "-polish", "-1", gray}, 2, "-polish"},
		{"kernel size too small", []string{"-kernel-size", "2", gray}, 2, "at least 3"},
		{"kernel larger than image", []string{"-kernel-size", "49", "-o", out, gray}, 2, "larger than"},
		{"missing file", []string{"-kernel-size", "5", "-o", out, filepath.Join(dir, "nope.png")}, 2, "nope.png"},
		{"not an image", []string{"-kernel-size", "5", "-o", out, notImage}, 2, "not an image"},
		{"truncated", []string{"-kernel-size", "5", "-o", out, truncated}, 2, "truncated"},
		{"unwritable output", []string{"-kernel-size", "5", "-o", filepath.Join(dir, "no", "such", "dir.png"), gray}, 2, "no/such"},
		{"output is the input", []string{"-kernel-size", "5", "-o", gray, gray}, 2, "is the input"},
		{"output is the input by another path", []string{"-kernel-size", "5", "-o", filepath.Join(dir, ".", "..", filepath.Base(dir), filepath.Base(gray)), gray}, 2, "is the input"},
		{"kernel output is the input", []string{"-kernel-size", "5", "-o", out, "-kernel-out", gray, gray}, 2, "is the input"},
		{"two outputs alike", []string{"-kernel-size", "5", "-o", out, "-kernel-out", out, gray}, 2, "two outputs"},
		{"bad flag", []string{"-frobnicate", gray}, 2, "frobnicate"},
		{"bad preset", []string{"-kernel-size", "5", "-preset", "slow", gray}, 2, "preset"},
		{"bad pick", []string{"-kernel-size", "5", "-pick", "best", gray}, 2, "-pick"},
		{"bad solver", []string{"-kernel-size", "5", "-solver", "sideways", gray}, 2, "solver"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d mentioning %q", tc.name, code, stderr, tc.code, tc.msg)
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
			t.Errorf("%s: panicked: %s", tc.name, stderr)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "o") || strings.HasPrefix(e.Name(), ".deblur") {
			t.Errorf("failed runs left %s behind", e.Name())
		}
	}
	if after, _ := os.ReadFile(gray); !bytes.Equal(after, data) {
		t.Errorf("the input %s was changed", gray)
	}
}

// TestServeFlags: "deblur serve" refuses bad flags with exit 2 before
// listening.
func TestServeFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-jobs", "0"}, "-jobs 0"},
		{[]string{"-max-upload", "0"}, "-max-upload 0"},
		{[]string{"-max-pixels", "5000"}, "-max-pixels 5000"},
		{[]string{"-ttl", "1s"}, "-ttl 1s"},
		{[]string{"-addr", "localhost"}, "-addr \"localhost\""},
		{[]string{"extra"}, "no arguments"},
	} {
		code, _, stderr := runCLI(append([]string{"serve"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("serve %v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, code, stderr, tc.msg)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	code, _, stderr := runCLI("run", "-h")
	if code != 0 || !strings.Contains(stderr, "-kernel-size") {
		t.Errorf("run -h: exit %d, %q", code, stderr)
	}
	code, stdout, _ := runCLI("-h")
	if code != 0 || !strings.Contains(stdout, "score") {
		t.Errorf("-h: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runCLI("version")
	if code != 0 || !strings.Contains(stdout, "gemm backend") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
}

func TestDeconvCommandAndFinish(t *testing.T) {
	dir := t.TempDir()
	gray, colour := writeBlurry(t, dir)
	k := plane.New(5, 5)
	for i := 0; i < 5; i++ {
		k.Set(i, 2, 1)
	}
	kpath := filepath.Join(dir, "k.png")
	if err := imageio.WriteKernelPNG(kpath, k, 1); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{gray, colour} {
		out := strings.TrimSuffix(in, ".png") + "-d.png"
		if code, _, stderr := runCLI("deconv", "-kernel", kpath, "-method", "wiener", "-o", out, in); code != 0 {
			t.Fatalf("deconv %s: exit %d: %s", in, code, stderr)
		}
		im, err := imageio.Read(out)
		if err != nil || im.W() != 48 || (in == colour) == im.IsGray() {
			t.Fatalf("deconv output: %v", err)
		}
	}
	for _, args := range [][]string{
		{"deconv", gray},
		{"deconv", "-kernel", kpath, "-method", "magic", gray},
		{"deconv", "-kernel", filepath.Join(dir, "none.png"), gray},
		{"-kernel-size", "5", "-finish", "magic", gray},
	} {
		if code, _, _ := runCLI(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	out := filepath.Join(dir, "fin.png")
	if code, _, stderr := runCLI("-kernel-size", "5", "-iters", "4", "-width", "8", "-skip", "4", "-q", "-finish", "hyperlaplacian", "-o", out, colour); code != 0 {
		t.Fatalf("run -finish: exit %d: %s", code, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "fin.json"))
	if !strings.Contains(string(data), `"finish": "hyperlaplacian"`) || !strings.Contains(string(data), "every RGB channel") {
		t.Errorf("report does not record the finish: %s", data)
	}
}

// planReport is the part of the report the tests below read.
type planReport struct {
	Plan struct {
		KernelSize       int    `json:"kernel_size"`
		KernelSizeChosen bool   `json:"kernel_size_chosen"`
		Region           [4]int `json:"region"`
		RegionRule       string `json:"region_rule"`
		Scale            int    `json:"scale"`
		Frames           []int  `json:"frames"`
		EstimateFrames   []int  `json:"estimate_frames"`
		Finish           string `json:"finish"`
		Trim             bool   `json:"trim"`
	} `json:"plan"`
	Color  string                      `json:"color"`
	Kernel struct{ Width, Height int } `json:"kernel"`
}

// TestRunRegionScaleAndChosenSize: the flags reach the plan and the report
// records it: without -kernel-size the size is chosen for the region
// (40x40 here: 9, with a 5 px frame for the second fit) and the kernel
// trimmed, every channel of the whole colour image is deconvolved (auto
// finish); -scale 2 estimates a 19 px kernel as an 11 px one and resamples
// it; -region whole takes the whole image.
func TestRunRegionScaleAndChosenSize(t *testing.T) {
	dir := t.TempDir()
	_, colour := writeBlurry(t, dir)
	out := filepath.Join(dir, "auto.png")
	report := filepath.Join(dir, "auto.json")
	code, _, stderr := runCLI("-region", "4,6,40,40", "-iters", "6", "-width", "8", "-skip", "4", "-q", "-o", out, colour)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	im, err := imageio.Read(out)
	if err != nil || im.W() != 48 || im.H() != 48 || im.IsGray() {
		t.Fatalf("output image: %v", err)
	}
	var rep planReport
	data := readReport(t, report, &rep)
	p := rep.Plan
	if !p.KernelSizeChosen || p.KernelSize != 9 || !slices.Equal(p.Frames, []int{9, 5}) || !p.Trim ||
		p.Region != [4]int{4, 6, 40, 40} || p.RegionRule != "given" ||
		p.Finish != "irls" || !strings.Contains(rep.Color, "every RGB channel") || p.Scale != 1 || rep.Kernel.Width < 3 {
		t.Errorf("report: %s", data)
	}

	code, _, stderr = runCLI("-overwrite", "-scale", "2", "-kernel-size", "19", "-iters", "6", "-width", "8", "-skip", "4", "-q", "-o", out, colour)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep = planReport{}
	data = readReport(t, report, &rep)
	if p := rep.Plan; p.Scale != 2 || !slices.Equal(p.EstimateFrames, []int{11, 11}) || rep.Kernel.Width < 19 || rep.Kernel.Height < 19 || p.Region != [4]int{0, 0, 48, 48} {
		t.Errorf("shrunk estimate, report: %s", data)
	}

	code, _, stderr = runCLI("-overwrite", "-region", "whole", "-kernel-size", "5", "-iters", "6", "-width", "8", "-skip", "4", "-q", "-o", out, colour)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep = planReport{}
	data = readReport(t, report, &rep)
	if p := rep.Plan; p.RegionRule != "given" || p.Region != [4]int{0, 0, 48, 48} {
		t.Errorf("-region whole, report: %s", data)
	}
}

// TestRunGivenKernelSizeFrames: with -kernel-size the two fits take the
// generous frame (11 px for a 48x48 image) and the given one, and the kept
// kernel is trimmed.
func TestRunGivenKernelSizeFrames(t *testing.T) {
	dir := t.TempDir()
	gray, _ := writeBlurry(t, dir)
	out := filepath.Join(dir, "given.png")
	code, _, stderr := runCLI("-kernel-size", "5", "-iters", "6", "-width", "8", "-skip", "4", "-q", "-o", out, gray)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep planReport
	data := readReport(t, filepath.Join(dir, "given.json"), &rep)
	if p := rep.Plan; p.KernelSize != 5 || p.KernelSizeChosen || !slices.Equal(p.Frames, []int{11, 5}) || !p.Trim ||
		rep.Kernel.Width < 3 || rep.Kernel.Width > 13 || rep.Kernel.Height < 3 || rep.Kernel.Height > 13 {
		t.Errorf("report: %s", data)
	}
}

// TestRunMatchesLibrary: the command with no flags writes exactly the
// pixels deblur.Deblur gives with nil options, and a second run the same.
func TestRunMatchesLibrary(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the default preset twice")
	}
	dir := t.TempDir()
	gray, _ := writeBlurry(t, dir)
	out := filepath.Join(dir, "cmd.png")
	if code, _, stderr := runCLI("-q", "-o", out, gray); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	img, err := imageio.ReadImage(gray, imageio.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := deblur.Deblur(context.Background(), img, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := imageio.ReadImage(out, imageio.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := got.(*image.Gray), res.Image.(*image.Gray)
	if !bytes.Equal(a.Pix, b.Pix) {
		t.Error("the command's pixels differ from deblur.Deblur(ctx, img, nil)")
	}
}

// TestRunPolishFlag: -polish N refines the kernel after the fits and the
// report carries the steps and the polished objective.
func TestRunPolishFlag(t *testing.T) {
	dir := t.TempDir()
	gray, _ := writeBlurry(t, dir)
	out := filepath.Join(dir, "p.png")
	code, _, stderr := runCLI("-kernel-size", "5", "-iters", "6", "-width", "8", "-skip", "4", "-polish", "20", "-q", "-o", out, gray)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Settings struct {
			PolishIterations int
		} `json:"settings"`
		PolishLoss *float64 `json:"polish_loss"`
	}
	data := readReport(t, strings.TrimSuffix(out, ".png")+".json", &rep)
	if rep.Settings.PolishIterations != 20 || rep.PolishLoss == nil || !(*rep.PolishLoss > 0) || *rep.PolishLoss >= 1 {
		t.Errorf("polish not reported: %s", data)
	}
}

// TestRunOutputFormatsAndOverwrite: the image's format follows -o's
// extension, -quality goes with JPEG only, and an existing output is kept
// unless -overwrite.
func TestRunOutputFormatsAndOverwrite(t *testing.T) {
	dir := t.TempDir()
	gray, _ := writeBlurry(t, dir)
	fast := []string{"-kernel-size", "5", "-iters", "4", "-width", "8", "-skip", "4", "-q"}
	runOK := func(args ...string) {
		t.Helper()
		if code, _, stderr := runCLI(append(append([]string{}, fast...), args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	jpg := filepath.Join(dir, "out.jpg")
	runOK("-quality", "80", "-o", jpg, gray)
	if data, err := os.ReadFile(jpg); err != nil || !bytes.HasPrefix(data, []byte("\xff\xd8")) {
		t.Fatalf("-o out.jpg did not write a JPEG: %v", err)
	}
	tif := filepath.Join(dir, "out-t.tif")
	runOK("-o", tif, gray)
	if data, err := os.ReadFile(tif); err != nil || !(bytes.HasPrefix(data, []byte("II*\x00")) || bytes.HasPrefix(data, []byte("MM\x00*"))) {
		t.Fatalf("-o out.tif did not write a TIFF: %v", err)
	}
	before, _ := os.ReadFile(jpg)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", jpg, gray}, "-overwrite"},
		{[]string{"-quality", "80", "-o", filepath.Join(dir, "q.png"), gray}, "JPEG output only"},
		{[]string{"-quality", "101", "-o", filepath.Join(dir, "q.jpg"), gray}, "1 to 100"},
		{[]string{"-o", filepath.Join(dir, "x.webp"), gray}, "unknown extension"},
		{[]string{"-kernel-out", filepath.Join(dir, "k.jpg"), "-o", filepath.Join(dir, "y.png"), gray}, "-kernel-out"},
	} {
		code, _, stderr := runCLI(append(append([]string{}, fast...), c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if after, _ := os.ReadFile(jpg); !bytes.Equal(before, after) {
		t.Error("a refused run changed an existing output")
	}
	runOK("-overwrite", "-seed", "2", "-o", jpg, gray)
}

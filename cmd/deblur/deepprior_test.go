package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// writeDigit writes a 28x28 gray "digit" (a slanted stroke, blurred
// circularly by a short horizontal motion) and a 28x28 colour image.
func writeDigit(t *testing.T, dir string) (gray, colour string) {
	t.Helper()
	p := plane.New(28, 28)
	for y := 5; y < 23; y++ {
		for x := 0; x < 28; x++ {
			d := math.Abs(float64(x) - 14 - 0.3*float64(y-14))
			p.Set(x, y, math.Max(0, 1-d/2))
		}
	}
	k := plane.New(7, 7)
	for i := 1; i < 6; i++ {
		k.Set(i, 3, 0.2)
	}
	b, err := blur.CircularConvolve(p, k)
	if err != nil {
		t.Fatal(err)
	}
	gray, colour = filepath.Join(dir, "digit.png"), filepath.Join(dir, "digit-rgb.png")
	if err := imageio.WritePNG(gray, imageio.NewGray(b.Clamp(0, 1)), imageio.Depth8); err != nil {
		t.Fatal(err)
	}
	rgb, err := imageio.NewRGB(b, b, b)
	if err != nil {
		t.Fatal(err)
	}
	if err := imageio.WritePNG(colour, rgb, imageio.Depth8); err != nil {
		t.Fatal(err)
	}
	return gray, colour
}

func TestRunDeepPriorMethods(t *testing.T) {
	dir := t.TempDir()
	gray, _ := writeDigit(t, dir)
	for _, method := range []string{methodDeepDeblur, methodDeepDeblurSlack} {
		out := filepath.Join(dir, method+".png")
		code, _, stderr := runCLI("-method", method, "-iters", "4", "-restarts", "2", "-seed", "3", "-q", "-o", out, gray)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", method, code, stderr)
		}
		im, err := imageio.Read(out)
		if err != nil || im.W() != 28 || !im.IsGray() {
			t.Fatalf("%s: output image: %v", method, err)
		}
		if _, err := imageio.Read(filepath.Join(dir, method+"-kernel.png")); err != nil {
			t.Fatalf("%s: kernel image: %v", method, err)
		}
		var rep struct {
			Method     string `json:"method"`
			Iterations int    `json:"iterations"`
			Completed  bool   `json:"completed"`
			Settings   struct {
				Steps, Restarts int
				Seed            uint64
			} `json:"settings"`
			Kernel struct {
				Width, Height int
				Orientation   string
				Values        [][]float64
			} `json:"kernel"`
		}
		data := readReport(t, filepath.Join(dir, method+".json"), &rep)
		sum := 0.0
		for _, row := range rep.Kernel.Values {
			for _, v := range row {
				sum += v
			}
		}
		if rep.Method != method || rep.Iterations != 4 || !rep.Completed || rep.Settings.Steps != 4 || rep.Settings.Restarts != 2 ||
			rep.Settings.Seed != 3 || rep.Kernel.Width != 28 || rep.Kernel.Height != 28 || math.Abs(sum-1) > 1e-6 || !strings.Contains(rep.Kernel.Orientation, "circular") {
			t.Errorf("%s: report %s", method, data)
		}
	}
}

func TestRunDeepPriorErrors(t *testing.T) {
	dir := t.TempDir()
	digit, colourDigit := writeDigit(t, dir)
	big, _ := writeBlurry(t, dir)
	out := filepath.Join(dir, "o.png")
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"wrong size", []string{"-method", "deep-deblur", "-o", out, big}, "28x28 gray"},
		{"colour", []string{"-method", "deep-deblur-slack", "-o", out, colourDigit}, "with 3 channels"},
		{"kernel size", []string{"-method", "deep-deblur", "-kernel-size", "9", "-o", out, digit}, "-kernel-size does not apply"},
		{"selfdeblur flag", []string{"-method", "deep-deblur", "-preset", "paper", "-o", out, digit}, "-preset does not apply"},
		{"negative restarts for selfdeblur", []string{"-kernel-size", "5", "-restarts", "-1", "-o", out, digit}, "-restarts -1"},
		{"unknown method", []string{"-method", "magic", "-o", out, digit}, `-method "magic"`},
		{"negative steps", []string{"-method", "deep-deblur", "-iters", "-2", "-o", out, digit}, "-iters -2"},
		{"prior kernel too large", []string{"-kernel-net", "prior", "-kernel-size", "31", "-o", out, big}, "-kernel-size 31: larger than the 27 px"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 mentioning %q", tc.name, code, stderr, tc.msg)
		}
		if strings.Contains(stderr, "panic") {
			t.Errorf("%s: panicked: %s", tc.name, stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run wrote an output")
	}
}

// TestRunKernelPrior runs SelfDeblur with the pretrained kernel decoder
// as its kernel network for a few iterations.
func TestRunKernelPrior(t *testing.T) {
	dir := t.TempDir()
	gray, _ := writeBlurry(t, dir)
	out := filepath.Join(dir, "prior.png")
	code, _, stderr := runCLI("-kernel-net", "prior", "-kernel-size", "9", "-iters", "4", "-width", "8", "-skip", "4", "-q", "-o", out, gray)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// The 9x9 estimate is centred for the finish, so its frame may grow.
	var rep struct {
		Settings struct{ KernelNet string }
		Kernel   struct{ Width, Height int }
	}
	data := readReport(t, filepath.Join(dir, "prior.json"), &rep)
	if rep.Settings.KernelNet != "prior" || rep.Kernel.Width < 9 || rep.Kernel.Height < 9 || rep.Kernel.Width%2 == 0 || rep.Kernel.Height%2 == 0 {
		t.Errorf("report: %s", data)
	}
}

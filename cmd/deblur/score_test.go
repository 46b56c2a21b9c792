package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = mainWithArgs(&cliEnv{stdout: &out, stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// writeTestImages writes a smooth gray image, the same image with its
// content moved by whole pixels (2, -1), a colour version, and two kernels
// (one a shifted copy of the other) into a temporary directory.
func writeTestImages(t *testing.T) (dir string) {
	dir = t.TempDir()
	f := func(x, y float64) float64 { return 0.5 + 0.3*math.Sin(x/6+y/9) + 0.15*math.Cos(y/5-x/13) }
	sharp, moved := plane.New(64, 60), plane.New(64, 60)
	for y := 0; y < 60; y++ {
		for x := 0; x < 64; x++ {
			sharp.Set(x, y, f(float64(x), float64(y)))
			moved.Set(x, y, f(float64(x-2), float64(y+1)))
		}
	}
	write := func(name string, im *imageio.Image) {
		if err := imageio.WritePNG(filepath.Join(dir, name), im, imageio.Depth16); err != nil {
			t.Fatal(err)
		}
	}
	write("sharp.png", imageio.NewGray(sharp))
	write("moved.png", imageio.NewGray(moved))
	rgb, _ := imageio.NewRGB(sharp, moved, sharp)
	write("colour.png", rgb)
	k, kShift := plane.New(7, 7), plane.New(7, 7)
	// Levels that 16 bits store exactly: 0.2 = 13107/65535.
	k.Set(2, 3, 0.4)
	k.Set(3, 3, 0.2)
	kShift.Set(4, 2, 0.8) // k moved by (2, -1), scaled
	kShift.Set(5, 2, 0.4)
	write("k.png", imageio.NewGray(k))
	write("k_shift.png", imageio.NewGray(kShift))
	return dir
}

func decodeScore(t *testing.T, stdout string) map[string]any {
	t.Helper()
	if strings.Count(strings.TrimSpace(stdout), "\n") != 0 {
		t.Fatalf("want one line of JSON, got %q", stdout)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatalf("stdout %q: %v", stdout, err)
	}
	return m
}

func TestScoreCommand(t *testing.T) {
	dir := writeTestImages(t)
	p := func(name string) string { return filepath.Join(dir, name) }

	code, out, errs := runCLI("score", p("sharp.png"), p("sharp.png"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m := decodeScore(t, out)
	if m["psnr"] != nil || m["ssim"] != 1.0 || m["scored"] != "gray" || m["width"] != 34.0 || m["height"] != 30.0 {
		t.Fatalf("identical images: %s", out)
	}
	if s := m["shift"].(map[string]any); s["dx"] != 0.0 || s["dy"] != 0.0 {
		t.Fatalf("identical images: shift %v", s)
	}
	if _, ok := m["kernel_ssd"]; ok {
		t.Fatal("kernel fields without kernel flags")
	}

	// Flags after the images, as in the documented usage.
	code, out, errs = runCLI("score", p("moved.png"), p("sharp.png"), "-kernel", p("k_shift.png"), "-true-kernel", p("k.png"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m = decodeScore(t, out)
	s := m["shift"].(map[string]any)
	// Whole-pixel moves are undone exactly: the aligned images are equal.
	if s["dx"] != 2.0 || s["dy"] != -1.0 || m["psnr"] != nil || m["ssim"] != 1.0 {
		t.Fatalf("moved image: %s", out)
	}
	ks := m["kernel_shift"].(map[string]any)
	if m["kernel_ssd"].(float64) > 1e-12 || math.Abs(m["kernel_ncc"].(float64)-1) > 1e-12 || ks["dx"] != 2.0 || ks["dy"] != -1.0 {
		t.Fatalf("kernels: %s", out)
	}

	// Flags first, colour estimate: scored on luma.
	code, out, errs = runCLI("score", "-true-kernel", p("k.png"), "-kernel", p("k.png"), p("colour.png"), p("sharp.png"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	psnr, _ := decodeScore(t, out)["psnr"].(float64)
	if m = decodeScore(t, out); m["scored"] != "luma" || m["kernel_ncc"] != 1.0 || psnr < 5 || psnr > 60 {
		t.Fatalf("colour: %s", out)
	}
}

func TestScoreCommandErrors(t *testing.T) {
	dir := writeTestImages(t)
	p := func(name string) string { return filepath.Join(dir, name) }
	missing := p("nope.png")
	for _, c := range []struct {
		args    []string
		code    int
		message string
	}{
		{[]string{"score"}, 2, "want 2 images"},
		{[]string{"score", p("sharp.png")}, 2, "want 2 images"},
		{[]string{"score", p("sharp.png"), p("sharp.png"), p("sharp.png")}, 2, "want 2 images"},
		{[]string{"score", "-bogus", p("sharp.png"), p("sharp.png")}, 2, "bogus"},
		{[]string{"score", "-kernel", p("k.png"), p("sharp.png"), p("sharp.png")}, 2, "go together"},
		{[]string{"score", missing, p("sharp.png")}, 1, missing},
		{[]string{"score", p("sharp.png"), p("k.png")}, 1, "is 64x60 but"},
		{[]string{"score", "-kernel", missing, "-true-kernel", p("k.png"), p("sharp.png"), p("sharp.png")}, 1, missing},
	} {
		code, out, errs := runCLI(c.args...)
		if code != c.code || !strings.Contains(errs, c.message) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d mentioning %q", c.args[1:], code, out, errs, c.code, c.message)
		}
	}
	if code, _, errs := runCLI("score", "-h"); code != 0 || !strings.Contains(errs, "Usage: deblur score") {
		t.Errorf("-h: exit %d, %q", code, errs)
	}
}

// TestScoreReadsRunKernelOutputs: the run command's kernel PNG (enlarged
// for viewing) and its report's exact values both score as the kernel
// they show, square or not, while a kernel PNG at its own size is left
// alone.
func TestScoreReadsRunKernelOutputs(t *testing.T) {
	dir := writeTestImages(t)
	p := func(name string) string { return filepath.Join(dir, name) }
	k := plane.New(7, 7)
	k.Set(2, 3, 0.4)
	k.Set(3, 3, 0.2)
	k.Set(3, 4, 0.4)
	if err := imageio.WriteKernelPNG(p("big.png"), k, imageio.KernelViewScale(7)); err != nil {
		t.Fatal(err)
	}
	if err := imageio.WritePNG(p("k3.png"), imageio.NewGray(k), imageio.Depth16); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"kernel": deblur.NewKernel(k)})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p("run.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	// A trimmed estimate need not be square: its enlarged PNG and its
	// report must read back too.
	trimmed := k.Crop(1, 2, 5, 3)
	if err := imageio.WriteKernelPNG(p("trim.png"), trimmed, imageio.KernelViewScale(5)); err != nil {
		t.Fatal(err)
	}
	if b, err = json.Marshal(map[string]any{"kernel": deblur.NewKernel(trimmed)}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p("trim.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, est := range []string{"big.png", "run.json", "k3.png", "trim.png", "trim.json"} {
		code, out, errs := runCLI("score", "-kernel", p(est), "-true-kernel", p("k3.png"), p("sharp.png"), p("sharp.png"))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", est, code, errs)
		}
		if m := decodeScore(t, out); math.Abs(m["kernel_ncc"].(float64)-1) > 1e-4 {
			t.Errorf("%s: %s", est, out)
		}
	}
	// A box kernel at its own size has constant blocks but the wrong size
	// for an enlargement, so it stays as it is.
	box := plane.New(8, 8)
	for i := range box.Pix {
		box.Pix[i] = 1.0 / 64
	}
	if got := unenlarge(box); got.W != 8 {
		t.Errorf("8x8 box shrunk to %dx%d", got.W, got.H)
	}
}

// TestScoreCircular: a 32x32 image, too small for the border protocol,
// scores with -circular; a circularly shifted copy matches exactly at the
// shift.
func TestScoreCircular(t *testing.T) {
	dir := t.TempDir()
	sharp, shifted := plane.New(32, 32), plane.New(32, 32)
	for y := range 32 {
		for x := range 32 {
			v := float64((x*7+y*13)%32) / 31
			sharp.Set(x, y, v)
			shifted.Set((x+1)%32, y, v)
		}
	}
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.png")
	for p, pl := range map[string]*plane.Plane{a: shifted, b: sharp} {
		if err := imageio.WritePNG(p, imageio.NewGray(pl), imageio.Depth16); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, _ := runCLI("score", a, b); code != 1 {
		t.Errorf("border protocol on 32x32: exit %d, want 1", code)
	}
	code, stdout, stderr := runCLI("score", "-circular", a, b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"psnr":null`) || !strings.Contains(stdout, `"shift":{"dx":1,"dy":0}`) || !strings.Contains(stdout, `"width":32`) {
		t.Errorf("output %s", stdout)
	}
}

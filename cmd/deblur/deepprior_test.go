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
	green := b.Clone()
	for i := range green.Pix {
		green.Pix[i] *= 0.9
	}
	rgb, err := imageio.NewRGB(b, green, b)
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

// TestRunDeepPriorNeutralRGB: a gray digit saved as RGB (three equal
// channels) is deblurred as the gray one and comes back as RGB of equal
// channels holding the gray result.
func TestRunDeepPriorNeutralRGB(t *testing.T) {
	dir := t.TempDir()
	gray, _ := writeDigit(t, dir)
	im, err := imageio.Read(gray)
	if err != nil {
		t.Fatal(err)
	}
	rgb, err := imageio.NewRGB(im.Channels[0], im.Channels[0], im.Channels[0])
	if err != nil {
		t.Fatal(err)
	}
	neutral := filepath.Join(dir, "neutral.png")
	if err := imageio.WritePNG(neutral, rgb, imageio.Depth8); err != nil {
		t.Fatal(err)
	}
	outs := map[string]*imageio.Image{}
	for name, in := range map[string]string{"gray": gray, "rgb": neutral} {
		out := filepath.Join(dir, name+"-out.png")
		if code, _, stderr := runCLI("-method", "deep-deblur", "-iters", "4", "-restarts", "2", "-q", "-o", out, in); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		if outs[name], err = imageio.Read(out); err != nil {
			t.Fatal(err)
		}
	}
	g, c := outs["gray"], outs["rgb"]
	if !g.IsGray() || len(c.Channels) != 3 {
		t.Fatalf("outputs with %d and %d channels, want 1 and 3", len(g.Channels), len(c.Channels))
	}
	worst := 0.0
	for ch := range c.Channels {
		for i, v := range g.Channels[0].Pix {
			worst = max(worst, math.Abs(c.Channels[ch].Pix[i]-v))
		}
	}
	t.Logf("largest difference %.1f levels", worst*255)
	if worst > 0 {
		t.Errorf("the RGB run differs from the gray run by up to %.1f levels", worst*255)
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

// TestOwnGenerator: a generator trained with "deblur train dcgan" on a
// folder of images serves as -prior for images of its size; a colour
// generator, a kernel generator, a missing file and an image of the
// wrong size are usage errors naming the problem.
func TestOwnGenerator(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "faces")
	os.Mkdir(data, 0o755)
	for i := range 4 {
		p := plane.New(64, 64)
		for j := range p.Pix {
			p.Pix[j] = 0.5 + 0.4*math.Sin(float64(j%64*(i+1))/9)
		}
		if err := imageio.WritePNG(filepath.Join(data, string(rune('a'+i))+".png"), imageio.NewGray(p), imageio.Depth8); err != nil {
			t.Fatal(err)
		}
	}
	train := func(name, channels string) string {
		out := filepath.Join(dir, name)
		if code, _, stderr := runCLI("train", "-q", "-data", data, "-channels", channels, "-widths", "4,2,2,2", "-latent", "3",
			"-batch", "2", "-epochs", "1", "-out", out, "dcgan"); code != 0 {
			t.Fatalf("train: exit %d: %s", code, stderr)
		}
		return out
	}
	gray, colour := train("gray.dbw", "1"), train("rgb.dbw", "3")

	// A blurry 64x64 gray image: one of the training images, blurred.
	src, err := imageio.Read(filepath.Join(data, "b.png"))
	if err != nil {
		t.Fatal(err)
	}
	k := plane.New(5, 5)
	for i := range 5 {
		k.Set(i, 2, 0.2)
	}
	b, err := blur.CircularConvolve(src.Channels[0], k)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "blurry.png")
	if err := imageio.WritePNG(in, imageio.NewGray(b), imageio.Depth8); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.png")
	if code, _, stderr := runCLI("-method", "deep-deblur", "-prior", gray, "-iters", "3", "-restarts", "2", "-q", "-o", out, in); code != 0 {
		t.Fatalf("deep-deblur with its own generator: exit %d: %s", code, stderr)
	}
	if im, err := imageio.Read(out); err != nil || im.W() != 64 || !im.IsGray() {
		t.Fatalf("output: %v", err)
	}

	// A 32 px generator deblurs 32x32 images.
	g32 := filepath.Join(dir, "gray32.dbw")
	if code, _, stderr := runCLI("train", "-q", "-data", data, "-channels", "1", "-size", "32", "-widths", "4,2,2,2", "-latent", "3",
		"-batch", "2", "-epochs", "1", "-out", g32, "dcgan"); code != 0 {
		t.Fatalf("train -size 32: exit %d: %s", code, stderr)
	}
	in32 := filepath.Join(dir, "blurry32.png")
	if err := imageio.WritePNG(in32, imageio.NewGray(b.Crop(0, 0, 32, 32)), imageio.Depth8); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI("-method", "deep-deblur", "-prior", g32, "-iters", "3", "-restarts", "2", "-q", "-o", filepath.Join(dir, "out32.png"), in32); code != 0 {
		t.Fatalf("deep-deblur with a 32 px generator: exit %d: %s", code, stderr)
	}

	digit, _ := writeDigit(t, dir)
	kernelVAE := filepath.Join(dir, "kernels.dbw")
	if code, _, stderr := runCLI("train", "-q", "-steps", "1", "-n", "30", "-batch", "8", "-latent", "2", "-out", kernelVAE, "kernel-vae"); code != 0 {
		t.Fatalf("train kernel-vae: exit %d: %s", code, stderr)
	}
	out2 := filepath.Join(dir, "never.png")
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"colour generator", []string{"-prior", colour, in}, "3-channel images"},
		{"kernel generator", []string{"-prior", kernelVAE, in}, "holds a kernel-vae"},
		{"missing file", []string{"-prior", filepath.Join(dir, "nope.dbw"), in}, "nope.dbw"},
		{"not a weight file", []string{"-prior", in, in}, "-prior"},
		{"image of another size", []string{"-prior", gray, digit}, "64x64 gray"},
		{"prior with selfdeblur", []string{"-method", "selfdeblur", "-prior", gray, in}, "-prior does not apply"},
	} {
		args := append([]string{"-q", "-o", out2}, c.args...)
		if c.name != "prior with selfdeblur" {
			args = append([]string{"-method", "deep-deblur"}, args...)
		}
		code, _, stderr := runCLI(args...)
		if code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 mentioning %q", c.name, code, stderr, c.msg)
		}
	}
	if _, err := os.Stat(out2); err == nil {
		t.Error("a refused run wrote an output")
	}
}

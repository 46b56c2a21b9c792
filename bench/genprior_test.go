package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/generator/pretrained"
	"github.com/deblur/deblur/genprior"
)

func mnistRunner(t *testing.T, steps int) *Runner {
	t.Helper()
	gi, err := pretrained.DigitVAE()
	if err != nil {
		t.Fatal(err)
	}
	gk, err := pretrained.KernelVAE()
	if err != nil {
		t.Fatal(err)
	}
	a1 := genprior.Alg1Defaults()
	a1.Steps, a1.Restarts = steps, 2
	a2 := genprior.Alg2Defaults()
	a2.Steps, a2.Restarts = steps, 2
	p := genprior.ProjectDefaults()
	p.Steps, p.Restarts = steps, 2
	irls, err := deconv.Lookup("irls-circular")
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{OutDir: t.TempDir(), Methods: Methods{
		NonBlind:  map[string]deconv.Deconvolver{"irls-circular": irls},
		Blind:     map[string]BlindFunc{DeepDeblurName: DeepDeblur(gi, gk, a1), DeepDeblurSlackName: DeepDeblurSlack(gi, gk, a2)},
		Reference: map[string]ReferenceFunc{RangeName: RangeReference(gi, gk, p, a1)},
		Config:    map[string]string{DeepDeblurName: fmt.Sprintf("steps %d", steps)},
	}}
}

// TestMNISTRunnerRows runs every kind of MNIST row on two digits with a few
// iterations (the plumbing, not the quality: genprior's tests check that
// the algorithms recover known kernels) and checks the files, the
// reference row's own ground truth, the stored settings, and the summary.
func TestMNISTRunnerRows(t *testing.T) {
	d := mnistData(t, MNISTOptions{N: 2, Noise: 0.01, Seed: 7, KernelSize: 19})
	r := mnistRunner(t, 5)
	ctx := context.Background()
	got := map[string][]CaseResult{}
	for _, m := range []string{Blurry, KnownKernel + "+irls-circular", DeepDeblurName, DeepDeblurSlackName, RangeName} {
		rs, err := r.Run(ctx, d, m, Options{})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if len(rs) != 2 {
			t.Fatalf("%s: %d results", m, len(rs))
		}
		got[m] = rs
	}
	for m, rs := range got {
		for _, res := range rs {
			hasKernel := m != Blurry
			if (res.KernelNCC != nil) != hasKernel || (res.TruthPSNR != nil) != (m == RangeName) || res.PSNR < 5 || res.PSNR > 100 {
				t.Errorf("%s %s: %+v", m, res.Case, res)
			}
			if _, err := os.Stat(filepath.Join(r.MethodDir("mnist", m), res.Image)); err != nil {
				t.Error(err)
			}
		}
	}
	if c := got[DeepDeblurName][0].Config; c != "steps 5" {
		t.Errorf("config %q not stored", c)
	}
	if k := got[KnownKernel+"+irls-circular"][0]; !(k.PSNR > got[Blurry][0].PSNR+5) {
		t.Errorf("true kernel + irls-circular %.2f dB, blurry %.2f dB", k.PSNR, got[Blurry][0].PSNR)
	}
	md, err := os.ReadFile(filepath.Join(r.OutDir, "mnist", "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| **Deep Deblur (Alg. 1)** (`deep-deblur`) |", "| 2/2 | steps 5 |", "**a different dataset**",
		"| Deep Deblur (Alg. 1) | 24.47 | 0.80 |", "| deblurring an image already in the generator's range | 30.13 | 0.89 |",
		"| **blurry input** (`blurry`) |", "projections are on average", "within +-2 px"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
	// Other settings are refused in the same folder.
	r6 := mnistRunner(t, 6)
	r6.OutDir = r.OutDir
	if _, err := r6.Run(ctx, d, DeepDeblurName, Options{}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Errorf("mixing settings: %v", err)
	}
	// The range row needs a synthesised dataset.
	lev := &Dataset{Name: "x", cases: []Case{{Name: "a", load: func() (*Sample, error) {
		s, err := d.Cases()[0].Load()
		s.Degrade = nil
		return s, err
	}}}}
	if _, err := r.Run(ctx, lev, RangeName, Options{}); err == nil {
		t.Error("range row ran without Degrade")
	}
}

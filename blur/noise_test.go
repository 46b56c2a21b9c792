package blur

import (
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/deblur/deblur/internal/testfiles"
	"github.com/deblur/deblur/plane"
)

// smoothScene is a blurred synthetic scene: sinusoidal shading plus a few
// hard-edged rectangles, convolved with a 7x7 box so it resembles a blurry
// photograph.
func smoothScene(t *testing.T, w, h int) *plane.Plane {
	p := plane.New(w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := 0.5 + 0.2*math.Sin(float64(x)/9) + 0.15*math.Cos(float64(y)/13+float64(x)/31)
			if (x/40+y/32)%2 == 0 {
				v += 0.15
			}
			p.Set(x, y, v)
		}
	}
	k := plane.New(7, 7)
	for i := range k.Pix {
		k.Pix[i] = 1.0 / 49
	}
	out, err := Convolve(p, k, Same)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func addNoise(p *plane.Plane, sigma float64, seed uint64) *plane.Plane {
	rng := rand.New(rand.NewPCG(seed, 99))
	q := p.Clone()
	for i := range q.Pix {
		q.Pix[i] += sigma * rng.NormFloat64()
	}
	return q
}

func checkSigma(t *testing.T, name string, clean *plane.Plane, tol float64) {
	t.Helper()
	for _, sigma := range []float64{0.01, 0.05} {
		for seed := uint64(1); seed <= 3; seed++ {
			got, err := EstimateNoise(addNoise(clean, sigma, seed))
			if err != nil {
				t.Fatal(err)
			}
			if rel := math.Abs(got-sigma) / sigma; rel > tol {
				t.Errorf("%s sigma %.2f seed %d: estimated %.5f (%.0f%% off, tolerance %.0f%%)", name, sigma, seed, got, 100*rel, 100*tol)
			}
		}
	}
}

func TestEstimateNoiseSynthetic(t *testing.T) {
	checkSigma(t, "flat", plane.New(256, 256), 0.05)
	checkSigma(t, "scene", smoothScene(t, 256, 256), 0.08)
	// Over maxNoiseBlocks blocks: every second row of blocks is read.
	checkSigma(t, "large", plane.New(2400, 2000), 0.02)
	if got, _ := EstimateNoise(smoothScene(t, 256, 256)); got > 0.002 {
		t.Errorf("noise-free blurred scene: estimated sigma %g, want < 0.002", got)
	}
	if _, err := EstimateNoise(plane.New(1, 5)); err == nil {
		t.Error("1x5 image: want an error")
	}
}

func TestEstimateNoiseLevinImage(t *testing.T) {
	sharp := loadGray(t, testfiles.Path("levin", "gt", "im1.png"))
	k := plane.New(9, 9)
	for i := range k.Pix {
		k.Pix[i] = 1.0 / 81
	}
	blurred, err := Convolve(sharp, k, Same)
	if err != nil {
		t.Fatal(err)
	}
	checkSigma(t, "levin im1 blurred", blurred, 0.10)
}

// loadGray reads an 8-bit gray PNG into a plane with values in [0, 1].
func loadGray(t *testing.T, path string) *plane.Plane {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	p := plane.New(b.Dx(), b.Dy())
	for y := 0; y < p.H; y++ {
		for x := 0; x < p.W; x++ {
			g := color.Gray16Model.Convert(img.At(x+b.Min.X, y+b.Min.Y)).(color.Gray16)
			p.Set(x, y, float64(g.Y)/65535)
		}
	}
	return p
}

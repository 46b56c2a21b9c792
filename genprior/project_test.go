package genprior

import (
	"context"
	"errors"
	"testing"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/plane"
	"github.com/deblur/deblur/tensor"
)

// TestProjectRecoversRangeImage projects an image of the generator's range
// and one outside it: the first comes back to within 40 dB; the second's
// projection is closer to it than the generator's output at a random
// latent and than the projection of the first image is.
func TestProjectRecoversRangeImage(t *testing.T) {
	gi, _, c := smallCase()
	s := ProjectDefaults()
	s.Steps = 400
	p, err := Project(context.Background(), c.sharp, gi, s)
	if err != nil {
		t.Fatal(err)
	}
	got := circularPSNR(p.Image, c.sharp)
	t.Logf("in range: %.2f dB after %d steps in %v; errors %.3g", got, p.Iterations, p.Elapsed, p.Errors)
	if got < 40 || len(p.Latent) != gi.LatentDim() {
		t.Errorf("range image projected to %.2f dB (best %d of %v)", got, p.Best, p.Errors)
	}
	// Outside the range: a checkerboard.
	off := gi.blank()
	for i := range off.Channels[0].Pix {
		if (i%12+i/12)%2 == 0 {
			off.Channels[0].Pix[i] = 1
		}
	}
	q, err := Project(context.Background(), off, gi, s)
	if err != nil {
		t.Fatal(err)
	}
	random := gi.Forward(nil, randomLatent(gi.LatentDim()))
	r0 := 0.0
	for i, v := range off.Channels[0].Pix {
		d := float64(random.Data[i]) - v
		r0 += d * d
	}
	t.Logf("checkerboard: projection error %.3f, random latent %.3f", q.Errors[q.Best], r0)
	if !(q.Errors[q.Best] < r0) || !(q.Errors[q.Best] > p.Errors[p.Best]) {
		t.Errorf("checkerboard projection error %.3f (random latent %.3f, range image %.3g)", q.Errors[q.Best], r0, p.Errors[p.Best])
	}
}

func randomLatent(d int) *tensor.Tensor {
	z := tensor.New(1, d)
	nn.Normal(nn.NewRand(5), z, 0, 1)
	return z
}

func TestProjectErrors(t *testing.T) {
	gi, _, c := smallCase()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := ProjectDefaults()
	s.Steps = 5
	if p, err := Project(ctx, c.sharp, gi, s); !errors.Is(err, context.Canceled) || p == nil || p.Iterations != 0 {
		t.Errorf("cancelled: %v", err)
	}
	bad := s
	bad.Restarts = 0
	wrong := &imageio.Image{Channels: []*plane.Plane{plane.New(5, 5)}}
	for name, f := range map[string]func() error{
		"settings": func() error { _, err := Project(context.Background(), c.sharp, gi, bad); return err },
		"size":     func() error { _, err := Project(context.Background(), wrong, gi, s); return err },
		"nil":      func() error { _, err := Project(context.Background(), nil, gi, s); return err },
		"no gen":   func() error { _, err := Project(context.Background(), c.sharp, nil, s); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

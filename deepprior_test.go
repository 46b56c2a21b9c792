package deblur

import (
	"context"
	"errors"
	"testing"

	"github.com/deblur/deblur/genprior"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

func TestDeepDeblurSizes(t *testing.T) {
	s1, s2 := genprior.Alg1Defaults(), genprior.Alg2Defaults()
	s1.Steps, s1.Restarts, s2.Steps, s2.Restarts = 3, 2, 3, 2
	digit := imageio.NewGray(plane.New(28, 28))
	for i := range digit.Channels[0].Pix {
		digit.Channels[0].Pix[i] = float64(i%28) / 28
	}
	r, err := DeepDeblur(context.Background(), digit, s1)
	if err != nil || r.Image.W() != 28 || !r.Image.IsGray() || r.Kernel.W != 28 || r.Iterations != 3 {
		t.Fatalf("DeepDeblur on a 28x28 gray image: %v", err)
	}
	if r, err = DeepDeblurSlack(context.Background(), digit, s2); err != nil || r.Image.W() != 28 || r.Iterations != 3 {
		t.Fatalf("DeepDeblurSlack on a 28x28 gray image: %v", err)
	}
	rgb, err := imageio.NewRGB(plane.New(28, 28), plane.New(28, 28), plane.New(28, 28))
	if err != nil {
		t.Fatal(err)
	}
	for name, im := range map[string]*imageio.Image{"30x30": imageio.NewGray(plane.New(30, 30)), "colour": rgb, "nil": nil} {
		if _, err := DeepDeblur(context.Background(), im, s1); !errors.Is(err, ErrGeneratorSize) {
			t.Errorf("DeepDeblur %s: %v", name, err)
		}
		if _, err := DeepDeblurSlack(context.Background(), im, s2); !errors.Is(err, ErrGeneratorSize) {
			t.Errorf("DeepDeblurSlack %s: %v", name, err)
		}
	}
}

package selfdeblur

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/deblur/deblur/metrics"
)

func TestSweep(t *testing.T) {
	if os.Getenv("SWEEP") == "" {
		t.Skip()
	}
	k := motionKernel9()
	for _, x0 := range []int{40} {
		_ = x0
		sharp, blurry := syntheticCase(t, 64, k)
		for _, c := range []struct {
			it    int
			lrk   float64
			width int
		}{{400, 1e-3, 32}, {400, 5e-4, 32}, {800, 1e-4, 32}, {800, 5e-4, 32}, {600, 1e-3, 16}} {
			s := recoverySettings()
			s.Iterations, s.LRKernel, s.Gx = c.it, c.lrk, UniformSkip(c.width, 8)
			s.SSIMFrom = c.it / 4
			s.Milestones = []int{c.it / 2, c.it * 3 / 4, c.it * 7 / 8}
			res, err := Run(context.Background(), blurry, s)
			if err != nil {
				t.Fatal(err)
			}
			ke, _ := metrics.KernelError(res.Kernel, k)
			p := metrics.Protocol{Border: 5, MaxShift: 4, Steps: 4}
			b, _ := metrics.Score(blurry, sharp, p)
			a, _ := metrics.Score(res.Image, sharp, p)
			fmt.Printf("it %d lrk %g width %d: NCC %.3f shift %d,%d  PSNR %.2f -> %.2f  %v\n", c.it, c.lrk, c.width, ke.NCC, ke.DX, ke.DY, b.PSNR, a.PSNR, res.Elapsed)
		}
	}
}

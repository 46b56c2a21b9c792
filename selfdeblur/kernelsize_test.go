package selfdeblur

import (
	"math"
	"testing"

	"github.com/deblur/deblur/plane"
)

func TestAutoKernelSize(t *testing.T) {
	for _, tc := range []struct{ w, h, want int }{
		{255, 255, 31}, {320, 320, 39}, {4000, 3000, 75}, {100, 80, 15}, {40, 40, 9}, {12, 12, 3},
	} {
		if got := AutoKernelSize(tc.w, tc.h); got != tc.want {
			t.Errorf("AutoKernelSize(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestTrimKernel(t *testing.T) {
	k := plane.New(15, 15)
	k.Set(6, 7, 3)     // the stroke spans x 6..9, y 7, 8
	k.Set(9, 8, 1)     //
	k.Set(0, 0, 0.001) // below 1/20 of the peak: dropped
	got := TrimKernel(k, 0.05)
	// Columns: 6 empty on the left, 5 on the right -> 4 removed from each
	// side (margin 1); rows: 7 above, 6 below -> 5 removed each side.
	if got.W != 7 || got.H != 5 {
		t.Fatalf("trimmed to %dx%d, want 7x5", got.W, got.H)
	}
	if math.Abs(got.Sum()-1) > 1e-12 || got.At(2, 2) < 0.74 || got.At(5, 3) < 0.24 {
		t.Errorf("trimmed kernel %v", got.Pix)
	}
	tight := TrimKernel(got, 0.05)
	if tight.W != 7 || tight.H != 5 {
		t.Errorf("a tight kernel was trimmed to %dx%d", tight.W, tight.H)
	}
	zero := TrimKernel(plane.New(5, 5), 0.05)
	if zero.W != 5 {
		t.Errorf("an all-zero kernel was trimmed to %dx%d", zero.W, zero.H)
	}
}

package kernel

import (
	"slices"

	"github.com/deblur/deblur/plane"
)

// Pieces splits k's support, the values of at least floor times its peak,
// into 8-connected pieces and returns each piece's share of k's total mass,
// largest first. A camera-shake kernel is one stroke, so a plausible
// estimate has one piece holding most of the mass; an estimate split into
// separate pieces of similar mass is the signature of a failed fit (a
// double image, stripes in the deblurred output). The shares sum to less
// than 1 when mass lies below the floor. A kernel without positive mass
// has no pieces.
func Pieces(k *plane.Plane, floor float64) []float64 {
	peak, total := 0.0, 0.0
	for _, v := range k.Pix {
		peak = max(peak, v)
		total += v
	}
	if !(peak > 0) || !(total > 0) {
		return nil
	}
	in := func(i int) bool { return k.Pix[i] >= floor*peak && k.Pix[i] > 0 }
	seen := make([]bool, len(k.Pix))
	var shares []float64
	var stack []int
	for start := range k.Pix {
		if seen[start] || !in(start) {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], start)
		mass := 0.0
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			mass += k.Pix[i]
			x, y := i%k.W, i/k.W
			for ny := max(y-1, 0); ny <= min(y+1, k.H-1); ny++ {
				for nx := max(x-1, 0); nx <= min(x+1, k.W-1); nx++ {
					if j := ny*k.W + nx; !seen[j] && in(j) {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		shares = append(shares, mass/total)
	}
	slices.SortFunc(shares, func(a, b float64) int {
		switch {
		case a > b:
			return -1
		case a < b:
			return 1
		}
		return 0
	})
	return shares
}

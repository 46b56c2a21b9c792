package tensor

import "fmt"

// TV is the anisotropic total variation used by the DIP/SelfDeblur code, as
// a one-element tensor: for x of shape N x C x H x W,
//
//	TV = mean(|x[:, :, 1:, :] - x[:, :, :-1, :]|) + mean(|x[:, :, :, 1:] - x[:, :, :, :-1]|)
//
// i.e. the mean absolute vertical difference (over N*C*(H-1)*W terms) plus
// the mean absolute horizontal difference (over N*C*H*(W-1) terms). The
// gradient uses sign(0) = 0, like PyTorch's abs. H and W must be at least 2.
func TV(tp *Tape, x *Tensor) *Tensor { return tvLoss(tp, x, false, true) }

// TVSum is the anisotropic total variation as a sum, like TensorFlow's
// tf.image.total_variation summed over the batch: for x of shape
// N x C x H x W (H and W at least 2),
//
//	TVSum = sum(|x[:, :, 1:, :] - x[:, :, :-1, :]|) + sum(|x[:, :, :, 1:] - x[:, :, :, :-1]|).
//
// The gradient uses sign(0) = 0.
func TVSum(tp *Tape, x *Tensor) *Tensor { return tvLoss(tp, x, false, false) }

// TVSq is the squared-difference variant, as a one-element tensor: the SUM
// (not the mean) of the squared vertical and horizontal differences,
//
//	TVSq = sum((x[:, :, 1:, :] - x[:, :, :-1, :])^2) + sum((x[:, :, :, 1:] - x[:, :, :, :-1])^2)
//
// for x of shape N x C x H x W with H and W at least 2.
func TVSq(tp *Tape, x *Tensor) *Tensor { return tvLoss(tp, x, true, false) }

// tvLoss sums |d| (or d^2 with sq) over the vertical and horizontal
// differences d, each direction divided by its number of terms with mean.
func tvLoss(tp *Tape, x *Tensor, sq, mean bool) *Tensor {
	n, c, h, w := dims4("TV", x)
	if h < 2 || w < 2 || n*c == 0 {
		panic(fmt.Sprintf("tensor: TV of shape %v (needs H, W >= 2)", x.shape))
	}
	rows := n * c * h
	// Per-row partial sums keep the result independent of the split.
	sumH, sumW := make([]float64, rows), make([]float64, rows)
	parallelFor(rows, 4*w, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			row := x.Data[r*w : (r+1)*w]
			s := 0.0
			for i, v := range row[1:] {
				s += tvTerm(v-row[i], sq)
			}
			sumW[r] = s
			if r%h == h-1 {
				continue
			}
			s = 0
			next := x.Data[(r+1)*w : (r+2)*w]
			for i, v := range next[:len(row)] {
				s += tvTerm(v-row[i], sq)
			}
			sumH[r] = s
		}
	})
	var th, tw float64
	for r := range sumH {
		th += sumH[r]
		tw += sumW[r]
	}
	// kh, kw scale each direction's sum: 1/count for a mean, else 1.
	kh, kw := 1.0, 1.0
	if mean {
		kh, kw = 1/float64(n*c*(h-1)*w), 1/float64(rows*(w-1))
	}
	out := tp.result([]int{1}, x)
	out.Data[0] = float32(th*kh + tw*kw)
	tp.record(out, func() {
		gx := tp.grad(x)
		if gx == nil {
			return
		}
		g := float64(out.Grad[0])
		fh, fw := float32(g*kh), float32(g*kw)
		parallelFor(rows, 6*w, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				y := r % h
				row, dst := x.Data[r*w:(r+1)*w], gx[r*w:(r+1)*w]
				for i, v := range row[1:] {
					d := fw * tvSlope(v-row[i], sq)
					dst[i+1] += d
					dst[i] -= d
				}
				if y > 0 {
					prev := x.Data[(r-1)*w : r*w]
					for i, v := range row {
						dst[i] += fh * tvSlope(v-prev[i], sq)
					}
				}
				if y < h-1 {
					next := x.Data[(r+1)*w : (r+2)*w]
					for i, v := range row {
						dst[i] -= fh * tvSlope(next[i]-v, sq)
					}
				}
			}
		})
	})
	return out
}

// tvTerm is |d| or d^2.
func tvTerm(d float32, sq bool) float64 {
	if sq {
		return float64(d) * float64(d)
	}
	if d < 0 {
		return -float64(d)
	}
	return float64(d)
}

// tvSlope is the derivative of tvTerm: sign(d) with sign(0) = 0, or 2d.
func tvSlope(d float32, sq bool) float32 {
	switch {
	case sq:
		return 2 * d
	case d > 0:
		return 1
	case d < 0:
		return -1
	}
	return 0
}

package tensor

import (
	"fmt"

	"github.com/deblur/deblur/internal/blas"
)

// ConvTranspose2D is PyTorch's conv_transpose2d (groups 1, dilation 1): x is
// N x Cin x H x W, w is Cin x Cout x KH x KW (PyTorch's ConvTranspose2d
// weight layout), b has Cout values or is nil. Every input value scatters
// its kernel onto the output,
//
//	out[n, o, y*stride + i - pad, x*stride + j - pad] += x[n, c, y, x] * w[c, o, i, j]
//
// (positions outside the output are dropped), plus b[o]. The result is
// N x Cout x Ho x Wo with Ho = (H-1)*stride - 2*pad + KH + outputPad
// (likewise Wo); outputPad adds rows/columns at the bottom/right and must be
// smaller than stride (or zero), as in PyTorch. ConvTranspose2D is the
// adjoint of Conv2D with the same weight, stride and pad.
//
// It runs as one GEMM per sample, cols = W^T x X ((Cout*KH*KW) x (H*W)),
// whose columns are then added onto the output (col2im); the backward
// gathers the output gradient with im2col and uses two more GEMMs.
func ConvTranspose2D(tp *Tape, x, w, b *Tensor, stride, pad, outputPad int) *Tensor {
	n, cin, h, wd := dims4("ConvTranspose2D", x)
	wcin, cout, kh, kw := dims4("ConvTranspose2D weight", w)
	if wcin != cin {
		panic(fmt.Sprintf("tensor: ConvTranspose2D weight has %d input channels, input has %d", wcin, cin))
	}
	if b != nil && b.Len() != cout {
		panic(fmt.Sprintf("tensor: ConvTranspose2D bias has %d values for %d output channels", b.Len(), cout))
	}
	ho := (h-1)*stride - 2*pad + kh + outputPad
	wo := (wd-1)*stride - 2*pad + kw + outputPad
	if stride < 1 || pad < 0 || outputPad < 0 || (outputPad > 0 && outputPad >= stride) || ho < 1 || wo < 1 {
		panic(fmt.Sprintf("tensor: ConvTranspose2D of %dx%d input with %dx%d kernel, stride %d, pad %d, output padding %d",
			h, wd, kh, kw, stride, pad, outputPad))
	}
	// The geometry of the convolution this op is the adjoint of: its input
	// is our output (Cout x Ho x Wo), its output grid is our input (H x W).
	g := im2colGeom{cout, ho, wo, kh, kw, h, wd, stride, pad}
	rows, cols := cout*kh*kw, h*wd
	inLen, outLen := cin*cols, cout*ho*wo
	out := tp.result([]int{n, cout, ho, wo}, x, w, b)
	col := tp.alloc(rows * cols)
	for s := 0; s < n; s++ {
		ys := out.Data[s*outLen : (s+1)*outLen]
		if b != nil {
			for o, bv := range b.Data {
				row := ys[o*ho*wo : (o+1)*ho*wo]
				for k := range row {
					row[k] = bv
				}
			}
		} else {
			clear(ys)
		}
		blas.Gemm(tp.threads(), true, false, rows, cols, cin, 1, w.Data, rows, x.Data[s*inLen:(s+1)*inLen], cols, 0, col, cols)
		g.col2im(col, ys)
	}
	tp.release(col)
	tp.record(out, func() {
		gx, gw, gb := tp.grad(x), tp.grad(w), tp.grad(b)
		if gx == nil && gw == nil {
			if gb != nil {
				for s := 0; s < n; s++ {
					sumRows(gb, out.Grad[s*outLen:(s+1)*outLen], ho*wo)
				}
			}
			return
		}
		col := tp.alloc(rows * cols)
		for s := 0; s < n; s++ {
			dys := out.Grad[s*outLen : (s+1)*outLen]
			if gb != nil {
				sumRows(gb, dys, ho*wo)
			}
			g.im2col(dys, col)
			if gx != nil { // dX = W x im2col(dY)
				blas.Gemm(tp.threads(), false, false, cin, cols, rows, 1, w.Data, rows, col, cols, 1, gx[s*inLen:(s+1)*inLen], cols)
			}
			if gw != nil { // dW = X x im2col(dY)^T
				blas.Gemm(tp.threads(), false, true, cin, rows, cols, 1, x.Data[s*inLen:(s+1)*inLen], cols, col, cols, 1, gw, rows)
			}
		}
		tp.release(col)
	})
	return out
}

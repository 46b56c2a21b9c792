package tensor

import (
	"fmt"

	"github.com/deblur/deblur/internal/blas"
	"github.com/deblur/deblur/internal/vec"
)

// Conv2D is PyTorch's conv2d: x is N x Cin x H x W, w is Cout x Cin x KH x KW,
// b (optional, nil for none) has Cout values; x is zero-padded by pad on
// every side and the kernel moves by stride. The result is
// N x Cout x Ho x Wo with Ho = (H + 2 pad - KH) / stride + 1 (likewise Wo).
// Like PyTorch it computes a cross-correlation (the kernel is not flipped).
//
// In a build with oneDNN (-tags dnnl) convolutions with kernels larger
// than 1x1 run on its direct convolutions (internal/dnnl). Otherwise
// stride-1 convolutions run as one GEMM per kernel tap on shifted views of
// the input (no im2col copy); other strides use an im2col buffer.
func Conv2D(tp *Tape, x, w, b *Tensor, stride, pad int) *Tensor {
	_, cin, h, wd := dims4("Conv2D", x)
	cout, wcin, kh, kw := dims4("Conv2D weight", w)
	if wcin != cin {
		panic(fmt.Sprintf("tensor: Conv2D weight has %d input channels, input has %d", wcin, cin))
	}
	if b != nil && b.Len() != cout {
		panic(fmt.Sprintf("tensor: Conv2D bias has %d values for %d output channels", b.Len(), cout))
	}
	if stride < 1 || pad < 0 || h+2*pad < kh || wd+2*pad < kw {
		panic(fmt.Sprintf("tensor: Conv2D of %dx%d input with %dx%d kernel, stride %d, pad %d", h, wd, kh, kw, stride, pad))
	}
	if cv := tp.dnnlConv(convKey{x.Dim(0), cin, h, wd, cout, kh, kw, stride, pad, tp.threads(), b != nil, tp.bf16()}); cv != nil {
		return convDNNL(tp, cv, x, w, b, stride, pad)
	}
	if stride == 1 {
		if pad > 0 {
			x = ZeroPad2D(tp, x, pad, pad, pad, pad)
		}
		return convShifted(tp, x, w, b)
	}
	return convIm2col(tp, x, w, b, stride, pad)
}

// repackTaps turns w (Cout x Cin x KH x KW) into KH*KW matrices Cout x Cin,
// one per kernel tap, so each tap is a contiguous GEMM operand.
func repackTaps(tp *Tape, w *Tensor) []float32 {
	cout, cin, kh, kw := dims4("weight", w)
	kk := kh * kw
	out := tp.alloc(kk * cout * cin)
	for o := 0; o < cout; o++ {
		for c := 0; c < cin; c++ {
			src := w.Data[(o*cin+c)*kk : (o*cin+c+1)*kk]
			for t, v := range src {
				out[(t*cout+o)*cin+c] = v
			}
		}
	}
	return out
}

// convStrip is how many grid columns the tap GEMMs of convShifted cover at
// a time: all taps run over one strip before the next, so the strip of the
// output (or of its gradient) stays in cache across the taps instead of
// streaming through memory once per tap. 1.17x on the GEMMs of a 32-channel
// 3x3 convolution at 281x281 (one thread; 1024..8192 measured alike).
const convStrip = 2048

// convShifted is the stride-1, unpadded convolution. The output of every
// tap is accumulated on a grid as wide as the input (Ho x W), where tap
// (i, j) reads the input shifted by i*W + j; the Wo valid columns of each
// grid row are then copied out with the bias added.
func convShifted(tp *Tape, x, w, b *Tensor) *Tensor {
	n, cin, h, wd := dims4("Conv2D", x)
	cout, _, kh, kw := dims4("Conv2D weight", w)
	ho, wo := h-kh+1, wd-kw+1
	hw, gridLen := h*wd, ho*wd
	ncols := gridLen - kw + 1 // last valid grid column + 1
	out := tp.result([]int{n, cout, ho, wo}, x, w, b)
	taps := repackTaps(tp, w)
	// With a one-column kernel the grid is the output itself (Wo = W), so
	// the products write there and only the bias is added.
	inPlace := kw == 1
	var grid []float32
	if !inPlace {
		grid = tp.alloc(cout * gridLen)
		defer tp.release(grid)
	}
	for s := 0; s < n; s++ {
		ys := out.Data[s*cout*ho*wo : (s+1)*cout*ho*wo]
		if inPlace {
			grid = ys
		}
		xs := x.Data[s*cin*hw : (s+1)*cin*hw]
		for c0 := 0; c0 < ncols; c0 += convStrip {
			nc := min(convStrip, ncols-c0)
			for i := 0; i < kh; i++ {
				for j := 0; j < kw; j++ {
					t := i*kw + j
					beta := float32(1)
					if t == 0 {
						beta = 0
					}
					blas.Gemm(tp.threads(), false, false, cout, nc, cin, 1, taps[t*cout*cin:(t+1)*cout*cin], cin,
						xs[i*wd+j+c0:], hw, beta, grid[c0:], gridLen)
				}
			}
		}
		if inPlace {
			if b != nil {
				parallelFor(cout, ho*wo, func(lo, hi int) {
					addBias(ys[lo*ho*wo:hi*ho*wo], b.Data[lo:hi], ho*wo)
				})
			}
			continue
		}
		parallelFor(cout, ho*wo, func(lo, hi int) {
			for o := lo; o < hi; o++ {
				bias := float32(0)
				if b != nil {
					bias = b.Data[o]
				}
				for y := 0; y < ho; y++ {
					src := grid[o*gridLen+y*wd : o*gridLen+y*wd+wo]
					dst := ys[(o*ho+y)*wo : (o*ho+y+1)*wo]
					for k, v := range src {
						dst[k] = v + bias
					}
				}
			}
		})
	}
	tp.record(out, func() {
		gw, gb := tp.grad(w), tp.grad(b)
		// A 1x1 kernel's input-gradient products cover gx exactly once, so
		// a fresh buffer is written (beta 0) instead of zeroed and added to.
		var gx []float32
		betaX := float32(1)
		if kh*kw == 1 {
			var fresh bool
			if gx, fresh = tp.freshGrad(x); fresh {
				betaX = 0
			}
		} else {
			gx = tp.grad(x)
		}
		var gtaps []float32
		if gw != nil {
			gtaps = tp.zeros(len(taps))
		}
		var dgrid []float32
		if !inPlace {
			dgrid = tp.alloc(cout * gridLen)
			defer tp.release(dgrid)
		}
		for s := 0; s < n; s++ {
			dys := out.Grad[s*cout*ho*wo : (s+1)*cout*ho*wo]
			if inPlace {
				dgrid = dys
			}
			parallelFor(cout, ho*wo, func(lo, hi int) {
				if !inPlace {
					for o := lo; o < hi; o++ {
						for y := 0; y < ho; y++ {
							dst := dgrid[o*gridLen+y*wd : o*gridLen+(y+1)*wd]
							copy(dst, dys[(o*ho+y)*wo:(o*ho+y+1)*wo])
							clear(dst[wo:])
						}
					}
				}
				if gb != nil {
					sumRows(gb[lo:hi], dys[lo*ho*wo:hi*ho*wo], ho*wo)
				}
			})
			xs := x.Data[s*cin*hw : (s+1)*cin*hw]
			var gxs []float32
			if gx != nil {
				gxs = gx[s*cin*hw : (s+1)*cin*hw]
			}
			for c0 := 0; c0 < ncols; c0 += convStrip {
				nc := min(convStrip, ncols-c0)
				for i := 0; i < kh; i++ {
					for j := 0; j < kw; j++ {
						t, off := i*kw+j, i*wd+j+c0
						if gw != nil {
							blas.Gemm(tp.threads(), false, true, cout, cin, nc, 1, dgrid[c0:], gridLen, xs[off:], hw, 1,
								gtaps[t*cout*cin:(t+1)*cout*cin], cin)
						}
						if gx != nil {
							blas.Gemm(tp.threads(), true, false, cin, nc, cout, 1, taps[t*cout*cin:(t+1)*cout*cin], cin,
								dgrid[c0:], gridLen, betaX, gxs[off:], hw)
						}
					}
				}
			}
		}
		if gw != nil {
			kk := kh * kw
			for o := 0; o < cout; o++ {
				for c := 0; c < cin; c++ {
					dst := gw[(o*cin+c)*kk : (o*cin+c+1)*kk]
					for t := range dst {
						dst[t] += gtaps[(t*cout+o)*cin+c]
					}
				}
			}
			tp.release(gtaps)
		}
	})
	return out
}

// convIm2col handles strided (and padded) convolutions through an im2col
// buffer of (Cin*KH*KW) x (Ho*Wo) values per sample.
func convIm2col(tp *Tape, x, w, b *Tensor, stride, pad int) *Tensor {
	n, cin, h, wd := dims4("Conv2D", x)
	cout, _, kh, kw := dims4("Conv2D weight", w)
	ho, wo := (h+2*pad-kh)/stride+1, (wd+2*pad-kw)/stride+1
	g := im2colGeom{cin, h, wd, kh, kw, ho, wo, stride, pad}
	rows, cols := cin*kh*kw, ho*wo
	out := tp.result([]int{n, cout, ho, wo}, x, w, b)
	col := tp.alloc(rows * cols)
	for s := 0; s < n; s++ {
		g.im2col(x.Data[s*cin*h*wd:(s+1)*cin*h*wd], col)
		ys := out.Data[s*cout*cols : (s+1)*cout*cols]
		blas.Gemm(tp.threads(), false, false, cout, cols, rows, 1, w.Data, rows, col, cols, 0, ys, cols)
		if b != nil {
			addBias(ys, b.Data, cols)
		}
	}
	tp.release(col)
	tp.record(out, func() {
		gx, gw, gb := tp.grad(x), tp.grad(w), tp.grad(b)
		col := tp.alloc(rows * cols)
		for s := 0; s < n; s++ {
			dys := out.Grad[s*cout*cols : (s+1)*cout*cols]
			if gb != nil {
				sumRows(gb, dys, cols)
			}
			if gw != nil {
				g.im2col(x.Data[s*cin*h*wd:(s+1)*cin*h*wd], col)
				blas.Gemm(tp.threads(), false, true, cout, rows, cols, 1, dys, cols, col, cols, 1, gw, rows)
			}
			if gx != nil {
				blas.Gemm(tp.threads(), true, false, rows, cols, cout, 1, w.Data, rows, dys, cols, 0, col, cols)
				g.col2im(col, gx[s*cin*h*wd:(s+1)*cin*h*wd])
			}
		}
		tp.release(col)
	})
	return out
}

type im2colGeom struct{ cin, h, w, kh, kw, ho, wo, stride, pad int }

// im2col fills col[(c*KH+i)*KW+j][y*Wo+x] with the input sample under tap
// (i, j) of output (y, x), zero outside the image.
func (g im2colGeom) im2col(x, col []float32) {
	cols := g.ho * g.wo
	parallelFor(g.cin, g.kh*g.kw*cols, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			for i := 0; i < g.kh; i++ {
				for j := 0; j < g.kw; j++ {
					dst := col[((c*g.kh+i)*g.kw+j)*cols:][:cols]
					for y := 0; y < g.ho; y++ {
						iy := y*g.stride + i - g.pad
						row := dst[y*g.wo : (y+1)*g.wo]
						if iy < 0 || iy >= g.h {
							clear(row)
							continue
						}
						src := x[(c*g.h+iy)*g.w : (c*g.h+iy+1)*g.w]
						x0, x1 := g.validCols(j)
						clear(row[:x0])
						clear(row[x1:])
						for xx, ix := x0, x0*g.stride+j-g.pad; xx < x1; xx, ix = xx+1, ix+g.stride {
							row[xx] = src[ix]
						}
					}
				}
			}
		}
	})
}

// validCols returns the output columns [x0, x1) whose tap in kernel column
// j reads inside the input: 0 <= xx*stride + j - pad < w.
func (g im2colGeom) validCols(j int) (x0, x1 int) {
	off := j - g.pad
	if off < 0 {
		x0 = (-off + g.stride - 1) / g.stride
	}
	if last := g.w - 1 - off; last >= 0 { // else no column reads inside
		x1 = min(g.wo, last/g.stride+1)
	}
	return min(x0, x1), x1
}

// col2im adds the columns back onto the input positions they were read from.
func (g im2colGeom) col2im(col, dx []float32) {
	cols := g.ho * g.wo
	parallelFor(g.cin, g.kh*g.kw*cols, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			for i := 0; i < g.kh; i++ {
				for j := 0; j < g.kw; j++ {
					src := col[((c*g.kh+i)*g.kw+j)*cols:][:cols]
					for y := 0; y < g.ho; y++ {
						iy := y*g.stride + i - g.pad
						if iy < 0 || iy >= g.h {
							continue
						}
						dst := dx[(c*g.h+iy)*g.w : (c*g.h+iy+1)*g.w]
						x0, x1 := g.validCols(j)
						row := src[y*g.wo : (y+1)*g.wo]
						for xx, ix := x0, x0*g.stride+j-g.pad; xx < x1; xx, ix = xx+1, ix+g.stride {
							dst[ix] += row[xx]
						}
					}
				}
			}
		}
	})
}

// addBias adds bias[o] to row o (of length cols) of ys.
func addBias(ys, bias []float32, cols int) {
	for o, bv := range bias {
		vec.AddBias(ys[o*cols:(o+1)*cols], bv)
	}
}

// sumRows adds the sum of row o (of length cols) of g into dst[o], each
// row summed in order in float32. Four rows are summed side by side, so
// that their additions overlap instead of waiting on one another.
func sumRows(dst, g []float32, cols int) {
	o := 0
	for ; o+4 <= len(dst); o += 4 {
		a := g[o*cols : (o+1)*cols]
		b, c, d := g[(o+1)*cols:][:len(a)], g[(o+2)*cols:][:len(a)], g[(o+3)*cols:][:len(a)]
		var s0, s1, s2, s3 float32
		for i, v := range a {
			s0 += v
			s1 += b[i]
			s2 += c[i]
			s3 += d[i]
		}
		dst[o] += s0
		dst[o+1] += s1
		dst[o+2] += s2
		dst[o+3] += s3
	}
	for ; o < len(dst); o++ {
		s := float32(0)
		for _, v := range g[o*cols : (o+1)*cols] {
			s += v
		}
		dst[o] += s
	}
}

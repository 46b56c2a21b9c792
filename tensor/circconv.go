package tensor

import "fmt"

// CircularConv2D returns the circular (periodic) convolution of every
// channel of every image of x (N x C x H x W) with that image's own kernel
// k (N x 1 x Kh x Kw, 1 <= Kh <= H, 1 <= Kw <= W): the kernel is zero-padded
// to H x W with its centre (Kw/2, Kh/2) at the origin, so that
//
//	out[n,c,y,x] = sum over (a, b) of k[n,0,b,a] * x[n,c,(y-b+Kh/2) mod H,(x-a+Kw/2) mod W],
//
// the convention of blur.CircularConvolve (a convolution kernel: a single
// tap right of the centre moves the image right). Gradients flow to both x
// and k.
//
// It multiplies spectra, as the deep-generative-prior authors do, with the
// DFTs computed as batched GEMMs (see dft2): at the sizes it is used for
// (28x28 kernels on 28x28 to 64x64 images, ten restarts) that is far
// cheaper than a direct sum (Kh*Kw multiply-adds per output sample) or one
// FFT per grid (measurements in the package benchmarks).
func CircularConv2D(tp *Tape, x, k *Tensor) *Tensor {
	n, c, h, w := dims4("CircularConv2D", x)
	kn, kc, kh, kw := dims4("CircularConv2D", k)
	if kn != n || kc != 1 || kh < 1 || kw < 1 || kh > h || kw > w {
		panic(fmt.Sprintf("tensor: CircularConv2D of images %v with kernels %v (want N x 1 x Kh x Kw, Kh <= H, Kw <= W)", x.shape, k.shape))
	}
	out := tp.result(x.shape, x, k)
	d := newDFT2(tp, h, w)
	grid := tp.zeros(n * h * w)
	for i := 0; i < n; i++ {
		g, taps := grid[i*h*w:(i+1)*h*w], k.Data[i*kh*kw:(i+1)*kh*kw]
		for b := 0; b < kh; b++ {
			for a := 0; a < kw; a++ {
				g[kernelCell(a, b, kh, kw, h, w)] = taps[b*kw+a]
			}
		}
	}
	sk := d.forward(tp, grid, n)
	tp.release(grid)
	sx := d.forward(tp, x.Data, n*c)
	prod := tp.alloc(d.specLen(n * c))
	d.mul(prod, sx, sk, n, c, false)
	d.inverse(tp, out.Data, prod, n*c, 0)
	tp.release(prod)
	if !out.requiresGrad {
		tp.release(sx)
		tp.release(sk)
		d.release(tp)
		return out
	}
	if !k.requiresGrad { // the spectra the backward will not need
		tp.release(sx)
	}
	if !x.requiresGrad {
		tp.release(sk)
	}
	tp.record(out, func() {
		gx, gk := tp.grad(x), tp.grad(k)
		sg := d.forward(tp, out.Grad, n*c)
		if gx != nil { // dx = g correlated with the kernel: G conj(K)
			p := tp.alloc(d.specLen(n * c))
			d.mul(p, sg, sk, n, c, true)
			d.inverse(tp, gx, p, n*c, 1)
			tp.release(p)
		}
		if gk != nil { // dk = g correlated with x, summed over channels: sum_c G conj(X)
			p := tp.alloc(d.specLen(n))
			d.mulSum(p, sg, sx, n, c)
			full := tp.alloc(n * h * w)
			d.inverse(tp, full, p, n, 0)
			for i := 0; i < n; i++ {
				g, dst := full[i*h*w:(i+1)*h*w], gk[i*kh*kw:(i+1)*kh*kw]
				for b := 0; b < kh; b++ {
					for a := 0; a < kw; a++ {
						dst[b*kw+a] += g[kernelCell(a, b, kh, kw, h, w)]
					}
				}
			}
			tp.release(full)
			tp.release(p)
		}
		tp.release(sg)
	})
	return out
}

// kernelCell returns the index in an h x w grid of tap (a, b) of a kh x kw
// kernel whose centre (kw/2, kh/2) sits at the origin.
func kernelCell(a, b, kh, kw, h, w int) int {
	return (b-kh/2+h)%h*w + (a-kw/2+w)%w
}

// mul sets dst to the product of the spectra of n*c grids (x) and n grids
// (k, grid i/c for grid i of x), with k conjugated when conj is set.
func (d *dft2) mul(dst, x, k []float32, n, c int, conj bool) {
	h, bx := d.h, n*c
	hx, hk := d.hw*bx*h, d.hw*n*h // offsets of the imaginary parts
	sign := float32(1)
	if conj {
		sign = -1
	}
	parallelFor(d.hw*bx, 6*h, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			u, b := r/bx, r%bx
			kr := (u*n + b/c) * h
			xr, xi := x[r*h:(r+1)*h], x[hx+r*h:hx+(r+1)*h]
			ar, ai := k[kr:kr+h], k[hk+kr:hk+kr+h]
			dr, di := dst[r*h:(r+1)*h], dst[hx+r*h:hx+(r+1)*h]
			for v := range dr {
				br, bi := ar[v], sign*ai[v]
				dr[v] = xr[v]*br - xi[v]*bi
				di[v] = xr[v]*bi + xi[v]*br
			}
		}
	})
}

// mulSum sets dst (spectra of n grids) to sum over the c channels of
// g times the conjugate of x, both spectra of n*c grids.
func (d *dft2) mulSum(dst, g, x []float32, n, c int) {
	h, bx := d.h, n*c
	hx, hd := d.hw*bx*h, d.hw*n*h
	parallelFor(d.hw*n, 6*c*h, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			u, i := r/n, r%n
			dr, di := dst[r*h:(r+1)*h], dst[hd+r*h:hd+(r+1)*h]
			clear(dr)
			clear(di)
			for ch := 0; ch < c; ch++ {
				s := (u*bx + i*c + ch) * h
				gr, gi := g[s:s+h], g[hx+s:hx+s+h]
				xr, xi := x[s:s+h], x[hx+s:hx+s+h]
				for v := range dr {
					dr[v] += gr[v]*xr[v] + gi[v]*xi[v]
					di[v] += gi[v]*xr[v] - gr[v]*xi[v]
				}
			}
		}
	})
}

package fft2

import "math"

// cfft is a forward complex FFT of one length whose prime factors are all 2,
// 3 or 5: a Stockham autosort transform (radix 4, 2, 3 and 5 stages, no bit
// reversal) with precomputed twiddle factors. The inverse transform is
// obtained by conjugating input and output.
type cfft struct {
	n      int
	stages []stage
}

// stage is one radix-p pass: it merges n/(ns*p) groups of p sub-transforms
// of length ns into sub-transforms of length ns*p.
type stage struct {
	p, ns int
	tw    []complex128 // tw[k*(p-1)+r-1] = exp(-2 pi i k r / (ns p)), k < ns
}

// newCFFT returns the transform of length n, or false when n has a prime
// factor other than 2, 3 and 5.
func newCFFT(n int) (*cfft, bool) {
	if n < 1 {
		return nil, false
	}
	var radices []int
	m := n
	for m%4 == 0 {
		radices = append(radices, 4)
		m /= 4
	}
	for _, f := range []int{2, 3, 5} {
		for m%f == 0 {
			radices = append(radices, f)
			m /= f
		}
	}
	if m != 1 {
		return nil, false
	}
	c := &cfft{n: n}
	ns := 1
	for _, p := range radices {
		st := stage{p: p, ns: ns, tw: make([]complex128, ns*(p-1))}
		for k := 0; k < ns; k++ {
			for r := 1; r < p; r++ {
				a := -2 * math.Pi * float64(k*r) / float64(ns*p)
				st.tw[k*(p-1)+r-1] = complex(math.Cos(a), math.Sin(a))
			}
		}
		c.stages = append(c.stages, st)
		ns *= p
	}
	return c, true
}

// transform replaces x (length n) by its forward DFT, using work (length n)
// as scratch.
func (c *cfft) transform(x, work []complex128) {
	src, dst := x, work
	for i := range c.stages {
		st := &c.stages[i]
		switch st.p {
		case 4:
			pass4(dst, src, st)
		case 2:
			pass2(dst, src, st)
		case 3:
			pass3(dst, src, st)
		case 5:
			pass5(dst, src, st)
		}
		src, dst = dst, src
	}
	if len(c.stages)%2 == 1 {
		copy(x, work)
	}
}

// The passes read input element j + r*m (m = n/p, r < p) and write output
// element (j/ns)*ns*p + j%ns + r*ns, with j = b*ns + k.

func pass2(dst, src []complex128, st *stage) {
	ns := st.ns
	m := len(src) / 2
	s0, s1 := src[:m], src[m:2*m]
	if ns == 1 {
		for j := 0; j < m; j++ {
			a0, a1 := s0[j], s1[j]
			dst[2*j] = a0 + a1
			dst[2*j+1] = a0 - a1
		}
		return
	}
	for b := 0; b < m/ns; b++ {
		o := dst[b*ns*2 : (b+1)*ns*2]
		o0, o1 := o[:ns], o[ns:2*ns]
		i0, i1 := s0[b*ns:(b+1)*ns], s1[b*ns:(b+1)*ns]
		tw := st.tw[:ns]
		for k := range o0 {
			a0, a1 := i0[k], i1[k]*tw[k]
			o0[k] = a0 + a1
			o1[k] = a0 - a1
		}
	}
}

func pass4(dst, src []complex128, st *stage) {
	ns := st.ns
	m := len(src) / 4
	s0, s1, s2, s3 := src[:m], src[m:2*m], src[2*m:3*m], src[3*m:4*m]
	if ns == 1 {
		for j := 0; j < m; j++ {
			a0, a1, a2, a3 := s0[j], s1[j], s2[j], s3[j]
			t0, t1 := a0+a2, a0-a2
			t2, d := a1+a3, a1-a3
			t3 := complex(imag(d), -real(d)) // -i (a1 - a3)
			o := dst[4*j : 4*j+4]
			o[0] = t0 + t2
			o[1] = t1 + t3
			o[2] = t0 - t2
			o[3] = t1 - t3
		}
		return
	}
	for b := 0; b < m/ns; b++ {
		o := dst[b*ns*4 : (b+1)*ns*4]
		o0, o1, o2, o3 := o[:ns], o[ns:2*ns], o[2*ns:3*ns], o[3*ns:4*ns]
		j0 := b * ns
		i0, i1, i2, i3 := s0[j0:j0+ns], s1[j0:j0+ns], s2[j0:j0+ns], s3[j0:j0+ns]
		tw := st.tw[:3*ns]
		for k := range o0 {
			w := tw[3*k : 3*k+3]
			a0 := i0[k]
			a1 := i1[k] * w[0]
			a2 := i2[k] * w[1]
			a3 := i3[k] * w[2]
			t0, t1 := a0+a2, a0-a2
			t2, d := a1+a3, a1-a3
			t3 := complex(imag(d), -real(d))
			o0[k] = t0 + t2
			o1[k] = t1 + t3
			o2[k] = t0 - t2
			o3[k] = t1 - t3
		}
	}
}

func pass3(dst, src []complex128, st *stage) {
	const s3 = 0.86602540378443864676 // sin(2 pi / 3)
	ns := st.ns
	m := len(src) / 3
	s0, s1, s2 := src[:m], src[m:2*m], src[2*m:3*m]
	for b := 0; b < m/ns; b++ {
		o := dst[b*ns*3 : (b+1)*ns*3]
		o0, o1, o2 := o[:ns], o[ns:2*ns], o[2*ns:3*ns]
		j0 := b * ns
		i0, i1, i2 := s0[j0:j0+ns], s1[j0:j0+ns], s2[j0:j0+ns]
		tw := st.tw[:2*ns]
		for k := range o0 {
			a0, a1, a2 := i0[k], i1[k], i2[k]
			if ns > 1 {
				a1 *= tw[2*k]
				a2 *= tw[2*k+1]
			}
			t1 := a1 + a2
			t2 := a0 - scale(0.5, t1)
			d := a1 - a2
			t3 := complex(s3*imag(d), -s3*real(d)) // -i sin(2pi/3) (a1 - a2)
			o0[k] = a0 + t1
			o1[k] = t2 + t3
			o2[k] = t2 - t3
		}
	}
}

func pass5(dst, src []complex128, st *stage) {
	const (
		c1 = 0.30901699437494742410  // cos(2 pi / 5)
		c2 = -0.80901699437494742410 // cos(4 pi / 5)
		s1 = 0.95105651629515357212  // sin(2 pi / 5)
		s2 = 0.58778525229247312917  // sin(4 pi / 5)
	)
	ns := st.ns
	m := len(src) / 5
	in := [5][]complex128{src[:m], src[m : 2*m], src[2*m : 3*m], src[3*m : 4*m], src[4*m : 5*m]}
	for b := 0; b < m/ns; b++ {
		o := dst[b*ns*5 : (b+1)*ns*5]
		o0, o1, o2, o3, o4 := o[:ns], o[ns:2*ns], o[2*ns:3*ns], o[3*ns:4*ns], o[4*ns:5*ns]
		j0 := b * ns
		i0, i1, i2, i3, i4 := in[0][j0:j0+ns], in[1][j0:j0+ns], in[2][j0:j0+ns], in[3][j0:j0+ns], in[4][j0:j0+ns]
		tw := st.tw[:4*ns]
		for k := range o0 {
			a0, a1, a2, a3, a4 := i0[k], i1[k], i2[k], i3[k], i4[k]
			if ns > 1 {
				w := tw[4*k : 4*k+4]
				a1 *= w[0]
				a2 *= w[1]
				a3 *= w[2]
				a4 *= w[3]
			}
			b1, b2 := a1+a4, a2+a3
			d1, d2 := a1-a4, a2-a3
			ta := a0 + scale(c1, b1) + scale(c2, b2)
			tb := a0 + scale(c2, b1) + scale(c1, b2)
			tc := scale(s1, d1) + scale(s2, d2)
			td := scale(s2, d1) - scale(s1, d2)
			itc := complex(imag(tc), -real(tc)) // -i tc
			itd := complex(imag(td), -real(td))
			o0[k] = a0 + b1 + b2
			o1[k] = ta + itc
			o4[k] = ta - itc
			o2[k] = tb + itd
			o3[k] = tb - itd
		}
	}
}

// scale returns c z for a real c (a complex product would cost four
// multiplications).
func scale(c float64, z complex128) complex128 {
	return complex(c*real(z), c*imag(z))
}

package tensor

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/plane"
)

// circShapes are the (n, c, h, w, kh, kw) cases of the tests: odd and even
// sizes, a kernel as large as the image, several channels and images.
var circShapes = [][6]int{
	{1, 1, 8, 8, 3, 3}, {2, 3, 9, 7, 4, 5}, {3, 1, 6, 6, 6, 6}, {1, 2, 11, 10, 11, 1}, {2, 1, 5, 8, 2, 8},
}

func tensorPlane(t *Tensor, off, w, h int) *plane.Plane {
	p := plane.New(w, h)
	for i := range p.Pix {
		p.Pix[i] = float64(t.Data[off+i])
	}
	return p
}

// TestCircularConv2DMatchesBlur: every (image, channel) equals
// blur.CircularConvolve of that channel with the image's kernel.
func TestCircularConv2DMatchesBlur(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	for _, s := range circShapes {
		n, c, h, w, kh, kw := s[0], s[1], s[2], s[3], s[4], s[5]
		x := randTensor(rng, -1, 1, n, c, h, w)
		k := randTensor(rng, 0, 1, n, 1, kh, kw)
		got := CircularConv2D(nil, x, k)
		if !sameShape(got.shape, x.shape) {
			t.Fatalf("%v: shape %v", s, got.shape)
		}
		for i := 0; i < n; i++ {
			kp := tensorPlane(k, i*kh*kw, kw, kh)
			for ch := 0; ch < c; ch++ {
				off := (i*c + ch) * h * w
				want, err := blur.CircularConvolve(tensorPlane(x, off, w, h), kp)
				if err != nil {
					t.Fatal(err)
				}
				for j, v := range want.Pix {
					if d := math.Abs(float64(got.Data[off+j]) - v); d > 1e-5 {
						t.Fatalf("%v: image %d channel %d sample %d = %v, want %v", s, i, ch, j, got.Data[off+j], v)
					}
				}
			}
		}
	}
}

// TestCircularConv2DOrientation: a tap right of (below) the centre moves
// a dot right (down), wrapping around the border.
func TestCircularConv2DOrientation(t *testing.T) {
	x := New(1, 1, 4, 5)
	x.Data[1*5+4] = 1 // (x 4, y 1)
	k := New(1, 1, 3, 3)
	k.Data[2*3+2] = 1 // one right, one down
	out := CircularConv2D(nil, x, k)
	if out.Data[2*5+0] != 1 || sumOf(out.Data) != 1 {
		t.Errorf("dot at (4,1) with a down-right tap: got %v, want a 1 at (0,2)", out.Data)
	}
}

func sumOf(v []float32) float32 {
	s := float32(0)
	for _, x := range v {
		s += x
	}
	return s
}

// TestCircularConv2DGrad checks both gradients by finite differences and,
// since the op is linear in each input, by exact adjoint identities.
func TestCircularConv2DGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(83, 84))
	for _, s := range circShapes {
		n, c, h, w, kh, kw := s[0], s[1], s[2], s[3], s[4], s[5]
		x := randParam(rng, -1, 1, n, c, h, w)
		k := randParam(rng, 0, 1, n, 1, kh, kw)
		checkGrad(t, "CircularConv2D", []*Tensor{x, k}, func(tp *Tape) *Tensor { return CircularConv2D(tp, x, k) }, 1e-2, 1e-3)
		kf, xf := k.Clone(), x.Clone()
		adjointErr(t, "CircularConv2D (image)", New(n, c, h, w), func(tp *Tape, x *Tensor) *Tensor { return CircularConv2D(tp, x, kf) })
		adjointErr(t, "CircularConv2D (kernel)", New(n, 1, kh, kw), func(tp *Tape, k *Tensor) *Tensor { return CircularConv2D(tp, xf, k) })
	}
	// Only one input requiring gradients must work too.
	x := randParam(rng, -1, 1, 2, 2, 6, 6)
	k := randTensor(rng, 0, 1, 2, 1, 3, 3)
	checkGrad(t, "CircularConv2D (image only)", []*Tensor{x}, func(tp *Tape) *Tensor { return CircularConv2D(tp, x, k) }, 1e-2, 1e-3)
}

func TestCircularConv2DRejectsBadShapes(t *testing.T) {
	for name, sh := range map[string][2][]int{
		"kernel too tall":   {{1, 1, 5, 5}, {1, 1, 6, 3}},
		"kernel too wide":   {{1, 1, 5, 5}, {1, 1, 3, 6}},
		"batch mismatch":    {{2, 1, 5, 5}, {1, 1, 3, 3}},
		"kernel channels":   {{1, 2, 5, 5}, {1, 2, 3, 3}},
		"not 4-D (kernel)":  {{1, 1, 5, 5}, {1, 3, 3}},
		"not 4-D (image)":   {{1, 5, 5}, {1, 1, 3, 3}},
		"empty kernel rows": {{1, 1, 5, 5}, {1, 1, 0, 3}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			CircularConv2D(nil, New(sh[0]...), New(sh[1]...))
		}()
	}
}

// circDirect is the direct float32 sum the FFT op replaces, used by the
// benchmark to justify the choice: for every tap, a wrapped row axpy.
func circDirect(x, k *Tensor) *Tensor {
	n, c, h, w := dims4("x", x)
	_, _, kh, kw := dims4("k", k)
	out := New(x.shape...)
	parallelFor(n*c, h*w*kh*kw, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			ks := k.Data[(j/c)*kh*kw:]
			src, dst := x.Data[j*h*w:(j+1)*h*w], out.Data[j*h*w:(j+1)*h*w]
			for yy := 0; yy < h; yy++ {
				orow := dst[yy*w : (yy+1)*w]
				for b := 0; b < kh; b++ {
					sy := ((yy-b+kh/2)%h + h) % h
					srow := src[sy*w : (sy+1)*w]
					for a := 0; a < kw; a++ {
						kv := ks[b*kw+a]
						d := ((kw/2-a)%w + w) % w // out[x] += kv * src[(x + d) mod w]
						for i, v := range srow[d:] {
							orow[i] += kv * v
						}
						for i, v := range srow[:d] {
							orow[w-d+i] += kv * v
						}
					}
				}
			}
		}
	})
	return out
}

func TestCircDirectMatchesOp(t *testing.T) {
	rng := rand.New(rand.NewPCG(85, 86))
	for _, s := range circShapes {
		x := randTensor(rng, -1, 1, s[0], s[1], s[2], s[3])
		k := randTensor(rng, 0, 1, s[0], 1, s[4], s[5])
		a, b := CircularConv2D(nil, x, k), circDirect(x, k)
		for i := range a.Data {
			if math.Abs(float64(a.Data[i]-b.Data[i])) > 1e-4 {
				t.Fatalf("%v: direct %v, FFT %v at %d", s, b.Data[i], a.Data[i], i)
			}
		}
	}
}

// The sizes of the deep-generative-prior solvers: 10 restarts of 28x28 gray
// images or 64x64 colour images, 28x28 kernels.
var circBenchShapes = []struct {
	name          string
	n, c, h, w, k int
}{{"28x28x1", 10, 1, 28, 28, 28}, {"64x64x3", 10, 3, 64, 64, 28}}

func BenchmarkCircularConv2D(b *testing.B) {
	for _, s := range circBenchShapes {
		rng := rand.New(rand.NewPCG(1, 3))
		x := randParam(rng, 0, 1, s.n, s.c, s.h, s.w)
		k := randParam(rng, 0, 1, s.n, 1, s.k, s.k)
		b.Run("gemm-dft-forward/"+s.name, func(b *testing.B) {
			for b.Loop() {
				CircularConv2D(nil, x, k)
			}
		})
		b.Run("direct-forward/"+s.name, func(b *testing.B) {
			for b.Loop() {
				circDirect(x, k)
			}
		})
		planes := make([]*plane.Plane, s.n*s.c)
		kps := make([]*plane.Plane, s.n)
		for i := range planes {
			planes[i] = tensorPlane(x, i*s.h*s.w, s.w, s.h)
		}
		for i := range kps {
			kps[i] = tensorPlane(k, i*s.k*s.k, s.k, s.k)
		}
		b.Run("fft-per-grid-forward/"+s.name, func(b *testing.B) {
			for b.Loop() {
				for i, p := range planes {
					if _, err := blur.CircularConvolve(p, kps[i/s.c]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
		b.Run("gemm-dft-forward-backward/"+s.name, func(b *testing.B) {
			tp := NewTape()
			for b.Loop() {
				tp.Reset()
				if err := tp.Backward(Sum(tp, CircularConv2D(tp, x, k))); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lengths covers the empty slice, lengths below and between vector widths,
// and a plane of the size SelfDeblur's network sees at Levin size.
var lengths = []int{0, 1, 3, 7, 15, 16, 17, 33, 100, 281 * 281}

func randSlice(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	// Signed zeros: the activation's gradient is chosen by the sign bit.
	if n > 2 {
		v[0], v[1] = float32(math.Copysign(0, -1)), 0
	}
	return v
}

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }

func TestSumsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range lengths {
		x, y, g := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
		s, ss := SumSquares(x)
		ws, wss := sumSquaresGo(x)
		if !close(s, ws, 1e-12) || !close(ss, wss, 1e-12) {
			t.Errorf("n=%d: SumSquares = %v, %v; Go loop %v, %v", n, s, ss, ws, wss)
		}
		for _, lf := range []float32{0, 0.8} {
			sd, sdx := LeakyGradSums(x, y, g, lf, 0.3)
			wd, wdx := leakyGradSumsGo(x, y, g, lf, 0.3)
			if !close(sd, wd, 1e-12) || !close(sdx, wdx, 1e-12) {
				t.Errorf("n=%d lf=%v: LeakyGradSums = %v, %v; Go loop %v, %v", n, lf, sd, sdx, wd, wdx)
			}
		}
	}
}

func TestElementwiseMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range lengths {
		x, y, g := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
		for _, slope := range []float32{1, 0.2, 0} {
			got, want := make([]float32, n), make([]float32, n)
			AffineLeaky(got, x, 1.7, -0.2, slope)
			affineLeakyGo(want, x, 1.7, -0.2, slope)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("n=%d slope=%v: AffineLeaky[%d] = %v, Go loop %v", n, slope, i, got[i], want[i])
				}
			}
		}
		got, want := randSlice(rng, n), make([]float32, n)
		copy(want, got)
		LeakyGradApply(got, x, y, g, 1.3, 0.8, 0.01, 0.3, -0.4)
		leakyGradApplyGo(want, x, y, g, 1.3, 0.8, 0.01, 0.3, -0.4)
		for i := range got {
			if !close(float64(got[i]), float64(want[i]), 1e-6) {
				t.Fatalf("n=%d: LeakyGradApply[%d] = %v, Go loop %v", n, i, got[i], want[i])
			}
		}
		// Set writes what Apply adds to zero.
		set, added := randSlice(rng, n), make([]float32, n)
		LeakyGradSet(set, x, y, g, 1.3, 0.8, 0.01, 0.3, -0.4)
		LeakyGradApply(added, x, y, g, 1.3, 0.8, 0.01, 0.3, -0.4)
		goSet := make([]float32, n)
		leakyGradSetGo(goSet, x, y, g, 1.3, 0.8, 0.01, 0.3, -0.4)
		for i := range set {
			if set[i] != added[i] || !close(float64(goSet[i]), float64(set[i]), 1e-6) {
				t.Fatalf("n=%d: LeakyGradSet[%d] = %v, Apply on zero %v, Go loop %v", n, i, set[i], added[i], goSet[i])
			}
		}
	}
}

func TestKnownValues(t *testing.T) {
	s, ss := SumSquares([]float32{1, -2, 3})
	if s != 2 || ss != 14 {
		t.Errorf("SumSquares(1, -2, 3) = %v, %v; want 2, 14", s, ss)
	}
	dst := make([]float32, 3)
	AffineLeaky(dst, []float32{-1, 0, 2}, 2, 1, 0.1)
	if want := []float32{-0.1, 1, 5}; dst[0] != want[0] || dst[1] != want[1] || dst[2] != want[2] {
		t.Errorf("AffineLeaky = %v, want %v", dst, want)
	}
	nan := float32(math.NaN())
	AffineLeaky(dst[:1], []float32{nan}, 1, 0, 0.1)
	if !math.IsNaN(float64(dst[0])) {
		t.Errorf("AffineLeaky(NaN) = %v, want NaN", dst[0])
	}
	// Negative output (and negative zero) take the slope: lf = 0.9.
	neg := float32(math.Copysign(0, -1))
	sd, sdx := LeakyGradSums([]float32{1, 2, 3}, []float32{-1, neg, 1}, []float32{1, 1, 1}, 0.9, 1)
	if !close(sd, 1.2, 1e-6) || !close(sdx, 0.1+2, 1e-6) {
		t.Errorf("LeakyGradSums = %v, %v; want 1.2, 2.1", sd, sdx)
	}
}

func TestShortSlicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("AffineLeaky with a short dst did not panic")
		}
	}()
	AffineLeaky(make([]float32, 2), make([]float32, 3), 1, 0, 1)
}

// benchPlanes returns four random 281x281 planes: the size of Gx's widest
// level at Levin size.
func benchPlanes() (dst, x, y, g []float32) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 281 * 281
	return randSlice(rng, n), randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
}

func BenchmarkLeakyGradApply(b *testing.B) {
	dst, x, y, g := benchPlanes()
	b.Logf("backend: %s", Backend())
	for b.Loop() {
		LeakyGradApply(dst, x, y, g, 1.3, 0.8, 0.01, 0.3, -0.4)
	}
}

func BenchmarkLeakyGradApplyGo(b *testing.B) {
	dst, x, y, g := benchPlanes()
	for b.Loop() {
		leakyGradApplyGo(dst, x, y, g, 1.3, 0.8, 0.01, 0.3, -0.4)
	}
}

func BenchmarkLeakyGradSums(b *testing.B) {
	_, x, y, g := benchPlanes()
	for b.Loop() {
		LeakyGradSums(x, y, g, 0.8, 0.3)
	}
}

func BenchmarkLeakyGradSumsGo(b *testing.B) {
	_, x, y, g := benchPlanes()
	for b.Loop() {
		leakyGradSumsGo(x, y, g, 0.8, 0.3)
	}
}

// TestAdamMatchesGo: the C update rounds every operation as the Go loop
// does (no contraction), so the two agree bit for bit; a known value pins
// the formula itself.
func TestAdamMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range lengths {
		g := randSlice(rng, n)
		p, m, v := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
		for i := range v {
			v[i] *= v[i] // second moments are non-negative
		}
		p2, m2, v2 := append([]float32(nil), p...), append([]float32(nil), m...), append([]float32(nil), v...)
		Adam(p, m, v, g, 0.9, 0.999, 1e-3, 1.3, 1e-8)
		adamGo(p2, m2, v2, g, 0.9, 0.999, 1e-3, 1.3, 1e-8)
		for i := range p {
			if p[i] != p2[i] || m[i] != m2[i] || v[i] != v2[i] {
				t.Fatalf("n=%d: Adam[%d] = %v, %v, %v; Go loop %v, %v, %v", n, i, p[i], m[i], v[i], p2[i], m2[i], v2[i])
			}
		}
	}
	p, m, v := []float32{1}, []float32{0}, []float32{0}
	Adam(p, m, v, []float32{2}, 0.5, 0.75, 0.1, 2, 0)
	// m = 1, v = 1, p = 1 - 0.1 * 1 / (1 * 2) = 0.95
	if m[0] != 1 || v[0] != 1 || p[0] != 0.95 {
		t.Errorf("Adam known value: p, m, v = %v, %v, %v; want 0.95, 1, 1", p[0], m[0], v[0])
	}
}

// adamPlanes returns parameters, moments and gradient of a 281x281 plane,
// the second moments non-negative.
func adamPlanes() (p, m, v, g []float32) {
	_, m, v, g = benchPlanes()
	for i := range v {
		v[i] *= v[i]
	}
	return make([]float32, len(m)), m, v, g
}

func BenchmarkAdam(b *testing.B) {
	p, m, v, g := adamPlanes()
	for b.Loop() {
		Adam(p, m, v, g, 0.9, 0.999, 1e-6, 1, 1e-8)
	}
}

func BenchmarkAdamGo(b *testing.B) {
	p, m, v, g := adamPlanes()
	for b.Loop() {
		adamGo(p, m, v, g, 0.9, 0.999, 1e-6, 1, 1e-8)
	}
}

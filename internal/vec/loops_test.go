package vec

import (
	"math/rand/v2"
	"testing"
)

// The upsampling loops must agree with the Go loops bit for bit, on planes
// from 1x1 to Levin size, including the degenerate one-row and one-column
// planes.
func TestUpsampleMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, hw := range [][2]int{{1, 1}, {1, 5}, {5, 1}, {2, 2}, {2, 3}, {3, 17}, {17, 33}, {141, 141}} {
		h, w := hw[0], hw[1]
		src := randSlice(rng, h*w)
		got, want := make([]float32, 4*h*w), make([]float32, 4*h*w)
		Upsample2x(got, src, make([]float32, 2*h*w), h, w)
		upsample2xGo(want, src, make([]float32, 2*h*w), h, w)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%dx%d: Upsample2x[%d] = %v, Go loop %v", h, w, i, got[i], want[i])
			}
		}
		g := randSlice(rng, 4*h*w)
		gotA, wantA := randSlice(rng, h*w), make([]float32, h*w)
		copy(wantA, gotA)
		Upsample2xAdjointAdd(gotA, g, make([]float32, 2*w), h, w)
		upsample2xAdjointAddGo(wantA, g, make([]float32, 2*w), h, w)
		for i := range gotA {
			if gotA[i] != wantA[i] {
				t.Fatalf("%dx%d: Upsample2xAdjointAdd[%d] = %v, Go loop %v", h, w, i, gotA[i], wantA[i])
			}
		}
	}
}

// Upsample2xAdjointAdd is the adjoint of Upsample2x: <U x, g> = <x, U^T g>.
func TestUpsampleAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, hw := range [][2]int{{1, 1}, {1, 4}, {4, 1}, {3, 5}, {16, 9}} {
		h, w := hw[0], hw[1]
		x, g := randSlice(rng, h*w), randSlice(rng, 4*h*w)
		ux := make([]float32, 4*h*w)
		Upsample2x(ux, x, make([]float32, 2*h*w), h, w)
		utg := make([]float32, h*w)
		Upsample2xAdjointAdd(utg, g, make([]float32, 2*w), h, w)
		var a, b float64
		for i := range ux {
			a += float64(ux[i]) * float64(g[i])
		}
		for i := range x {
			b += float64(x[i]) * float64(utg[i])
		}
		if !close(a, b, 1e-5) {
			t.Errorf("%dx%d: <Ux, g> = %v, <x, U'g> = %v", h, w, a, b)
		}
	}
}

func TestAddBiasAccumulateMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range lengths {
		v := randSlice(rng, n)
		got, want := append([]float32(nil), v...), append([]float32(nil), v...)
		AddBias(got, 0.37)
		addBiasGo(want, 0.37)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("n=%d: AddBias[%d] = %v, Go loop %v", n, i, got[i], want[i])
			}
		}
		src := randSlice(rng, n)
		Accumulate(got, src)
		accumulateGo(want, src)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("n=%d: Accumulate[%d] = %v, Go loop %v", n, i, got[i], want[i])
			}
		}
	}
}

func BenchmarkUpsample2x(b *testing.B) {
	h, w := 141, 141
	src, dst, rows := make([]float32, h*w), make([]float32, 4*h*w), make([]float32, 2*h*w)
	for b.Loop() {
		Upsample2x(dst, src, rows, h, w)
	}
}

func BenchmarkUpsample2xGo(b *testing.B) {
	h, w := 141, 141
	src, dst, rows := make([]float32, h*w), make([]float32, 4*h*w), make([]float32, 2*h*w)
	for b.Loop() {
		upsample2xGo(dst, src, rows, h, w)
	}
}

func BenchmarkUpsample2xAdjointAdd(b *testing.B) {
	h, w := 141, 141
	dst, g, t := make([]float32, h*w), make([]float32, 4*h*w), make([]float32, 2*w)
	for b.Loop() {
		Upsample2xAdjointAdd(dst, g, t, h, w)
	}
}

func BenchmarkUpsample2xAdjointAddGo(b *testing.B) {
	h, w := 141, 141
	dst, g, t := make([]float32, h*w), make([]float32, 4*h*w), make([]float32, 2*w)
	for b.Loop() {
		upsample2xAdjointAddGo(dst, g, t, h, w)
	}
}

func TestSym11MatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	g := [6]float32{0.001, 0.0076, 0.036, 0.1093, 0.2130, 0.2660}
	for _, n := range []int{1, 5, 16, 17, 255} {
		for _, stride := range []int{1, n} {
			src := randSlice(rng, n+10*stride)
			got, want := make([]float32, n), make([]float32, n)
			Sym11(got, src, stride, &g)
			sym11Go(want, src, stride, &g)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("n=%d stride=%d: Sym11[%d] = %v, Go loop %v", n, stride, i, got[i], want[i])
				}
			}
			// Against the definition, summed in float64.
			for i := range got {
				s := float64(g[5]) * float64(src[i+5*stride])
				for k := range 5 {
					s += float64(g[k]) * (float64(src[i+k*stride]) + float64(src[i+(10-k)*stride]))
				}
				if !close(float64(got[i]), s, 1e-5) {
					t.Fatalf("n=%d stride=%d: Sym11[%d] = %v, definition %v", n, stride, i, got[i], s)
				}
			}
		}
	}
}

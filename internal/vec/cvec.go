//go:build cgo && !purego

package vec

/*
#cgo CFLAGS: -O3 -fopenmp-simd
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

// Each loop is compiled for AVX-512, AVX2 and the baseline; the loader
// picks the widest the CPU has. Contraction into FMA is off so that the
// clones round alike apart from the order of the float64 sums.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VEC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VEC_CLONES
#endif

static inline float vec_sign_factor(float y, float lf) {
	uint32_t u;
	memcpy(&u, &y, sizeof u);
	return 1.0f - lf * (float)(u >> 31);
}

VEC_CLONES static void vec_sum_squares(const float *v, ptrdiff_t n, double *out) {
	double s = 0, ss = 0;
#pragma omp simd reduction(+ : s, ss)
	for (ptrdiff_t i = 0; i < n; i++) {
		double a = v[i];
		s += a;
		ss += a * a;
	}
	out[0] = s;
	out[1] = ss;
}

VEC_CLONES static void vec_affine_leaky(float *restrict dst, const float *restrict src, ptrdiff_t n,
		float a, float b, float slope) {
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		float y = a * src[i] + b;
		float z = y * slope;
		dst[i] = y != y ? y : (y > z ? y : z);
	}
}

VEC_CLONES static void vec_leaky_grad_sums(const float *x, const float *y, const float *g, ptrdiff_t n,
		float lf, float mu, double *out) {
	double sd = 0, sdx = 0;
#pragma omp simd reduction(+ : sd, sdx)
	for (ptrdiff_t i = 0; i < n; i++) {
		float d = g[i] * vec_sign_factor(y[i], lf);
		sd += d;
		sdx += (double)(d * (x[i] - mu));
	}
	out[0] = sd;
	out[1] = sdx;
}

VEC_CLONES static void vec_leaky_grad_apply(float *restrict dst, const float *x, const float *y,
		const float *g, ptrdiff_t n, float a, float lf, float md, float mu, float k) {
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		dst[i] += a * (g[i] * vec_sign_factor(y[i], lf) - md - (x[i] - mu) * k);
	}
}

static const char *vec_backend(void) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f")) return "c avx512f";
	if (__builtin_cpu_supports("avx2")) return "c avx2";
#endif
	return "c";
}
*/
import "C"

import "unsafe"

func fp(v []float32) *C.float { return (*C.float)(unsafe.Pointer(unsafe.SliceData(v))) }

func sumSquares(v []float32) (s, ss float64) {
	if len(v) == 0 {
		return 0, 0
	}
	var out [2]C.double
	C.vec_sum_squares(fp(v), C.ptrdiff_t(len(v)), &out[0])
	return float64(out[0]), float64(out[1])
}

func affineLeaky(dst, src []float32, a, b, slope float32) {
	if len(src) == 0 {
		return
	}
	C.vec_affine_leaky(fp(dst), fp(src), C.ptrdiff_t(len(src)), C.float(a), C.float(b), C.float(slope))
}

func leakyGradSums(x, y, g []float32, lf, mu float32) (sd, sdx float64) {
	if len(x) == 0 {
		return 0, 0
	}
	var out [2]C.double
	C.vec_leaky_grad_sums(fp(x), fp(y), fp(g), C.ptrdiff_t(len(x)), C.float(lf), C.float(mu), &out[0])
	return float64(out[0]), float64(out[1])
}

func leakyGradApply(dst, x, y, g []float32, a, lf, md, mu, k float32) {
	if len(x) == 0 {
		return
	}
	C.vec_leaky_grad_apply(fp(dst), fp(x), fp(y), fp(g), C.ptrdiff_t(len(x)),
		C.float(a), C.float(lf), C.float(md), C.float(mu), C.float(k))
}

// Backend names the implementation: "c" and the vector extension the
// loops run with on this CPU.
func Backend() string { return C.GoString(C.vec_backend()) }

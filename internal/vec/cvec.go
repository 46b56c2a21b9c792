//go:build cgo && !purego

package vec

/*
#cgo CFLAGS: -O3 -fopenmp-simd
#cgo LDFLAGS: -lm
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

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

// Adam's update needs a vector square root, which GCC emits only without
// errno semantics (not settable from cgo), so its AVX-512 loop is written
// with intrinsics; the scalar loop serves the tail and other CPUs.
static void vec_adam_scalar(float *restrict p, float *restrict m, float *restrict v, const float *restrict g,
		ptrdiff_t n, float b1, float b2, float step, float inv, float eps) {
	float c1 = 1 - b1, c2 = 1 - b2;
	for (ptrdiff_t i = 0; i < n; i++) {
		float gi = g[i];
		float mi = b1 * m[i] + c1 * gi;
		float vi = b2 * v[i] + c2 * gi * gi;
		m[i] = mi;
		v[i] = vi;
		p[i] -= step * mi / (sqrtf(vi) * inv + eps);
	}
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
__attribute__((target("avx512f"))) static ptrdiff_t vec_adam_avx512(float *restrict p, float *restrict m,
		float *restrict v, const float *restrict g, ptrdiff_t n, float b1, float b2, float step, float inv,
		float eps) {
	__m512 vb1 = _mm512_set1_ps(b1), vb2 = _mm512_set1_ps(b2);
	__m512 vc1 = _mm512_set1_ps(1 - b1), vc2 = _mm512_set1_ps(1 - b2);
	__m512 vstep = _mm512_set1_ps(step), vinv = _mm512_set1_ps(inv), veps = _mm512_set1_ps(eps);
	ptrdiff_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m512 gi = _mm512_loadu_ps(g + i);
		__m512 mi = _mm512_add_ps(_mm512_mul_ps(vb1, _mm512_loadu_ps(m + i)), _mm512_mul_ps(vc1, gi));
		__m512 vi = _mm512_add_ps(_mm512_mul_ps(vb2, _mm512_loadu_ps(v + i)),
			_mm512_mul_ps(_mm512_mul_ps(vc2, gi), gi));
		_mm512_storeu_ps(m + i, mi);
		_mm512_storeu_ps(v + i, vi);
		__m512 den = _mm512_add_ps(_mm512_mul_ps(_mm512_sqrt_ps(vi), vinv), veps);
		_mm512_storeu_ps(p + i, _mm512_sub_ps(_mm512_loadu_ps(p + i), _mm512_div_ps(_mm512_mul_ps(vstep, mi), den)));
	}
	return i;
}
#endif

static void vec_adam(float *restrict p, float *restrict m, float *restrict v, const float *restrict g,
		ptrdiff_t n, float b1, float b2, float step, float inv, float eps) {
	ptrdiff_t i = 0;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
	if (__builtin_cpu_supports("avx512f")) {
		i = vec_adam_avx512(p, m, v, g, n, b1, b2, step, inv, eps);
	}
#endif
	vec_adam_scalar(p + i, m + i, v + i, g + i, n - i, b1, b2, step, inv, eps);
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

func adam(p, m, v, g []float32, b1, b2, step, inv, eps float32) {
	if len(p) == 0 {
		return
	}
	C.vec_adam(fp(p), fp(m), fp(v), fp(g), C.ptrdiff_t(len(p)), C.float(b1), C.float(b2), C.float(step), C.float(inv), C.float(eps))
}

// Backend names the implementation: "c" and the vector extension the
// loops run with on this CPU.
func Backend() string { return C.GoString(C.vec_backend()) }

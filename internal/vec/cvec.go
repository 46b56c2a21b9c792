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

VEC_CLONES static void vec_leaky_grad_set(float *restrict dst, const float *x, const float *y,
		const float *g, ptrdiff_t n, float a, float lf, float md, float mu, float k) {
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		dst[i] = a * (g[i] * vec_sign_factor(y[i], lf) - md - (x[i] - mu) * k);
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

VEC_CLONES static void vec_blend(float *restrict dst, const float *a, const float *b, ptrdiff_t n,
		float wa, float wb) {
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		dst[i] = wa * a[i] + wb * b[i];
	}
}

VEC_CLONES static void vec_upsample_row(float *restrict dst, const float *restrict src, ptrdiff_t n) {
	dst[0] = src[0];
#pragma omp simd
	for (ptrdiff_t j = 1; j < n; j++) {
		dst[2 * j] = 0.25f * src[j - 1] + 0.75f * src[j];
		dst[2 * j - 1] = 0.75f * src[j - 1] + 0.25f * src[j];
	}
	dst[2 * n - 1] = 0.75f * src[n - 1] + 0.25f * src[n - 1];
}

static void vec_upsample2x(float *restrict dst, const float *restrict src, float *restrict rows,
		ptrdiff_t h, ptrdiff_t w) {
	ptrdiff_t wo = 2 * w, ho = 2 * h;
	for (ptrdiff_t r = 0; r < h; r++) {
		vec_upsample_row(rows + r * wo, src + r * w, w);
	}
	memcpy(dst, rows, (size_t)wo * sizeof(float));
	for (ptrdiff_t j = 1; j < h; j++) {
		vec_blend(dst + 2 * j * wo, rows + (j - 1) * wo, rows + j * wo, wo, 0.25f, 0.75f);
	}
	for (ptrdiff_t j = 0; j < h - 1; j++) {
		vec_blend(dst + (2 * j + 1) * wo, rows + j * wo, rows + (j + 1) * wo, wo, 0.75f, 0.25f);
	}
	vec_blend(dst + (ho - 1) * wo, rows + (h - 1) * wo, rows + (h - 1) * wo, wo, 0.75f, 0.25f);
}

VEC_CLONES static void vec_gather_rows(float *restrict t, const float *a, const float *b, const float *c,
		const float *d, ptrdiff_t n, float wa, float wb, float wc, float wd) {
	if (d == NULL) {
#pragma omp simd
		for (ptrdiff_t i = 0; i < n; i++) {
			t[i] = wa * a[i] + wb * b[i] + wc * c[i];
		}
		return;
	}
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		t[i] = wa * a[i] + wb * b[i] + wc * c[i] + wd * d[i];
	}
}

VEC_CLONES static void vec_upsample_row_adjoint_add(float *restrict dst, const float *restrict g, ptrdiff_t n) {
	dst[0] += g[0] + 0.75f * g[1] + 0.25f * g[2];
#pragma omp simd
	for (ptrdiff_t j = 1; j < n - 1; j++) {
		dst[j] += 0.25f * g[2 * j - 1] + 0.75f * g[2 * j] + 0.75f * g[2 * j + 1] + 0.25f * g[2 * j + 2];
	}
	dst[n - 1] += 0.25f * g[2 * n - 3] + 0.75f * g[2 * n - 2] + g[2 * n - 1];
}

// vec_upsample2x_adjoint_add gathers, for each input row r, the output rows
// it was blended into (t), then the columns of t into dst's row. Weights of
// 1 keep the Go loops' sums exact (1 * a == a).
static void vec_upsample2x_adjoint_add(float *restrict dst, const float *restrict g, float *restrict t,
		ptrdiff_t h, ptrdiff_t w) {
	ptrdiff_t wo = 2 * w;
	for (ptrdiff_t r = 0; r < h; r++) {
		if (h == 1) {
			vec_blend(t, g, g + wo, wo, 1.0f, 1.0f);
		} else if (r == 0) {
			vec_gather_rows(t, g, g + wo, g + 2 * wo, NULL, wo, 1.0f, 0.75f, 0.25f, 0);
		} else if (r == h - 1) {
			vec_gather_rows(t, g + (2 * h - 3) * wo, g + (2 * h - 2) * wo, g + (2 * h - 1) * wo, NULL, wo,
				0.25f, 0.75f, 1.0f, 0);
		} else {
			vec_gather_rows(t, g + (2 * r - 1) * wo, g + 2 * r * wo, g + (2 * r + 1) * wo, g + (2 * r + 2) * wo,
				wo, 0.25f, 0.75f, 0.75f, 0.25f);
		}
		if (w == 1) {
			dst[r] += t[0] + t[1];
		} else {
			vec_upsample_row_adjoint_add(dst + r * w, t, w);
		}
	}
}

VEC_CLONES static void vec_add_bias(float *v, ptrdiff_t n, float b) {
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		v[i] += b;
	}
}

VEC_CLONES static void vec_accumulate(float *restrict dst, const float *restrict src, ptrdiff_t n) {
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		dst[i] += src[i];
	}
}

VEC_CLONES static void vec_sym11_rows(float *restrict dst, const float *src, ptrdiff_t n, ptrdiff_t stride,
		const float *g) {
	const float g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4], g5 = g[5];
	const float *r0 = src, *r1 = src + stride, *r2 = src + 2 * stride, *r3 = src + 3 * stride,
		*r4 = src + 4 * stride, *r5 = src + 5 * stride, *r6 = src + 6 * stride, *r7 = src + 7 * stride,
		*r8 = src + 8 * stride, *r9 = src + 9 * stride, *r10 = src + 10 * stride;
#pragma omp simd
	for (ptrdiff_t i = 0; i < n; i++) {
		dst[i] = g0 * (r0[i] + r10[i]) + g1 * (r1[i] + r9[i]) + g2 * (r2[i] + r8[i]) + g3 * (r3[i] + r7[i]) +
			g4 * (r4[i] + r6[i]) + g5 * r5[i];
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

func leakyGradSet(dst, x, y, g []float32, a, lf, md, mu, k float32) {
	if len(x) == 0 {
		return
	}
	C.vec_leaky_grad_set(fp(dst), fp(x), fp(y), fp(g), C.ptrdiff_t(len(x)),
		C.float(a), C.float(lf), C.float(md), C.float(mu), C.float(k))
}

func adam(p, m, v, g []float32, b1, b2, step, inv, eps float32) {
	if len(p) == 0 {
		return
	}
	C.vec_adam(fp(p), fp(m), fp(v), fp(g), C.ptrdiff_t(len(p)), C.float(b1), C.float(b2), C.float(step), C.float(inv), C.float(eps))
}

func upsample2x(dst, src, rows []float32, h, w int) {
	C.vec_upsample2x(fp(dst), fp(src), fp(rows), C.ptrdiff_t(h), C.ptrdiff_t(w))
}

func upsample2xAdjointAdd(dst, g, t []float32, h, w int) {
	C.vec_upsample2x_adjoint_add(fp(dst), fp(g), fp(t), C.ptrdiff_t(h), C.ptrdiff_t(w))
}

func addBias(v []float32, b float32) {
	if len(v) == 0 {
		return
	}
	C.vec_add_bias(fp(v), C.ptrdiff_t(len(v)), C.float(b))
}

func accumulate(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	C.vec_accumulate(fp(dst), fp(src), C.ptrdiff_t(len(dst)))
}

func sym11(dst, src []float32, stride int, g *[6]float32) {
	if len(dst) == 0 {
		return
	}
	C.vec_sym11_rows(fp(dst), fp(src), C.ptrdiff_t(len(dst)), C.ptrdiff_t(stride), fp(g[:]))
}

// Backend names the implementation: "c" and the vector extension the
// loops run with on this CPU.
func Backend() string { return C.GoString(C.vec_backend()) }

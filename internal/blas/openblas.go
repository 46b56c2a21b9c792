//go:build cgo && !purego

package blas

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int order, int ta, int tb, int m, int n, int k,
	float alpha, const float *a, int lda, const float *b, int ldb,
	float beta, float *c, int ldc);
typedef char *(*corename_fn)(void);
typedef char *(*config_fn)(void);
typedef int (*nthreads_fn)(void);
typedef void (*setthreads_fn)(int);

static sgemm_fn deblur_sgemm;
static corename_fn deblur_corename;
static config_fn deblur_config;
static nthreads_fn deblur_nthreads;
static setthreads_fn deblur_setthreads;

static int deblur_has_avx512(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		__builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
}

// deblur_load sets OPENBLAS_CORETYPE to core (when core is not empty) and
// loads OpenBLAS, whose constructor reads the variable. Returns 1 on success.
static int deblur_load(const char *core) {
	if (core[0] != 0) {
		setenv("OPENBLAS_CORETYPE", core, 1);
	}
	const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0", NULL};
	void *h = NULL;
	for (int i = 0; names[i] && !h; i++) {
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	}
	if (!h) return 0;
	deblur_sgemm = (sgemm_fn)dlsym(h, "cblas_sgemm");
	deblur_corename = (corename_fn)dlsym(h, "openblas_get_corename");
	deblur_config = (config_fn)dlsym(h, "openblas_get_config");
	deblur_nthreads = (nthreads_fn)dlsym(h, "openblas_get_num_threads");
	deblur_setthreads = (setthreads_fn)dlsym(h, "openblas_set_num_threads");
	return deblur_sgemm != NULL;
}

static void deblur_gemm(int ta, int tb, int m, int n, int k, float alpha,
	const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
	// CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112
	deblur_sgemm(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static const char *deblur_corename_str(void) { return deblur_corename ? deblur_corename() : "unknown"; }
static const char *deblur_config_str(void) { return deblur_config ? deblur_config() : "OpenBLAS"; }
static int deblur_threads(void) { return deblur_nthreads ? deblur_nthreads() : 0; }
static void deblur_set_threads(int n) { if (deblur_setthreads) deblur_setthreads(n); }
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

// loaded is the outcome of loading OpenBLAS, once per process.
type loaded struct {
	ok   bool
	note string // how the kernel choice was made, for Backend
}

// loader loads OpenBLAS once per process. The library is process-wide state
// by nature; this is the one place the package keeps it.
var loader = sync.OnceValue(func() loaded {
	core, note := chooseCore(os.Getenv("DEBLUR_BLAS_CORE"), os.Getenv("OPENBLAS_CORETYPE"), C.deblur_has_avx512() != 0)
	cs := C.CString(core)
	defer C.free(unsafe.Pointer(cs))
	ok := C.deblur_load(cs) == 1
	if ok {
		// One thread per call, fixed for the life of the process: Gemm
		// spreads a product over the caller's goroutines instead.
		C.deblur_set_threads(1)
	}
	return loaded{ok: ok, note: note}
})

// chooseCore decides the OPENBLAS_CORETYPE to set before loading ("" keeps
// the environment's). DEBLUR_BLAS_CORE (policy) is "" or "auto" for the best
// kernels of this CPU, "env" to keep OPENBLAS_CORETYPE as inherited, or a
// core name to force. Auto overrides an inherited OPENBLAS_CORETYPE on
// AVX-512 CPUs: Debian's OpenBLAS has no newer kernels than SkylakeX, and an
// inherited "Haswell" is the slow default this package exists to avoid.
func chooseCore(policy, inherited string, avx512 bool) (core, note string) {
	switch policy {
	case "", "auto":
		if !avx512 {
			return "", "no AVX-512: OpenBLAS's own choice"
		}
		if inherited != "" && inherited != "SkylakeX" {
			return "SkylakeX", "auto: overrode OPENBLAS_CORETYPE=" + inherited + "; DEBLUR_BLAS_CORE=env keeps it"
		}
		return "SkylakeX", "auto"
	case "env":
		return "", "DEBLUR_BLAS_CORE=env"
	default:
		return policy, "DEBLUR_BLAS_CORE=" + policy
	}
}

func gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !loader().ok {
		gonumGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if k == 0 {
		gonumGemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	ta, tb := C.int(0), C.int(0)
	if transA {
		ta = 1
	}
	if transB {
		tb = 1
	}
	C.deblur_gemm(ta, tb, C.int(m), C.int(n), C.int(k), C.float(alpha),
		(*C.float)(unsafe.Pointer(&a[0])), C.int(lda),
		(*C.float)(unsafe.Pointer(&b[0])), C.int(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.int(ldc))
}

func backend() string {
	l := loader()
	if !l.ok {
		return "gonum (pure Go; OpenBLAS shared library not found)"
	}
	return fmt.Sprintf("openblas (%s kernels, %d thread per call; %s; %s)",
		C.GoString(C.deblur_corename_str()), int(C.deblur_threads()), l.note, C.GoString(C.deblur_config_str()))
}

// splitsProducts is true: OpenBLAS runs single-threaded (see loader), and
// Gemm spreads large products over the caller's goroutines.
const splitsProducts = true

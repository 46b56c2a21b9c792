package selfdeblur

import (
	"context"
	"errors"
	"math"
	"sync"

	"github.com/deblur/deblur/internal/blas"
	"github.com/deblur/deblur/plane"
)

// runRestarts runs s.Restarts fits of y with the seeds s.Seed, s.Seed+1,
// ... (fit i with the kernel frame
// s.RestartKernelSizes[i] when that is set), and returns the fit whose last
// objective value is the lowest; Result.Seed tells which. All fits share
// the schedule and the data, so their final objectives (1 - SSIM, or
// MSE + TV) compare like for like. Only the first fit reports progress to
// s.Recorder.
//
// The fits run concurrently when the GEMM backend is single-threaded and
// one after another otherwise: concurrent fits each driving a
// multi-threaded OpenBLAS contend for the same cores (the Default preset's
// two fits at Levin size: 0.55 s per iteration of both, against 0.22 s in
// turn with two threads and 0.17 s concurrently with one each).
//
// A fit that diverges is dropped unless every fit does; then the first
// one's result and error are returned. A cancelled context stops every
// fit; the best result so far is returned with the context's error.
func runRestarts(ctx context.Context, y *plane.Plane, s Settings) (*Result, error) {
	return restarts(ctx, y, s, blas.Threads() == 1)
}

// restarts is runRestarts with the choice made: concurrent fits or in turn.
func restarts(ctx context.Context, y *plane.Plane, s Settings, concurrent bool) (*Result, error) {
	n := s.Restarts
	results := make([]*Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		si := s
		si.Restarts = 0
		si.RestartKernelSizes = nil
		si.Seed = s.Seed + uint64(i)
		if len(s.RestartKernelSizes) > 0 {
			si.KernelSize = s.RestartKernelSizes[i]
		}
		if i > 0 {
			si.Recorder = nil
		}
		fit := func() { results[i], errs[i] = Run(ctx, y, si) }
		if concurrent {
			wg.Go(fit)
		} else {
			fit()
		}
	}
	wg.Wait()
	best := -1
	for i, r := range results {
		if r == nil || errors.Is(errs[i], ErrDiverged) || len(r.Losses) == 0 {
			continue
		}
		if best < 0 || lastOr(r.Losses, math.Inf(1)) < lastOr(results[best].Losses, math.Inf(1)) {
			best = i
		}
	}
	if best < 0 {
		return results[0], errs[0]
	}
	r := results[best]
	r.Seed = s.Seed + uint64(best)
	r.RestartLosses = make([]float64, n)
	for i, q := range results {
		r.RestartLosses[i] = math.NaN()
		if q != nil && errs[i] == nil {
			r.RestartLosses[i] = lastOr(q.Losses, math.NaN())
		}
	}
	return r, errs[best]
}

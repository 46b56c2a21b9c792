package tensor

import (
	"errors"
	"fmt"

	"github.com/deblur/deblur/internal/dnnl"
	"github.com/deblur/deblur/internal/fft2"
)

// Tape records the operations of one forward pass so that Backward can
// propagate gradients through them in reverse. It also recycles the buffers
// of the pass: after Reset, every tensor the tape created (results and their
// gradients) is invalid and its memory is reused by the next pass. A Tape is
// not safe for concurrent use.
type Tape struct {
	// Threads is how many goroutines each matrix product of the pass may
	// use (internal/blas.Gemm); 0 and 1 mean one. It changes the time a
	// pass takes, never its result.
	Threads int
	// BF16 lets convolutions round their inputs and weights to bfloat16
	// (8 significant bits; sums stay float32) where oneDNN runs them on a
	// CPU with AVX-512 BF16 or AMX, about twice as fast as float32. It
	// changes results at the level of bfloat16 rounding, and nothing in a
	// build without oneDNN or on other CPUs.
	BF16 bool

	backs []func()
	// Scratch and result buffers, recycled at Reset.
	f32  buffers[float32]
	f64  buffers[float64]
	c128 buffers[complex128]
	// Plans kept across Reset: oneDNN convolutions by shape (nil: oneDNN
	// has no implementation) and FFTs by grid size.
	convs map[convKey]*dnnl.Conv
	ffts  map[[2]int]*fft2.Plan
}

// NewTape returns an empty tape.
func NewTape() *Tape { return &Tape{} }

// threads is the goroutine count of tp's matrix products (1 for a nil tape).
func (tp *Tape) threads() int {
	if tp == nil {
		return 1
	}
	return max(tp.Threads, 1)
}

// bf16 reports whether tp's convolutions run in bfloat16: asked for, and
// fast on this CPU (elsewhere oneDNN would emulate it, slower than float32).
func (tp *Tape) bf16() bool { return tp != nil && tp.BF16 && dnnl.FastBF16() }

// Len returns the number of recorded operations.
func (tp *Tape) Len() int { return len(tp.backs) }

// Reset forgets the recorded operations and takes back every buffer handed
// out since the last Reset. Tensors produced on this tape must not be used
// afterwards; parameters (created outside the tape) are unaffected.
func (tp *Tape) Reset() {
	clear(tp.backs)
	tp.backs = tp.backs[:0]
	tp.f32.reset()
	tp.f64.reset()
	tp.c128.reset()
}

// ErrNotScalar is returned by Backward for a loss with more than one value.
var ErrNotScalar = errors.New("tensor: backward needs a one-element loss")

// Backward sets d(loss)/d(loss) = 1 and runs the recorded operations in
// reverse, accumulating gradients into every tensor that requires them
// (parameters accumulate across calls until ZeroGrad).
func (tp *Tape) Backward(loss *Tensor) error {
	if loss.Len() != 1 {
		return fmt.Errorf("%w (shape %v)", ErrNotScalar, loss.shape)
	}
	if !loss.requiresGrad {
		return errors.New("tensor: loss does not depend on anything that requires gradients")
	}
	g := tp.grad(loss)
	g[0] += 1
	for i := len(tp.backs) - 1; i >= 0; i-- {
		tp.backs[i]()
	}
	return nil
}

// alloc returns a buffer of n values with unspecified contents.
func (tp *Tape) alloc(n int) []float32 {
	if tp == nil {
		return make([]float32, n)
	}
	return tp.f32.get(n)
}

// zeros returns a zeroed buffer of n values.
func (tp *Tape) zeros(n int) []float32 {
	b := tp.alloc(n)
	clear(b)
	return b
}

// result makes the output tensor of an op with the given inputs. The output
// requires gradients when the tape is recording and some input requires
// them; then the op must call record with its backward.
func (tp *Tape) result(shape []int, inputs ...*Tensor) *Tensor {
	t := &Tensor{shape: append([]int(nil), shape...), Data: tp.alloc(numel(shape))}
	if tp != nil {
		for _, in := range inputs {
			if in != nil && in.requiresGrad {
				t.requiresGrad = true
				break
			}
		}
	}
	return t
}

// record adds the backward of an op producing out. back runs only if some
// gradient reached out.
func (tp *Tape) record(out *Tensor, back func()) {
	if tp == nil || !out.requiresGrad {
		return
	}
	tp.backs = append(tp.backs, func() {
		if out.Grad != nil {
			back()
		}
	})
}

// grad returns t's gradient buffer, allocating a zeroed one on the tape if
// t has none yet. It returns nil for tensors that do not require gradients,
// so backward code can skip them.
func (tp *Tape) grad(t *Tensor) []float32 {
	g, fresh := tp.freshGrad(t)
	if fresh {
		clear(g)
	}
	return g
}

// freshGrad returns t's gradient buffer like grad, and whether it was
// allocated just now; a fresh buffer is not zeroed, and the caller must
// write every element of it instead of adding to it.
func (tp *Tape) freshGrad(t *Tensor) (g []float32, fresh bool) {
	if t == nil || !t.requiresGrad {
		return nil, false
	}
	if t.Grad == nil {
		t.Grad = tp.alloc(len(t.Data))
		return t.Grad, true
	}
	return t.Grad, false
}

// release returns a scratch buffer obtained from alloc or zeros before the
// next Reset, so that a later alloc of the same length in this pass can
// reuse it. The caller must not touch buf afterwards.
func (tp *Tape) release(buf []float32) {
	if tp == nil {
		return
	}
	tp.f32.release(buf)
}

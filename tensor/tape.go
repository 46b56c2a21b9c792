package tensor

import (
	"errors"
	"fmt"
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

	backs []func()
	held  [][]float32         // buffers handed out since the last Reset
	free  map[int][][]float32 // recycled buffers by length
}

// NewTape returns an empty tape.
func NewTape() *Tape { return &Tape{free: map[int][][]float32{}} }

// threads is the goroutine count of tp's matrix products (1 for a nil tape).
func (tp *Tape) threads() int {
	if tp == nil {
		return 1
	}
	return max(tp.Threads, 1)
}

// Len returns the number of recorded operations.
func (tp *Tape) Len() int { return len(tp.backs) }

// Reset forgets the recorded operations and takes back every buffer handed
// out since the last Reset. Tensors produced on this tape must not be used
// afterwards; parameters (created outside the tape) are unaffected.
func (tp *Tape) Reset() {
	clear(tp.backs)
	tp.backs = tp.backs[:0]
	for _, b := range tp.held {
		tp.free[len(b)] = append(tp.free[len(b)], b)
	}
	clear(tp.held)
	tp.held = tp.held[:0]
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
	var b []float32
	if list := tp.free[n]; len(list) > 0 {
		b = list[len(list)-1]
		tp.free[n] = list[:len(list)-1]
	} else {
		b = make([]float32, n)
	}
	tp.held = append(tp.held, b)
	return b
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
	if t == nil || !t.requiresGrad {
		return nil
	}
	if t.Grad == nil {
		t.Grad = tp.zeros(len(t.Data))
	}
	return t.Grad
}

// release returns a scratch buffer obtained from alloc or zeros before the
// next Reset, so that a later alloc of the same length in this pass can
// reuse it. The caller must not touch buf afterwards.
func (tp *Tape) release(buf []float32) {
	if tp == nil || len(buf) == 0 {
		return
	}
	for i := len(tp.held) - 1; i >= 0; i-- {
		if len(tp.held[i]) == len(buf) && &tp.held[i][0] == &buf[0] {
			tp.held[i] = tp.held[len(tp.held)-1]
			tp.held = tp.held[:len(tp.held)-1]
			tp.free[len(buf)] = append(tp.free[len(buf)], buf)
			return
		}
	}
}

// Package tensor is deblur's float32 tensor and reverse-mode automatic
// differentiation engine.
//
// A Tensor is a dense row-major array (images are N x C x H x W, as in
// PyTorch). Operations are plain functions that take a *Tape as their first
// argument: with a non-nil tape, an operation whose inputs require gradients
// records how to propagate gradients back; Tape.Backward then runs those
// records in reverse. With a nil tape nothing is recorded (inference).
//
// Each operation keeps its forward and its backward side by side in the file
// that owns it, and each has a finite-difference gradient test. Tape
// machinery (recording, buffer reuse) lives in tape.go.
package tensor

import (
	"fmt"
	"math"
)

// Tensor is a dense float32 array of the given shape. Data holds the values
// row-major; Grad, when not nil, holds d(loss)/d(value) with the same
// layout. Parameters are tensors that require gradients and own their Grad;
// intermediate results of a tape get Grad buffers from the tape during
// Backward and lose them at Tape.Reset.
type Tensor struct {
	shape        []int
	Data         []float32
	Grad         []float32
	requiresGrad bool
}

// New returns a zero tensor of the given shape that requires no gradient.
func New(shape ...int) *Tensor {
	return &Tensor{shape: append([]int(nil), shape...), Data: make([]float32, numel(shape))}
}

// FromData wraps data (not copied) in a tensor of the given shape. It panics
// if len(data) does not match the shape.
func FromData(data []float32, shape ...int) *Tensor {
	if len(data) != numel(shape) {
		panic(fmt.Sprintf("tensor: %d values do not fill shape %v", len(data), shape))
	}
	return &Tensor{shape: append([]int(nil), shape...), Data: data}
}

// NewParam returns a zero tensor that requires gradients, with its Grad
// allocated: a trainable parameter.
func NewParam(shape ...int) *Tensor {
	t := New(shape...)
	t.requiresGrad = true
	t.Grad = make([]float32, len(t.Data))
	return t
}

// Shape returns the tensor's dimensions. The caller must not modify it.
func (t *Tensor) Shape() []int { return t.shape }

// Dim returns the size of dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.shape)
	}
	return t.shape[i]
}

// Len returns the number of elements.
func (t *Tensor) Len() int { return len(t.Data) }

// RequiresGrad reports whether gradients flow to this tensor.
func (t *Tensor) RequiresGrad() bool { return t.requiresGrad }

// SetRequiresGrad makes t a leaf that receives gradients (allocating Grad) or
// stops it from receiving them (dropping Grad).
func (t *Tensor) SetRequiresGrad(on bool) {
	t.requiresGrad = on
	if on && t.Grad == nil {
		t.Grad = make([]float32, len(t.Data))
	}
	if !on {
		t.Grad = nil
	}
}

// ZeroGrad sets every gradient value to zero.
func (t *Tensor) ZeroGrad() { clear(t.Grad) }

// Item returns the only value of a one-element tensor.
func (t *Tensor) Item() float32 {
	if len(t.Data) != 1 {
		panic(fmt.Sprintf("tensor: Item on a tensor of shape %v", t.shape))
	}
	return t.Data[0]
}

// Clone returns a copy of the values that requires no gradient.
func (t *Tensor) Clone() *Tensor {
	return FromData(append([]float32(nil), t.Data...), t.shape...)
}

// view returns a tensor sharing t's values with a new shape of the same
// size, outside any tape; the Reshape op builds on it and records the
// gradient.
func (t *Tensor) view(shape ...int) *Tensor {
	if numel(shape) != len(t.Data) {
		panic(fmt.Sprintf("tensor: cannot view %v as %v", t.shape, shape))
	}
	return &Tensor{shape: append([]int(nil), shape...), Data: t.Data}
}

// HasNaN reports whether any value is NaN or infinite.
func (t *Tensor) HasNaN() bool {
	for _, v := range t.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return true
		}
	}
	return false
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in %v", shape))
		}
		n *= d
	}
	return n
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// dims4 returns N, C, H, W of a 4-D tensor, panicking with the op's name
// otherwise.
func dims4(op string, t *Tensor) (n, c, h, w int) {
	if len(t.shape) != 4 {
		panic(fmt.Sprintf("tensor: %s needs an N x C x H x W tensor, got shape %v", op, t.shape))
	}
	return t.shape[0], t.shape[1], t.shape[2], t.shape[3]
}

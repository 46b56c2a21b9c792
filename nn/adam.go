package nn

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/internal/vec"
	"github.com/deblur/deblur/tensor"
)

// Group is a set of parameters sharing one learning rate.
type Group struct {
	Params []*tensor.Tensor
	LR     float64
}

// Adam is the Adam optimiser with PyTorch's semantics (no weight decay, no
// AMSGrad): m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, and
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
type Adam struct {
	Groups       []Group
	Beta1, Beta2 float64
	Eps          float64
	t            int
	m, v         [][][]float32 // per group, per parameter
}

// NewAdam returns Adam over groups with betas 0.9/0.999 and eps 1e-8.
func NewAdam(groups ...Group) *Adam {
	a := &Adam{Groups: groups, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	a.m, a.v = make([][][]float32, len(groups)), make([][][]float32, len(groups))
	for gi, g := range groups {
		for _, p := range g.Params {
			a.m[gi] = append(a.m[gi], make([]float32, p.Len()))
			a.v[gi] = append(a.v[gi], make([]float32, p.Len()))
		}
	}
	return a
}

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.t }

// Step updates every parameter from its gradient, each group at its
// learning rate times lrScale (the schedule's factor).
func (a *Adam) Step(lrScale float64) {
	a.t++
	b1, b2 := float32(a.Beta1), float32(a.Beta2)
	bc1 := 1 - math.Pow(a.Beta1, float64(a.t))
	bc2 := math.Sqrt(1 - math.Pow(a.Beta2, float64(a.t)))
	eps := float32(a.Eps)
	for gi, g := range a.Groups {
		step := float32(g.LR * lrScale / bc1)
		inv := float32(1 / bc2)
		for pi, p := range g.Params {
			vec.Adam(p.Data, a.m[gi][pi], a.v[gi][pi], p.Grad, b1, b2, step, inv, eps)
		}
	}
}

// ZeroGrad clears the gradients of every parameter.
func (a *Adam) ZeroGrad() {
	for _, g := range a.Groups {
		for _, p := range g.Params {
			p.ZeroGrad()
		}
	}
}

// MultiStep is PyTorch's MultiStepLR as a factor: the learning rate of step s
// (0-based) is multiplied by Gamma once for every milestone <= s.
type MultiStep struct {
	Milestones []int
	Gamma      float64
}

// Factor returns the learning-rate multiplier of step s.
func (m MultiStep) Factor(s int) float64 {
	f := 1.0
	for _, ms := range m.Milestones {
		if ms <= s {
			f *= m.Gamma
		}
	}
	return f
}

// AdamState is the optimiser's position: the number of steps taken and the
// first and second moments of every parameter, indexed by group, then
// parameter, then element (the order of Groups and their Params).
type AdamState struct {
	Steps int
	M, V  [][][]float32
}

// State returns a copy of the optimiser's state, for checkpoints.
func (a *Adam) State() AdamState {
	cp := func(x [][][]float32) [][][]float32 {
		out := make([][][]float32, len(x))
		for i, g := range x {
			for _, p := range g {
				out[i] = append(out[i], append([]float32(nil), p...))
			}
		}
		return out
	}
	return AdamState{Steps: a.t, M: cp(a.m), V: cp(a.v)}
}

// SetState restores a state saved by State. It returns an error, leaving
// the optimiser unchanged, unless s has one moment of the right length for
// every parameter and a non-negative step count.
func (a *Adam) SetState(s AdamState) error {
	if s.Steps < 0 {
		return fmt.Errorf("nn: Adam state with %d steps", s.Steps)
	}
	if len(s.M) != len(a.Groups) || len(s.V) != len(a.Groups) {
		return fmt.Errorf("nn: Adam state for %d/%d groups, optimiser has %d", len(s.M), len(s.V), len(a.Groups))
	}
	for gi, g := range a.Groups {
		if len(s.M[gi]) != len(g.Params) || len(s.V[gi]) != len(g.Params) {
			return fmt.Errorf("nn: Adam state group %d has %d/%d moments for %d parameters", gi, len(s.M[gi]), len(s.V[gi]), len(g.Params))
		}
		for pi, p := range g.Params {
			if len(s.M[gi][pi]) != p.Len() || len(s.V[gi][pi]) != p.Len() {
				return fmt.Errorf("nn: Adam state group %d parameter %d: moments of %d/%d values for %d", gi, pi, len(s.M[gi][pi]), len(s.V[gi][pi]), p.Len())
			}
		}
	}
	a.t = s.Steps
	for gi := range a.Groups {
		for pi := range a.Groups[gi].Params {
			copy(a.m[gi][pi], s.M[gi][pi])
			copy(a.v[gi][pi], s.V[gi][pi])
		}
	}
	return nil
}

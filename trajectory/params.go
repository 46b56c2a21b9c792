// Package trajectory synthesises camera-shake blur kernels from random
// motion trajectories, after the model of Boracchi and Foi, "Modeling the
// performance of image restoration from motion blur" (IEEE TIP 2012).
//
// A trajectory is the path of a point of the image plane during the
// exposure, sampled at equal time steps. It is drawn as a random walk at
// constant speed: at each step the velocity is perturbed by Gaussian noise,
// pulled back towards the starting point, and, rarely, jerked roughly into
// the opposite direction (the "impulsive" shakes, whose frequency scales
// with the anxiety parameter). The speed is chosen so that the whole path
// has a total length drawn uniformly from [MinLength, MaxLength]. The blur
// kernel (point-spread function) is the time the point spends at each pixel:
// the path is rasterised by bilinear splatting of densely sub-sampled points.
//
// Default gives the parameters used to train the kernel generator of Asim et
// al., "Blind image deconvolution using deep generative priors" (2019):
// 28x28 frames, 100 samples, anxiety 0.01, lengths uniform in 5..28 px.
package trajectory

import (
	"fmt"
	"math"
)

// Params describes the distribution of random trajectories.
type Params struct {
	// Size is the side of the square frame in pixels: every trajectory
	// drawn fits in it, and Kernels rasterises Size x Size kernels.
	Size int
	// Samples is the number of positions along a trajectory (equal time
	// steps, so Samples-1 steps of equal length).
	Samples int
	// Anxiety scales the random part of the motion: the Gaussian
	// perturbation, the pull towards the start and the probability of an
	// impulsive jerk. 0 gives straight lines.
	Anxiety float64
	// MinLength and MaxLength bound the total path length in pixels, drawn
	// uniformly from [MinLength, MaxLength].
	MinLength, MaxLength float64
}

// Default returns the published parameters: a 28x28 frame, 100 samples,
// anxiety 0.01 and total lengths uniform in [5, 28] px.
func Default() Params {
	return Params{Size: 28, Samples: 100, Anxiety: 0.01, MinLength: 5, MaxLength: 28}
}

// Validate reports the first problem with p: Size must be at least 3,
// Samples at least 2, Anxiety in [0, 1], and 0 < MinLength <= MaxLength <=
// Size (so that some orientation of any path fits in the frame; see Random).
func (p Params) Validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case p.Size < 3:
		return fmt.Errorf("trajectory: size %d: must be at least 3", p.Size)
	case p.Samples < 2:
		return fmt.Errorf("trajectory: %d samples: must be at least 2", p.Samples)
	case !finite(p.Anxiety) || p.Anxiety < 0 || p.Anxiety > 1:
		return fmt.Errorf("trajectory: anxiety %v: must be in [0, 1]", p.Anxiety)
	case !finite(p.MinLength) || !finite(p.MaxLength) || p.MinLength <= 0:
		return fmt.Errorf("trajectory: lengths %v..%v: must be finite and positive", p.MinLength, p.MaxLength)
	case p.MinLength > p.MaxLength:
		return fmt.Errorf("trajectory: minimum length %v exceeds maximum %v", p.MinLength, p.MaxLength)
	case p.MaxLength > float64(p.Size):
		return fmt.Errorf("trajectory: maximum length %v exceeds the frame size %d", p.MaxLength, p.Size)
	}
	return nil
}

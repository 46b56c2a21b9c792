package selfdeblur

import (
	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/plane"
)

// estimateNoise returns the Gaussian noise sigma of y for the paper's TV
// weight lambda = 0.1 sigma, by the estimator of blur.EstimateNoise; 0 when
// it cannot tell (then the TV term is off).
func estimateNoise(y *plane.Plane) float64 {
	s, err := blur.EstimateNoise(y)
	if err != nil {
		return 0
	}
	return s
}

package bench

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"math/rand/v2"
	"strconv"

	"github.com/deblur/deblur/imageio"
)

// Degradation is damage added to a dataset's blurry inputs after its own
// blur and noise, to measure methods against noisier and compressed
// photos. The zero value adds nothing.
type Degradation struct {
	// Noise is the standard deviation of Gaussian noise added to every
	// sample (samples in [0, 1]); 0: none.
	Noise float64
	// JPEG is the quality (1..100) of a JPEG round trip after the noise;
	// 0: none.
	JPEG int
}

// Validate checks the ranges: Noise in [0, 0.5], JPEG 0 or 1..100.
func (g Degradation) Validate() error {
	if !(g.Noise >= 0 && g.Noise <= 0.5) {
		return fmt.Errorf("bench: noise %v: want a standard deviation from 0 to 0.5", g.Noise)
	}
	if g.JPEG < 0 || g.JPEG > 100 {
		return fmt.Errorf("bench: JPEG quality %d: want 1..100 (0: none)", g.JPEG)
	}
	return nil
}

// Suffix is what Degrade appends to the dataset's name, e.g.
// "-noise0.03-jpeg75"; empty for the zero Degradation.
func (g Degradation) Suffix() string {
	s := ""
	if g.Noise > 0 {
		s += "-noise" + strconv.FormatFloat(g.Noise, 'g', -1, 64)
	}
	if g.JPEG > 0 {
		s += "-jpeg" + strconv.Itoa(g.JPEG)
	}
	return s
}

// Degrade returns d with g applied to every case's blurry input (and to
// what its Sample.Degrade makes): Gaussian noise drawn from a seed fixed
// by the dataset's and the case's names, the samples clipped to [0, 1]
// and rounded to 8 bits, as a stored photo is, then the JPEG round trip.
// The new dataset's name is d's plus g.Suffix(), so its results go to their
// own folder; it is scored and summarised as d. The zero g returns d.
func Degrade(d *Dataset, g Degradation) (*Dataset, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if g == (Degradation{}) {
		return d, nil
	}
	out := &Dataset{Name: d.Name + g.Suffix(), score: d.score, summary: d.summary}
	for _, c := range d.cases {
		load := c.load
		seed := degradeSeed(d.Name, c.Name)
		c.load = func() (*Sample, error) {
			s, err := load()
			if err != nil {
				return nil, err
			}
			if s.Blurry, err = g.apply(s.Blurry, seed); err != nil {
				return nil, err
			}
			if inner := s.Degrade; inner != nil {
				s.Degrade = func(sharp *imageio.Image) (*imageio.Image, error) {
					b, err := inner(sharp)
					if err != nil {
						return nil, err
					}
					return g.apply(b, seed)
				}
			}
			return s, nil
		}
		out.cases = append(out.cases, c)
	}
	return out, nil
}

// degradeSeed is the seed of "degrade/DATASET/CASE" (seedOf).
func degradeSeed(dataset, name string) uint64 {
	return seedOf("degrade/" + dataset + "/" + name)
}

// apply returns a degraded copy of im.
func (g Degradation) apply(im *imageio.Image, seed uint64) (*imageio.Image, error) {
	out := im.Clone()
	rng := rand.New(rand.NewPCG(seed, 0x6e6f697365)) // "noise"
	for _, ch := range out.Channels {
		for i, v := range ch.Pix {
			v = min(1, max(0, v+g.Noise*gaussian(rng)))
			ch.Pix[i] = float64(int(v*255+0.5)) / 255
		}
	}
	out.Depth = imageio.Depth8
	if g.JPEG == 0 {
		return out, nil
	}
	img, err := out.ToImage(imageio.Depth8)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: g.JPEG}); err != nil {
		return nil, fmt.Errorf("bench: JPEG round trip: %w", err)
	}
	back, err := imageio.Decode(&buf, imageio.Limits{})
	if err != nil {
		return nil, fmt.Errorf("bench: JPEG round trip: %w", err)
	}
	return back, nil
}

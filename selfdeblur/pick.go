package selfdeblur

import (
	"fmt"
	"math"

	"github.com/deblur/deblur/plane"
)

// Pick is how Run chooses among restart fits (Settings.Restarts above 1).
type Pick int

const (
	// PickAuto (the zero value) is PickSharpest when the restarts share one
	// kernel frame and PickObjective when RestartKernelSizes gives them
	// different frames: a frame too small cannot explain the blur and one
	// whose fit failed explains it worse, which the objective measures
	// (on Levin, the lower objective kept the better frame on most images;
	// docs/results.md), while seeds in one frame end at
	// similar objectives that say little about their kernels.
	PickAuto Pick = iota
	// PickSharpest keeps the fit whose image is the sharpest by
	// GradientSparsity (the lowest value) among those whose final objective
	// is at most 1.5 times the lowest (a fit that explains the data much
	// worse has failed, however sharp its image). A fit stuck in a poor kernel
	// leaves blur or ringing in its image, which raises the measure, while
	// its objective can still come out lowest: on the 32 Levin images
	// (Default preset, seeds 1 and 2) the fits' objectives picked the
	// better one on 2 of the 11 images where the two rules disagree.
	PickSharpest
	// PickObjective keeps the fit with the lowest final objective.
	PickObjective
)

// String returns "auto", "sharpest" or "objective".
func (p Pick) String() string {
	switch p {
	case PickAuto:
		return "auto"
	case PickSharpest:
		return "sharpest"
	case PickObjective:
		return "objective"
	}
	return fmt.Sprintf("Pick(%d)", int(p))
}

// MarshalText writes p as its String, so reports name the rule.
func (p Pick) MarshalText() ([]byte, error) {
	if !p.valid() {
		return nil, fmt.Errorf("selfdeblur: unknown restart pick %d", int(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads what MarshalText writes.
func (p *Pick) UnmarshalText(b []byte) error {
	q, err := ParsePick(string(b))
	if err == nil {
		*p = q
	}
	return err
}

func (p Pick) valid() bool { return p >= PickAuto && p <= PickObjective }

// ParsePick parses "auto", "sharpest" or "objective".
func ParsePick(s string) (Pick, error) {
	switch s {
	case "auto":
		return PickAuto, nil
	case "sharpest":
		return PickSharpest, nil
	case "objective":
		return PickObjective, nil
	}
	return 0, fmt.Errorf("selfdeblur: unknown restart pick %q (want auto, sharpest or objective)", s)
}

// resolve returns PickSharpest or PickObjective for restarts with the
// kernel frames sizes (nil: all alike).
func (p Pick) resolve(sizes []int) Pick {
	if p != PickAuto {
		return p
	}
	for _, k := range sizes {
		if k != sizes[0] {
			return PickObjective
		}
	}
	return PickSharpest
}

// GradientSparsity returns the normalised sparsity of p's gradient,
// ||grad p||_1 / ||grad p||_2 over the forward differences (horizontal and
// vertical, each pixel with a right and a lower neighbour), the blur
// measure of Krishnan, Tay and Fergus (CVPR 2011). Blur spreads the
// gradient over more, weaker differences and raises it; rescaling p leaves
// it unchanged. It is +Inf for a plane without any difference (flat, or
// narrower or shorter than 2 pixels).
func GradientSparsity(p *plane.Plane) float64 {
	var l1, l2 float64
	for y := 0; y+1 < p.H; y++ {
		row, next := p.Pix[y*p.W:(y+1)*p.W], p.Pix[(y+1)*p.W:(y+2)*p.W]
		for x := 0; x+1 < p.W; x++ {
			dx, dy := row[x+1]-row[x], next[x]-row[x]
			l1 += math.Abs(dx) + math.Abs(dy)
			l2 += dx*dx + dy*dy
		}
	}
	if l2 == 0 {
		return math.Inf(1)
	}
	return l1 / math.Sqrt(l2)
}

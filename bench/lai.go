package bench

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/deblur/deblur/blur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// LaiCategories are the image categories of the Lai et al. synthetic set, in
// the order of the published tables.
var laiCategories = [5]string{"manmade", "natural", "people", "saturated", "text"}

// LaiCategories returns the Lai image categories in table order.
func LaiCategories() []string { return append([]string(nil), laiCategories[:]...) }

// laiKernelSizes are the sizes of kernel_01..04, which the SelfDeblur authors
// also used as their kernel sizes.
var laiKernelSizes = [4]int{31, 51, 55, 75}

// LaiNoise is the standard deviation of the Gaussian noise added to the
// synthesised Lai images (1 % of the [0, 1] range).
const LaiNoise = 0.01

// Lai returns the 100 cases of the Lai et al. synthetic uniform-blur set
// (25 sharp colour images x 4 kernels) from dir (sharp/{category}_0{1..5}.png,
// kernels/kernel_0{1..4}.png), named "{category}_0{n}_kernel_0{j}" in the
// order of categories, images, kernels.
//
// The benchmark's blurry images are not shipped, so they are synthesised
// (see SynthesizeLai) and cached as 8-bit PNGs under cacheDir, as the
// benchmark distributed them; a later Load reads the cached file, so every
// run sees the same bytes. The cache is written on first use (atomically),
// never into dir.
func Lai(dir, cacheDir string) (*Dataset, error) {
	if cacheDir == "" {
		return nil, errors.New("bench: lai dataset needs a cache directory for the synthesised images")
	}
	d := &Dataset{Name: "lai", summary: func(byMethod map[string][]CaseResult, _ int) string { return LaiSummary(byMethod) }}
	for _, cat := range laiCategories {
		for n := 1; n <= 5; n++ {
			sharp := filepath.Join(dir, "sharp", fmt.Sprintf("%s_%02d.png", cat, n))
			if _, err := os.Stat(sharp); err != nil {
				return nil, fmt.Errorf("bench: lai dataset: %w", err)
			}
			for j := 1; j <= 4; j++ {
				kpath := filepath.Join(dir, "kernels", fmt.Sprintf("kernel_%02d.png", j))
				if _, err := os.Stat(kpath); err != nil {
					return nil, fmt.Errorf("bench: lai dataset: %w", err)
				}
				name := fmt.Sprintf("%s_%02d_kernel_%02d", cat, n, j)
				cached := filepath.Join(cacheDir, name+".png")
				d.cases = append(d.cases, Case{
					Name: name, Category: cat, KernelSize: laiKernelSizes[j-1],
					load: func() (*Sample, error) { return loadLai(sharp, kpath, cached, LaiSeed(name)) },
				})
			}
		}
	}
	return d, nil
}

// LaiSeed returns the fixed noise seed of the Lai case called name: the
// 64-bit FNV-1a hash of "lai/" + name, so a case's noise does not depend on
// which other cases exist or run.
func LaiSeed(name string) uint64 { return seedOf("lai/" + name) }

// seedOf is the 64-bit FNV-1a hash of key: a seed fixed by a name, so a
// case's random draws do not depend on which other cases exist or run.
func seedOf(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

func loadLai(sharpPath, kernelPath, cached string, seed uint64) (*Sample, error) {
	sharp, err := imageio.Read(sharpPath)
	if err != nil {
		return nil, err
	}
	// The stored kernel is used as the convolution kernel: the blurry
	// images are made here, so this defines the orientation.
	k, err := imageio.ReadKernel(kernelPath)
	if err != nil {
		return nil, err
	}
	blurry, err := imageio.Read(cached)
	if err != nil || blurry.W() != sharp.W() || blurry.H() != sharp.H() || len(blurry.Channels) != len(sharp.Channels) {
		// Missing (or unusable) cache: synthesise and store, then read the
		// stored 8-bit file back so this run sees what later runs will.
		b, err := SynthesizeLai(sharp, k, seed)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(cached), 0o755); err != nil {
			return nil, fmt.Errorf("lai cache: %w", err)
		}
		if err := imageio.WritePNG(cached, b, imageio.Depth8); err != nil {
			return nil, fmt.Errorf("lai cache: %w", err)
		}
		if blurry, err = imageio.Read(cached); err != nil {
			return nil, fmt.Errorf("lai cache: %w", err)
		}
	}
	return &Sample{Blurry: blurry, Sharp: sharp, Kernel: k}, nil
}

// SynthesizeLai makes a Lai benchmark input from a sharp image and a
// convolution kernel, deterministically for a given seed:
//
//  1. every channel is convolved with k and kept at the sharp image's size
//     ('same' size, as the benchmark's blurry images are): the sharp image
//     is first extended by mirror reflection (MATLAB padarray 'symmetric',
//     the edge sample repeated), so the border shows neither the dark frame
//     of zero padding nor the wrap-around of circular convolution;
//  2. Gaussian noise of standard deviation LaiNoise is added to every
//     sample (one PCG stream seeded with seed, Box-Muller transform,
//     channels in order R, G, B, row-major);
//  3. samples are clipped to [0, 1].
//
// Lai et al. describe their inputs as the sharp image convolved with the
// kernel plus 1 % Gaussian noise, the same size as the sharp image; the
// boundary rule they used is not documented with the data, so this one is
// a choice. It only affects the outer K/2 pixels; the evaluation crops 15.
func SynthesizeLai(sharp *imageio.Image, k *plane.Plane, seed uint64) (*imageio.Image, error) {
	rng := rand.New(rand.NewPCG(seed, 0x6c6169)) // "lai"
	out := &imageio.Image{}
	for c, ch := range sharp.Channels {
		l, t := (k.W-1)-k.W/2, (k.H-1)-k.H/2
		padded := padSymmetric(ch, l, t, k.W/2, k.H/2)
		b, err := blur.Convolve(padded, k, blur.Valid)
		if err != nil {
			return nil, fmt.Errorf("bench: synthesising channel %d: %w", c, err)
		}
		for i, v := range b.Pix {
			b.Pix[i] = min(1, max(0, v+LaiNoise*gaussian(rng)))
		}
		out.Channels = append(out.Channels, b)
	}
	return out, nil
}

// gaussian draws a standard normal sample with the Box-Muller transform
// (one uniform pair per sample), which, unlike rand.NormFloat64, is spelled
// out here and so cannot change with the Go release.
func gaussian(rng *rand.Rand) float64 {
	u1 := 1 - rng.Float64() // (0, 1]
	u2 := rng.Float64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// padSymmetric extends p by l, t, r, b samples on the left, top, right and
// bottom by mirror reflection that repeats the edge sample.
func padSymmetric(p *plane.Plane, l, t, r, b int) *plane.Plane {
	q := plane.New(p.W+l+r, p.H+t+b)
	for y := 0; y < q.H; y++ {
		sy := plane.MirrorIndex(y-t, p.H)
		for x := 0; x < q.W; x++ {
			q.Pix[y*q.W+x] = p.Pix[sy*p.W+plane.MirrorIndex(x-l, p.W)]
		}
	}
	return q
}

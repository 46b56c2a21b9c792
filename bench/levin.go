package bench

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// levinSizes are the kernel sizes the SelfDeblur authors used on the Levin
// benchmark for kernels 1..8 (the true kernels are 19, 17, 15, 27, 13, 21,
// 23 and 23 pixels).
var levinSizes = [8]int{17, 15, 13, 27, 11, 19, 21, 21}

// LevinKernelSize returns the kernel size SelfDeblur used for Levin kernel
// j (1..8), or 0 for another j.
func LevinKernelSize(j int) int {
	if j < 1 || j > 8 {
		return 0
	}
	return levinSizes[j-1]
}

// levinRotated reports whether the stored PNG of Levin kernel j must be
// rotated by 180 degrees to give the convolution kernel. Checked by
// re-blurring the ground truth (TestLevinOrientation),
// that holds for kernels 1, 2, 3, 5, 6 and 7; kernels 4 and 8 are stored as
// convolution kernels.
func levinRotated(j int) bool { return j != 4 && j != 8 }

// Levin returns the 32 cases of the Levin et al. benchmark stored in dir
// (gt/im{i}.png, gt/kernel{j}.png, im{i}_kernel{j}_img.png), named
// "im{i}_kernel{j}" in the order i = 1..4, j = 1..8. The blurry images are
// the original ones, the same size as the ground truth (255 x 255) and
// shifted by a few pixels relative to it, so score them with the aligned
// protocol. Kernels are normalised to sum 1 and turned into convolution
// kernels (see LevinKernel). It returns an error when a file is missing.
func Levin(dir string) (*Dataset, error) {
	d := &Dataset{Name: "levin"}
	for i := 1; i <= 4; i++ {
		for j := 1; j <= 8; j++ {
			blurry := filepath.Join(dir, fmt.Sprintf("im%d_kernel%d_img.png", i, j))
			sharp := filepath.Join(dir, "gt", fmt.Sprintf("im%d.png", i))
			for _, p := range []string{blurry, sharp, levinKernelPath(dir, j)} {
				if _, err := os.Stat(p); err != nil {
					return nil, fmt.Errorf("bench: levin dataset: %w", err)
				}
			}
			d.cases = append(d.cases, Case{
				Name:       fmt.Sprintf("im%d_kernel%d", i, j),
				KernelSize: LevinKernelSize(j),
				load: func() (*Sample, error) {
					b, err := imageio.Read(blurry)
					if err != nil {
						return nil, err
					}
					s, err := imageio.Read(sharp)
					if err != nil {
						return nil, err
					}
					k, err := LevinKernel(dir, j)
					if err != nil {
						return nil, err
					}
					return &Sample{Blurry: b, Sharp: s, Kernel: k}, nil
				},
			})
		}
	}
	return d, nil
}

func levinKernelPath(dir string, j int) string {
	return filepath.Join(dir, "gt", fmt.Sprintf("kernel%d.png", j))
}

// LevinKernel reads Levin kernel j (1..8) from dir and returns it as a
// convolution kernel summing to 1: the stored PNG rotated by 180 degrees
// for kernels 1, 2, 3, 5, 6, 7, as stored for kernels 4 and 8.
func LevinKernel(dir string, j int) (*plane.Plane, error) {
	if j < 1 || j > 8 {
		return nil, fmt.Errorf("bench: levin kernel %d does not exist (1..8)", j)
	}
	k, err := imageio.ReadKernel(levinKernelPath(dir, j))
	if err != nil {
		return nil, err
	}
	if levinRotated(j) {
		k = k.Rot180()
	}
	return k, nil
}

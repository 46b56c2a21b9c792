package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/imageio"
	"github.com/deblur/deblur/plane"
)

// readKernelFile reads a kernel for score and deconv: from a run report
// (.json, the exact values) or from a kernel image. A kernel PNG
// written by the run command is enlarged for viewing (imageio.KernelViewScale); such an
// image, recognised by its size and its constant blocks, is shrunk back.
func readKernelFile(path string) (*plane.Plane, error) {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var r struct {
			Kernel deblur.Kernel `json:"kernel"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		h := len(r.Kernel.Values)
		if h == 0 || len(r.Kernel.Values[0]) == 0 {
			return nil, fmt.Errorf("%s: no kernel values in the report", path)
		}
		w := len(r.Kernel.Values[0])
		k := plane.New(w, h)
		for y, row := range r.Kernel.Values {
			if len(row) != w {
				return nil, fmt.Errorf("%s: kernel row %d has %d values, want %d", path, y, len(row), w)
			}
			for x, v := range row {
				if v < 0 {
					return nil, fmt.Errorf("%s: kernel value %g at row %d, column %d: a kernel has no negative values", path, v, y, x)
				}
			}
			copy(k.Pix[y*w:], row)
		}
		if err := k.Normalize(); err != nil {
			return nil, fmt.Errorf("%s: kernel: %w", path, err)
		}
		return k, nil
	}
	k, err := imageio.ReadKernel(path)
	if err != nil {
		return nil, err
	}
	return unenlarge(k), nil
}

// unenlarge undoes the run command's kernel enlargement: a kernel whose
// longer side is n * imageio.KernelViewScale(n) for some n, with imageio.KernelViewScale(n) > 1,
// whose shorter side is a multiple of that scale and which is made of
// constant blocks of that size, comes back at its own size (a trimmed
// estimate need not be square); any other kernel is returned as it is.
func unenlarge(k *plane.Plane) *plane.Plane {
	long := max(k.W, k.H)
	for n := 1; n < long; n++ {
		s := imageio.KernelViewScale(n)
		if s < 2 || n*s != long || k.W%s != 0 || k.H%s != 0 || !constantBlocks(k, s) {
			continue
		}
		out := plane.New(k.W/s, k.H/s)
		for y := range out.H {
			for x := range out.W {
				out.Set(x, y, k.At(x*s, y*s))
			}
		}
		if out.Normalize() == nil {
			return out
		}
	}
	return k
}

// constantBlocks reports whether every s x s block of k holds one value.
func constantBlocks(k *plane.Plane, s int) bool {
	for y := range k.H {
		for x := range k.W {
			if k.At(x, y) != k.At(x-x%s, y-y%s) {
				return false
			}
		}
	}
	return true
}

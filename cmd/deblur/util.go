package main

import (
	"errors"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"

	"github.com/deblur/deblur/imageio"
)

// isTerminal reports whether f is a character device (a terminal), which is
// when progress bars are drawn.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// parseInterspersed parses flags wherever they appear among the positional
// arguments, which it returns in order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseCommand parses a command's flags (anywhere among its arguments) and
// checks that exactly want positional arguments remain, described by what
// in the usage error. help is true when -h was asked for (usage printed).
func parseCommand(fs *flag.FlagSet, args []string, want int, what string) (pos []string, help bool, err error) {
	pos, err = parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, usageError{err}
	}
	if len(pos) != want {
		fs.Usage()
		return nil, false, usagef("%s: want %s, got %d arguments", fs.Name(), what, len(pos))
	}
	return pos, false, nil
}

// distinctOutputs refuses outputs that would overwrite an input (the same
// file, also through another path or a link) or each other, so a run
// never destroys the user's original.
func distinctOutputs(inputs []string, outputs ...string) error {
	for i, o := range outputs {
		for _, p := range outputs[:i] {
			if filepath.Clean(o) == filepath.Clean(p) {
				return fmt.Errorf("two outputs are %s: give each its own path", o)
			}
		}
		ost, err := os.Stat(o)
		if err != nil {
			continue // not there yet: cannot be an input
		}
		for _, in := range inputs {
			if ist, err := os.Stat(in); err == nil && os.SameFile(ist, ost) {
				return fmt.Errorf("output %s is the input %s: choose another output path (inputs are never overwritten)", o, in)
			}
		}
	}
	return nil
}

// writeFlags say how a command writes its image output.
type writeFlags struct {
	quality   int
	overwrite bool
}

func defineWriteFlags(fs *flag.FlagSet, w *writeFlags) {
	fs.IntVar(&w.quality, "quality", 0, fmt.Sprintf("JPEG quality `Q`, 1 to 100, for an output ending .jpg or .jpeg (0: %d)", imageio.DefaultJPEGQuality))
	fs.BoolVar(&w.overwrite, "overwrite", false, "replace outputs that exist already (an input is never replaced)")
}

// check validates the write flags for the image output image and every
// output of the run: the image's extension names a format, -quality goes
// with JPEG only, and an existing output needs -overwrite.
func (w *writeFlags) check(image string, outputs ...string) error {
	format, err := imageio.FormatOf(image)
	if err != nil {
		return usageError{err}
	}
	if w.quality != 0 && (w.quality < 1 || w.quality > 100) {
		return usagef("-quality %d: want 1 to 100", w.quality)
	}
	if w.quality != 0 && format != imageio.FormatJPEG {
		return usagef("-quality %d: applies to JPEG output only (%s is %s)", w.quality, image, format)
	}
	return refuseExisting(w.overwrite, append([]string{image}, outputs...)...)
}

// refuseExisting is a usage error for the first of paths that exists,
// unless overwrite is set.
func refuseExisting(overwrite bool, paths ...string) error {
	if overwrite {
		return nil
	}
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			return usagef("output %s exists: give -overwrite to replace it, or another -o", p)
		}
	}
	return nil
}

// writeOptions are the image's write options, with the input's colour
// profile.
func (w *writeFlags) writeOptions(in imageio.Meta) imageio.WriteOptions {
	return imageio.WriteOptions{Quality: w.quality, ICC: in.ICC}
}

// maxPixelsFlag is -max-pixels, in megapixels.
type maxPixelsFlag float64

func defineMaxPixels(fs *flag.FlagSet, m *maxPixelsFlag) {
	*m = maxPixelsFlag(imageio.DefaultMaxPixels / 1e6)
	fs.Var(m, "max-pixels", "refuse input images over `MP` megapixels, checked before decoding (memory grows with the pixels: docs/limits.md)")
}

func (m *maxPixelsFlag) String() string { return strconv.FormatFloat(float64(*m), 'g', -1, 64) }

func (m *maxPixelsFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0) || v > 1e5 {
		return fmt.Errorf("want a number of megapixels above 0 and at most 100000")
	}
	*m = maxPixelsFlag(v)
	return nil
}

// limits are the decoding limits of -max-pixels.
func (m maxPixelsFlag) limits() imageio.Limits {
	return imageio.Limits{MaxPixels: int64(float64(m) * 1e6)}
}

// readInput reads the input image within lim, and what its file says
// besides the pixels (the colour profile is carried to the output); a bad
// input is a usage error, and one over the pixel limit says how to raise
// it.
func readInput(path string, lim imageio.Limits) (image.Image, imageio.Meta, error) {
	img, meta, err := imageio.ReadImageMeta(path, lim)
	if errors.Is(err, imageio.ErrTooLarge) {
		return nil, meta, usagef("%v (-max-pixels raises the limit)", err)
	}
	if err != nil {
		return nil, meta, usageError{err}
	}
	return img, meta, nil
}

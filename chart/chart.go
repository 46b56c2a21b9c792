// Package chart draws simple line charts as PNG files with gonum/plot, for
// the benchmark sweeps (PSNR against noise level or blur length) and the
// speed/quality comparison of configurations (PSNR against seconds).
package chart

import (
	"fmt"
	"image"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/deblur/deblur/internal/atomicfile"
)

// Series is one line: the points (X[i], Y[i]) in order. NaN values are
// left out.
type Series struct {
	Name string
	X, Y []float64
}

// Lines describes a line chart.
type Lines struct {
	Title, XLabel, YLabel string
	Series                []Series
	// Width and Height are the image size in pixels (each at least 100).
	Width, Height int
	// LogX draws the x axis on a log scale; points with x <= 0 are then
	// left out.
	LogX bool
	// LegendBottom puts the legend in the bottom right corner instead of
	// the top right.
	LegendBottom bool
}

// WritePNG draws the chart and writes it to path as a PNG of exactly
// Width x Height pixels, atomically (internal/atomicfile). It returns an
// error, and writes nothing, when there is no finite point to draw, a
// series' X and Y differ in length, or the size is too small.
func (l Lines) WritePNG(path string) error {
	if l.Width < 100 || l.Height < 100 {
		return fmt.Errorf("chart: %dx%d pixels is too small", l.Width, l.Height)
	}
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = l.Title, l.XLabel, l.YLabel
	p.Add(plotter.NewGrid())
	p.Legend.Top = !l.LegendBottom
	var args []any
	points := 0
	for _, s := range l.Series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("chart: series %q has %d x and %d y values", s.Name, len(s.X), len(s.Y))
		}
		var xy plotter.XYs
		for i, x := range s.X {
			if !math.IsNaN(x) && !math.IsNaN(s.Y[i]) && !math.IsInf(x, 0) && !math.IsInf(s.Y[i], 0) && (!l.LogX || x > 0) {
				xy = append(xy, plotter.XY{X: x, Y: s.Y[i]})
			}
		}
		if len(xy) == 0 {
			continue
		}
		points += len(xy)
		args = append(args, s.Name, xy)
	}
	if points == 0 {
		return fmt.Errorf("chart: %q has no finite point to draw", l.Title)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	if l.LogX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	c := vgimg.NewWith(vgimg.UseImage(image.NewRGBA(image.Rect(0, 0, l.Width, l.Height))), vgimg.UseDPI(96))
	p.Draw(draw.New(c))
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
}

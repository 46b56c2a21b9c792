package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/deblur/deblur/chart"
)

// runChart draws a PNG chart from columns of a CSV file: one series per
// distinct value of the label column, points in file order.
func runChart(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("chart", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	out := fs.String("o", "chart.png", "output `PNG`")
	xcol := fs.String("x", "seconds", "`COLUMN` of the x values")
	ycol := fs.String("y", "psnr", "`COLUMN` of the y values")
	label := fs.String("label", "config", "`COLUMN` naming each point's series")
	title := fs.String("title", "", "chart `TITLE`")
	xlabel := fs.String("xlabel", "", "x axis `LABEL` (default: the x column)")
	ylabel := fs.String("ylabel", "", "y axis `LABEL` (default: the y column)")
	logx := fs.Bool("logx", false, "log-scale x axis")
	legendBottom := fs.Bool("legend-bottom", false, "legend in the bottom right corner (default top right)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: deblur chart [flags] TABLE.csv")
		fmt.Fprintln(fs.Output(), "\nDraws y against x from a CSV file with a header row (e.g. a bench results.csv):")
		fmt.Fprintln(fs.Output(), "one line per distinct value of the label column, points in file order; empty or")
		fmt.Fprintln(fs.Output(), "non-numeric cells are left out. Writes a 800x500 PNG.")
		fmt.Fprintln(fs.Output(), "\nFlags:")
		fs.PrintDefaults()
	}
	pos, help, err := parseCommand(fs, args, 1, "one CSV file")
	if help || err != nil {
		return err
	}
	series, err := readSeries(pos[0], *xcol, *ycol, *label)
	if err != nil {
		return err
	}
	c := chart.Lines{Title: *title, XLabel: *xlabel, YLabel: *ylabel, Series: series, Width: 800, Height: 500, LogX: *logx, LegendBottom: *legendBottom}
	if c.XLabel == "" {
		c.XLabel = *xcol
	}
	if c.YLabel == "" {
		c.YLabel = *ycol
	}
	if err := c.WritePNG(*out); err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "wrote %s (%d series)\n", *out, len(series))
	return nil
}

// readSeries reads the CSV file at path (with a header row) into one
// series of (xcol, ycol) points per distinct value of the label column,
// skipping rows whose x or y is empty or not a number.
func readSeries(path, xcol, ycol, label string) ([]chart.Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{err}
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, usagef("chart: %s: %v", path, err)
	}
	if len(rows) < 2 {
		return nil, usagef("chart: %s has no data rows", path)
	}
	var cols [3]int
	for i, name := range []string{xcol, ycol, label} {
		if cols[i] = slices.Index(rows[0], name); cols[i] < 0 {
			return nil, usagef("chart: %s has no column %q (have %s)", path, name, strings.Join(rows[0], ", "))
		}
	}
	xi, yi, li := cols[0], cols[1], cols[2]
	var series []chart.Series
	index := map[string]int{}
	for _, r := range rows[1:] {
		if len(r) <= max(xi, yi, li) {
			continue
		}
		x, errX := strconv.ParseFloat(strings.TrimSpace(r[xi]), 64)
		y, errY := strconv.ParseFloat(strings.TrimSpace(r[yi]), 64)
		if errX != nil || errY != nil {
			continue
		}
		i, ok := index[r[li]]
		if !ok {
			i = len(series)
			index[r[li]] = i
			series = append(series, chart.Series{Name: r[li]})
		}
		series[i].X = append(series[i].X, x)
		series[i].Y = append(series[i].Y, y)
	}
	return series, nil
}

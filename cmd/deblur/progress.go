package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/deblur/deblur/progress"
)

// progressPrinter turns progress reports into a redrawn bar on a terminal,
// or into a log line every tenth of the run otherwise.
type progressPrinter struct {
	w        io.Writer
	tty      bool
	lastLog  int // tenths of the run already logged
	lastDraw time.Time
}

func (p *progressPrinter) Record(pr progress.Event) {
	if pr.Total <= 0 {
		return
	}
	frac := float64(pr.Iter) / float64(pr.Total)
	eta := "--:--"
	if pr.Iter > 0 && pr.Iter < pr.Total {
		eta = fmtDuration(time.Duration(float64(pr.Elapsed) / frac * (1 - frac)))
	}
	loss := "" // methods without one loss (l0) report NaN
	if !math.IsNaN(pr.Loss) {
		loss = fmt.Sprintf(" loss %.5g", pr.Loss)
	}
	line := fmt.Sprintf("%s %5d/%d%s  elapsed %s  eta %s", pr.Stage, pr.Iter, pr.Total, loss, fmtDuration(pr.Elapsed), eta)
	if p.tty {
		if !pr.Finished && time.Since(p.lastDraw) < 100*time.Millisecond {
			return
		}
		p.lastDraw = time.Now()
		const width = 24
		n := int(frac * width)
		bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
		fmt.Fprintf(p.w, "\r[%s] %s\x1b[K", bar, line)
		if pr.Finished {
			fmt.Fprintln(p.w)
		}
		return
	}
	if tenth := int(frac * 10); tenth > p.lastLog || pr.Finished {
		p.lastLog = tenth
		fmt.Fprintln(p.w, line)
	}
}

func fmtDuration(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

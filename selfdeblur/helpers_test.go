package selfdeblur

import "github.com/deblur/deblur/report"

type recorderFunc func()

func (f recorderFunc) Record(report.Progress) { f() }

package selfdeblur

import "github.com/deblur/deblur/progress"

type recorderFunc func()

func (f recorderFunc) Record(progress.Event) { f() }

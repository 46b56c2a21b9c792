// Package pipeline is deblur's batch as an Apache Beam pipeline, for
// clusters: find the images -> reshuffle (spread them over the workers) ->
// deblur each with the library (batch.Process, the work of one image of
// deblur batch) -> write the manifest. Outputs and their resumption rules
// are those of deblur batch: each image's outputs under the output folder,
// a rerun skips the images whose outputs exist for the same input and
// settings. Every worker must see the inputs and the output folder at the
// same paths (a shared file system).
package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // the manifest is on the shared file system
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/deblur/deblur"
	"github.com/deblur/deblur/batch"
	"github.com/deblur/deblur/deconv"
	"github.com/deblur/deblur/l0"
	"github.com/deblur/deblur/selfdeblur"
)

func init() {
	register.DoFn2x1[[]byte, func(batch.Input), error](&findFn{})
	register.Emitter1[batch.Input]()
	register.DoFn2x1[context.Context, batch.Input, string](&deblurFn{})
	beam.RegisterType(reflect.TypeOf((*batch.Input)(nil)).Elem())
}

// Settings are what the workers need to deblur an image, carried to them
// as JSON. The zero value of each field means what the command's flag
// does when not given.
type Settings struct {
	// OutDir receives the outputs and manifest.jsonl.
	OutDir string
	// Method is selfdeblur (empty) or l0.
	Method string
	// KernelSize, Iterations and Seed are -kernel-size, -iters, -seed.
	KernelSize int
	Iterations int
	Seed       uint64
	// Finish is auto (empty) or a non-blind method of deconv.Methods.
	Finish string
	// Concurrency is each image's share of a worker's cores (0: all).
	Concurrency int
}

// Config makes the batch configuration of s, or says which setting is
// wrong.
func (s Settings) Config() (*batch.Config, error) {
	if s.OutDir == "" {
		return nil, fmt.Errorf("pipeline: no output folder")
	}
	if s.KernelSize != 0 && s.KernelSize < 3 || s.Iterations < 0 || s.Concurrency < 0 {
		return nil, fmt.Errorf("pipeline: kernel size %d, iterations %d, concurrency %d: want 0 (the default) or positive, a kernel at least 3", s.KernelSize, s.Iterations, s.Concurrency)
	}
	o := deblur.Options{KernelSize: s.KernelSize, Seed: s.Seed, Concurrency: s.Concurrency}
	switch s.Method {
	case "", "selfdeblur":
		o.Method = selfdeblur.Estimator{Iterations: s.Iterations}
	case "l0":
		o.Method = l0.Estimator{Iterations: s.Iterations}
	default:
		return nil, fmt.Errorf("pipeline: method %q: want selfdeblur or l0", s.Method)
	}
	if s.Finish != "" && s.Finish != "auto" {
		f, err := deconv.Lookup(s.Finish)
		if err != nil {
			return nil, fmt.Errorf("pipeline: finish %q: want auto or one of %s", s.Finish, strings.Join(deconv.Methods(), ", "))
		}
		o.Finish = f
	}
	settings := fmt.Sprintf("pipeline method=%s iters=%d", o.Method.Name(), s.Iterations)
	return &batch.Config{OutDir: s.OutDir, Options: o, Settings: settings}, nil
}

// Build adds the pipeline to scope: the images that args name (files,
// folders, patterns, as for deblur batch; recursive takes subfolders) are
// deblurred with set, and their records written as JSON lines to
// set.OutDir/manifest.jsonl. It returns the records.
func Build(scope beam.Scope, args []string, recursive bool, set Settings) (beam.PCollection, error) {
	if _, err := set.Config(); err != nil {
		return beam.PCollection{}, err
	}
	if len(args) == 0 {
		return beam.PCollection{}, fmt.Errorf("pipeline: no inputs")
	}
	s := scope.Scope("deblur")
	inputs := beam.ParDo(s, &findFn{Args: slices.Clone(args), Recursive: recursive, OutDir: set.OutDir}, beam.Impulse(s))
	records := beam.ParDo(s, &deblurFn{Settings: set}, beam.Reshuffle(s, inputs))
	textio.Write(s, filepath.Join(set.OutDir, batch.ManifestName(batch.Shard{})), records)
	return records, nil
}

// findFn lists the inputs, on a worker (the cluster's view of the files).
type findFn struct {
	Args      []string
	Recursive bool
	OutDir    string
}

func (f *findFn) ProcessElement(_ []byte, emit func(batch.Input)) error {
	inputs, err := batch.Find(f.Args, f.Recursive, f.OutDir)
	if err != nil {
		return err
	}
	for _, in := range inputs {
		emit(in)
	}
	return nil
}

// deblurFn deblurs one input and returns its manifest record as JSON. A
// failed image is a record, not a failed bundle, so a bad file does not
// make the runner retry or abandon the job.
type deblurFn struct {
	Settings Settings
	cfg      *batch.Config
}

func (f *deblurFn) Setup() error {
	cfg, err := f.Settings.Config()
	f.cfg = cfg
	return err
}

func (f *deblurFn) ProcessElement(ctx context.Context, in batch.Input) string {
	rec := batch.Process(ctx, in, f.cfg)
	line, _ := json.Marshal(rec)
	return string(line)
}

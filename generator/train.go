package generator

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/deblur/deblur/internal/atomicfile"
	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/progress"
	"github.com/deblur/deblur/tensor"
)

// TrainOptions configures TrainVAE and TrainGAN.
type TrainOptions struct {
	// Steps is the total number of optimisation steps; a resumed run
	// continues up to Steps.
	Steps int
	// Batch is the number of samples per step. Every epoch visits the
	// samples in a fresh random order, dropping the last Batch-1 at most.
	Batch int
	// LR is Adam's learning rate.
	LR float64
	// Seed fixes the sample order and every random draw of training (the
	// caller seeds the initial weights).
	Seed uint64
	// Checkpoint is the path of a checkpoint file, written atomically every
	// CheckpointEvery steps (0: never on a schedule), when the context is
	// cancelled, and at the end. Empty: no checkpoints.
	Checkpoint      string
	CheckpointEvery int
	// Resume, when not nil, continues the run that wrote this checkpoint:
	// its weights, optimiser state, step and random state replace the
	// models' and the trainer's. Seed, Batch and LR must equal the
	// checkpoint's, and the result is then bit-identical to an
	// uninterrupted run on the same machine and thread count.
	Resume *Checkpoint
	// Recorder receives a Progress after every step: Iter is the step
	// reached, Total is Steps, Elapsed the time since this call started
	// (so a resumed run's rate is (Iter - first Iter) / Elapsed), Loss the
	// mean training loss over the last 50 steps and Message the terms.
	Recorder progress.Recorder
}

func (o TrainOptions) validate(n int) error {
	switch {
	case o.Steps < 1:
		return fmt.Errorf("generator: %d training steps", o.Steps)
	case o.Batch < 1 || o.Batch > n:
		return fmt.Errorf("generator: batch of %d from %d training samples", o.Batch, n)
	case !(o.LR > 0):
		return fmt.Errorf("generator: learning rate %v", o.LR)
	case o.CheckpointEvery < 0:
		return fmt.Errorf("generator: checkpoint every %d steps", o.CheckpointEvery)
	}
	return nil
}

// Checkpoint is the state of an interrupted training run, read by
// ReadCheckpoint (the file format is described at Save).
type Checkpoint struct {
	// Models are the models being trained: a VAE, or a DCGAN generator and
	// its discriminator.
	Models []Model
	// Step is the number of steps taken.
	Step int
	// Seed, Batch and LR are the run's settings.
	Seed  uint64
	Batch int
	LR    float64
	rng   []byte
	adam  []nn.AdamState
}

// ReadCheckpoint reads a checkpoint written during training. Bad input
// gives an error wrapping ErrFormat.
func ReadCheckpoint(r io.Reader) (*Checkpoint, error) {
	f, err := readFile(r)
	if err != nil {
		return nil, err
	}
	t := f.train
	if t == nil {
		return nil, formatErr("a weights file, not a training checkpoint")
	}
	if len(t.AdamSteps) != len(f.models) || t.Step < 0 || t.Batch < 1 || !(t.LR > 0) {
		return nil, formatErr("checkpoint state: step %d, batch %d, lr %v, %d optimisers for %d models", t.Step, t.Batch, t.LR, len(t.AdamSteps), len(f.models))
	}
	ck := &Checkpoint{Models: f.models, Step: t.Step, Seed: t.Seed, Batch: t.Batch, LR: t.LR, rng: t.RNG}
	used := 0
	for i, m := range f.models {
		st := nn.AdamState{Steps: t.AdamSteps[i], M: [][][]float32{nil}, V: [][][]float32{nil}}
		for _, p := range m.Params() {
			mv, okm := f.extra[adamName(i, "m", p.Name)]
			vv, okv := f.extra[adamName(i, "v", p.Name)]
			if !okm || !okv || len(mv) != p.T.Len() || len(vv) != p.T.Len() {
				return nil, formatErr("checkpoint lacks the Adam moments of %s %s", m.Kind(), p.Name)
			}
			st.M[0] = append(st.M[0], mv)
			st.V[0] = append(st.V[0], vv)
			used += 2
		}
		ck.adam = append(ck.adam, st)
	}
	if used != len(f.extra) {
		return nil, formatErr("checkpoint holds %d unknown tensors", len(f.extra)-used)
	}
	if err := rand.NewPCG(0, 0).UnmarshalBinary(ck.rng); err != nil {
		return nil, formatErr("checkpoint random state: %v", err)
	}
	return ck, nil
}

func adamName(i int, which, param string) string {
	return fmt.Sprintf("adam%d.%s.%s", i, which, param)
}

// loop is the machinery TrainVAE and TrainGAN share: the sample order, the
// random source, the optimisers, checkpoints, resuming and progress.
type loop struct {
	opt    TrainOptions
	stage  string
	n      int
	models []Model
	adams  []*nn.Adam
	pcg    *rand.PCG
	rng    *rand.Rand
	start  int // the step this call started from
	began  time.Time
	epoch  int
	perm   []int
	recent []float64 // losses of the last steps, for progress
}

// newLoop prepares training of models (one Adam each, with the given
// first-moment decay) on n samples, restoring opt.Resume if set.
func newLoop(stage string, models []Model, beta1 float64, n int, opt TrainOptions) (*loop, error) {
	if err := opt.validate(n); err != nil {
		return nil, err
	}
	l := &loop{opt: opt, stage: stage, n: n, models: models, epoch: -1, began: time.Now()}
	l.pcg = rand.NewPCG(opt.Seed, 0x747261696e) // "train": a stream apart from the weights'
	l.rng = rand.New(l.pcg)
	for _, m := range models {
		SetTrainable(m, true)
		a := nn.NewAdam(nn.Group{Params: nn.Tensors(m.Params()), LR: opt.LR})
		a.Beta1 = beta1
		l.adams = append(l.adams, a)
	}
	if ck := opt.Resume; ck != nil {
		if err := l.restore(ck); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *loop) restore(ck *Checkpoint) error {
	o := l.opt
	if ck.Seed != o.Seed || ck.Batch != o.Batch || ck.LR != o.LR {
		return fmt.Errorf("generator: resuming a run with seed %d, batch %d, lr %v as seed %d, batch %d, lr %v: they must match",
			ck.Seed, ck.Batch, ck.LR, o.Seed, o.Batch, o.LR)
	}
	if ck.Step > o.Steps {
		return fmt.Errorf("generator: the checkpoint is at step %d, beyond the %d steps asked for", ck.Step, o.Steps)
	}
	if len(ck.Models) != len(l.models) {
		return fmt.Errorf("generator: the checkpoint holds %d models, this training %d", len(ck.Models), len(l.models))
	}
	for i, m := range l.models {
		if err := copyWeights(m, ck.Models[i]); err != nil {
			return err
		}
		if err := l.adams[i].SetState(ck.adam[i]); err != nil {
			return fmt.Errorf("generator: restoring the optimiser: %w", err)
		}
	}
	if err := l.pcg.UnmarshalBinary(ck.rng); err != nil {
		return fmt.Errorf("generator: restoring the random state: %w", err)
	}
	l.start = ck.Step
	return nil
}

// batch returns the sample indices of step s: position s mod E of epoch
// s / E (E = n / Batch steps per epoch), each epoch's order drawn from its
// own seeded source so that it does not depend on where a run resumed.
func (l *loop) batch(s int) []int {
	per := l.n / l.opt.Batch
	if e := s / per; e != l.epoch {
		l.epoch = e
		l.perm = rand.New(rand.NewPCG(l.opt.Seed, 0x65706f6368+uint64(e))).Perm(l.n)
	}
	k := s % per
	return l.perm[k*l.opt.Batch : (k+1)*l.opt.Batch]
}

// normal returns an r x c tensor of standard normal draws from the
// training stream.
func (l *loop) normal(r, c int) *tensor.Tensor {
	t := tensor.New(r, c)
	nn.Normal(l.rng, t, 0, 1)
	return t
}

// done records step s (0-based) with its loss and writes a scheduled
// checkpoint.
func (l *loop) done(s int, loss float64, msg string) error {
	if len(l.recent) == 50 {
		l.recent = l.recent[1:]
	}
	l.recent = append(l.recent, loss)
	progress.Send(l.opt.Recorder, progress.Event{Stage: l.stage, Iter: s + 1, Total: l.opt.Steps,
		Loss: l.meanRecent(), Elapsed: time.Since(l.began), Message: msg})
	if e := l.opt.CheckpointEvery; e > 0 && (s+1)%e == 0 && s+1 < l.opt.Steps {
		return l.save(s + 1)
	}
	return nil
}

func (l *loop) meanRecent() float64 {
	s := 0.0
	for _, v := range l.recent {
		s += v
	}
	return s / float64(max(len(l.recent), 1))
}

// stop ends the run at step reached: it writes the checkpoint and returns
// err (the context's error when cancelled), joined with any write error.
func (l *loop) stop(reached int, err error) error {
	if l.opt.Checkpoint != "" {
		if werr := l.save(reached); werr != nil {
			return errors.Join(err, werr)
		}
	}
	return err
}

// save writes the checkpoint of step reached atomically.
func (l *loop) save(reached int) error {
	if l.opt.Checkpoint == "" {
		return nil
	}
	rng, err := l.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("generator: saving the random state: %w", err)
	}
	h := fileHeader{Train: &trainHeader{Step: reached, Seed: l.opt.Seed, Batch: l.opt.Batch, LR: l.opt.LR, RNG: rng}}
	var data [][]float32
	for _, m := range l.models {
		mh, d, err := describe(m)
		if err != nil {
			return err
		}
		h.Models = append(h.Models, mh)
		data = append(data, d...)
	}
	for i, m := range l.models {
		st := l.adams[i].State()
		h.Train.AdamSteps = append(h.Train.AdamSteps, st.Steps)
		for _, which := range []string{"m", "v"} {
			mom := st.M[0]
			if which == "v" {
				mom = st.V[0]
			}
			for j, p := range m.Params() {
				h.Train.Tensors = append(h.Train.Tensors, tensorHeader{adamName(i, which, p.Name), p.T.Shape()})
				data = append(data, mom[j])
			}
		}
	}
	return atomicfile.Write(l.opt.Checkpoint, func(w io.Writer) error { return writeFile(w, h, data) })
}

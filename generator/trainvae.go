package generator

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/deblur/deblur/nn"
	"github.com/deblur/deblur/tensor"
)

// VAE is a variational autoencoder TrainVAE can train: KernelVAE or
// DigitVAE. Its decoder (Forward) is the prior.
type VAE interface {
	Model
	Generator
	// Encode maps inputs N x 1 x H x W to the posterior's mean and
	// log-variance, N x LatentDim each.
	Encode(tp *tensor.Tape, x *tensor.Tensor) (mean, logVar *tensor.Tensor)
	// reconLoss decodes z and returns the reconstruction term against x,
	// summed over each sample's pixels and averaged over the batch.
	reconLoss(tp *tensor.Tape, z, x *tensor.Tensor) *tensor.Tensor
}

// VAELosses are per-sample means of the VAE objective (the negative
// evidence lower bound, in nats for DigitVAE): Loss = Recon + KL.
type VAELosses struct {
	Loss  float64 `json:"loss"`
	Recon float64 `json:"recon"`
	KL    float64 `json:"kl"`
}

// VAEResult is the outcome of TrainVAE.
type VAEResult struct {
	Steps   int           // steps reached
	Elapsed time.Duration // wall time of this call
	// Train and HeldOut are EvalVAE on (up to evalMax samples of) the
	// training set and on the held-out set (zero without one).
	Train, HeldOut VAELosses
}

// evalMax bounds the training samples EvalVAE sees at the end of TrainVAE.
const evalMax = 10000

// TrainVAE trains m on data (N x 1 x H x W, the VAE's input size) with Adam
// (betas 0.9, 0.999), minimising per batch the mean over samples of
// reconstruction + KL(q(z|x) || N(0, I)), with z = mean + e * exp(logVar/2),
// e ~ N(0, I) (the reparameterisation). The reconstruction term is the
// binary cross-entropy of the logits for DigitVAE (data in [0, 1]) and a
// weighted squared error for KernelVAE (data scaled to a peak of 1, see
// PeakNormalize). heldOut (may be nil) is only evaluated, at the end.
//
// A cancelled ctx stops after the current step with ctx.Err(); the models
// keep the weights reached and, with opt.Checkpoint set, a checkpoint is
// written so the run can be resumed.
func TrainVAE(ctx context.Context, m VAE, data, heldOut *tensor.Tensor, opt TrainOptions) (VAEResult, error) {
	l, err := newLoop("train "+m.Kind(), []Model{m}, 0.9, data.Dim(0), opt)
	if err != nil {
		return VAEResult{}, err
	}
	shape := append([]int(nil), data.Shape()...)
	per := data.Len() / shape[0]
	shape[0] = opt.Batch
	x := tensor.New(shape...)
	tp := tensor.NewTape()
	tp.Threads = runtime.GOMAXPROCS(0)
	opt0 := l.adams[0]
	res := VAEResult{}
	for s := l.start; s < opt.Steps; s++ {
		if err := ctx.Err(); err != nil {
			res.Steps, res.Elapsed = s, time.Since(l.began)
			return res, l.stop(s, err)
		}
		for i, k := range l.batch(s) {
			copy(x.Data[i*per:(i+1)*per], data.Data[k*per:(k+1)*per])
		}
		tp.Reset()
		loss, recon, kl := vaeLoss(tp, m, x, l.normal(opt.Batch, m.LatentDim()))
		if math.IsNaN(float64(loss.Item())) {
			res.Steps, res.Elapsed = s, time.Since(l.began)
			return res, fmt.Errorf("generator: %s training diverged at step %d (loss NaN)", m.Kind(), s+1)
		}
		opt0.ZeroGrad()
		if err := tp.Backward(loss); err != nil {
			return res, err
		}
		opt0.Step(1)
		msg := fmt.Sprintf("last batch: recon %.4g KL %.4g", recon.Item(), kl.Item())
		if err := l.done(s, float64(loss.Item()), msg); err != nil {
			return res, err
		}
	}
	res.Steps, res.Elapsed = opt.Steps, time.Since(l.began)
	if err := l.stop(opt.Steps, nil); err != nil {
		return res, err
	}
	SetTrainable(m, false)
	evalSeed := opt.Seed + 1
	res.Train = EvalVAE(m, firstSamples(data, evalMax), evalSeed)
	if heldOut != nil {
		res.HeldOut = EvalVAE(m, heldOut, evalSeed)
	}
	return res, nil
}

// vaeLoss records the VAE objective of batch x with noise eps on tp.
func vaeLoss(tp *tensor.Tape, m VAE, x, eps *tensor.Tensor) (loss, recon, kl *tensor.Tensor) {
	mean, logVar := m.Encode(tp, x)
	z := tensor.Add(tp, mean, tensor.Mul(tp, eps, tensor.Exp(tp, tensor.Scale(tp, logVar, 0.5))))
	recon = m.reconLoss(tp, z, x)
	// KL(N(mean, var) || N(0, 1)) = 0.5 sum(mean^2 + var - 1 - logVar) per sample.
	terms := tensor.Sub(tp, tensor.Add(tp, tensor.Mul(tp, mean, mean), tensor.Exp(tp, logVar)), logVar)
	n := float32(x.Dim(0))
	kl = tensor.Scale(tp, tensor.AddScalar(tp, tensor.Sum(tp, terms), -float32(mean.Len())), 0.5/n)
	return tensor.Add(tp, recon, kl), recon, kl
}

// EvalVAE returns the mean per-sample objective of m on data (N x 1 x H x
// W, prepared as for training), with the reparameterisation noise drawn
// from seed, in batches of 500 without recording gradients.
func EvalVAE(m VAE, data *tensor.Tensor, seed uint64) VAELosses {
	rng := rand.New(rand.NewPCG(seed, 0x6576616c)) // "eval"
	n, per := data.Dim(0), data.Len()/max(data.Dim(0), 1)
	var sum VAELosses
	for lo := 0; lo < n; lo += 500 {
		hi := min(lo+500, n)
		shape := append([]int{hi - lo}, data.Shape()[1:]...)
		x := tensor.FromData(data.Data[lo*per:hi*per], shape...)
		eps := tensor.New(hi-lo, m.LatentDim())
		nn.Normal(rng, eps, 0, 1)
		loss, recon, kl := vaeLoss(nil, m, x, eps)
		w := float64(hi - lo)
		sum.Loss += w * float64(loss.Item())
		sum.Recon += w * float64(recon.Item())
		sum.KL += w * float64(kl.Item())
	}
	if n > 0 {
		sum.Loss /= float64(n)
		sum.Recon /= float64(n)
		sum.KL /= float64(n)
	}
	return sum
}

// Reconstruct encodes x and decodes the posterior means: the VAE's
// deterministic reconstruction of each sample.
func Reconstruct(m VAE, x *tensor.Tensor) *tensor.Tensor {
	mean, _ := m.Encode(nil, x)
	return m.Forward(nil, mean)
}

// firstSamples returns a view of the first k samples of data (all if
// fewer).
func firstSamples(data *tensor.Tensor, k int) *tensor.Tensor {
	n := data.Dim(0)
	if n <= k {
		return data
	}
	per := data.Len() / n
	shape := append([]int{k}, data.Shape()[1:]...)
	return tensor.FromData(data.Data[:k*per], shape...)
}

// PeakNormalize returns kernels (N x 1 x 28 x 28) each divided by its
// largest value, the scaling KernelVAE is trained on; an all-zero kernel
// stays zero.
func PeakNormalize(kernels *tensor.Tensor) *tensor.Tensor {
	out := kernels.Clone()
	n := out.Dim(0)
	per := out.Len() / max(n, 1)
	for i := range n {
		k := out.Data[i*per : (i+1)*per]
		peak := float32(0)
		for _, v := range k {
			peak = max(peak, v)
		}
		if peak > 0 {
			for j := range k {
				k[j] /= peak
			}
		}
	}
	return out
}

// Package bench measures deblurring methods the way the papers do: it loads
// the Levin et al. (CVPR 2009) and Lai et al. (CVPR 2016) benchmarks, and
// synthesises the MNIST benchmark of the deep-generative-priors method
// (held-out digits, held-out synthetic kernels, circular blur), as cases
// with their ground truth, runs a method over them, scores every result
// with the dataset's protocol (docs/results.md, "Protocol"; or the circular-shift
// protocol of MNIST; package metrics), and writes per-case outputs,
// results.csv, results.json and a Markdown summary that sets the measured
// rows next to the published ones. Sweeps run methods over one dataset per
// level of a parameter (noise level, blur length).
//
// Runs resume: a case whose result file exists is not run again. Progress
// goes to a progress.Recorder; the package never prints.
package bench

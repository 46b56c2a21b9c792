// Package bench measures deblurring methods the way the papers do: it loads
// the Levin et al. (CVPR 2009) and Lai et al. (CVPR 2016) benchmarks as
// cases with their ground truth, runs a method over them, scores every
// result with the protocol of docs/evaluation.md (package metrics), and
// writes per-case outputs, results.csv, results.json and a Markdown summary
// that sets the measured rows next to the published ones.
//
// Runs resume: a case whose result file exists is not run again. Progress
// goes to a report.Recorder; the package never prints.
package bench

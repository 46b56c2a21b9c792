// Command deblur recovers the blur kernel and the sharp image from one blurry
// photograph (blind deconvolution), and measures the result.
//
// Run "deblur -h" for the commands and "deblur COMMAND -h" for their flags.
package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/deblur/deblur"
)

// version is the release of this build: the library's, unless
// -ldflags "-X main.version=..." sets another.
var version = deblur.Version

// command is one subcommand: it parses args (without the command name) and
// runs. Errors wrapped as usageError exit with status 2, others with 1.
type command struct {
	summary string
	run     func(env *cliEnv, args []string) error
}

// cliEnv carries the process's streams so commands can be tested in-process.
type cliEnv struct {
	stdout, stderr io.Writer
	stdinIsTTY     bool
	stderrIsTTY    bool
}

// usageError marks a mistake in how the command was called (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

func commands() map[string]command {
	return map[string]command{
		"version": {"print the version and the GEMM backend", runVersion},
		"run":     {"deblur an image (the default command)", runDeblur},
		"deconv":  {"remove a known blur (non-blind deconvolution with a given kernel)", runDeconv},
		"chart":   {"draw a PNG chart (y against x per label) from a CSV table, e.g. PSNR against seconds", runChart},
		"batch":   {"deblur many images: folders, patterns, shards for array jobs; resumable", runBatch},
		"bench":   {"run methods over a benchmark (levin, lai, mnist, shoes) and compare with the papers", runBench},
		"score":   {"score an estimate against the sharp image (PSNR, SSIM, kernel error) as JSON", runScore},
		"serve":   {"serve the local web app: upload a photo, watch the kernel appear", runServe},
		"synth":   {"synthesise data: camera-shake kernels for training, or a large blurry photo", runSynth},
		"train":   {"train a generator of the deep generative priors method (kernel-vae, digit-vae, dcgan)", runTrain},
	}
}

func main() {
	env := &cliEnv{stdout: os.Stdout, stderr: os.Stderr, stderrIsTTY: isTerminal(os.Stderr)}
	os.Exit(mainWithArgs(env, os.Args[1:]))
}

// mainWithArgs runs the command line and returns the process exit status.
func mainWithArgs(env *cliEnv, args []string) int {
	err := dispatch(env, args)
	if err == nil {
		return 0
	}
	// Library errors name their package; the program's name says it once.
	fmt.Fprintln(env.stderr, "deblur:", strings.TrimPrefix(err.Error(), "deblur: "))
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func dispatch(env *cliEnv, args []string) error {
	cmds := commands()
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			printUsage(env.stdout, cmds)
			fmt.Fprintln(env.stdout, "\nFlags of the default command (deblur [flags] IN):")
			fs := newRunFlagSet(env, &runFlags{})
			fs.SetOutput(env.stdout)
			fs.PrintDefaults()
			return nil
		}
		if c, ok := cmds[args[0]]; ok {
			return c.run(env, args[1:])
		}
	}
	if run, ok := cmds["run"]; ok {
		return run.run(env, args)
	}
	printUsage(env.stderr, cmds)
	return usagef("no command given")
}

func printUsage(w io.Writer, cmds map[string]command) {
	fmt.Fprintf(w, "deblur %s: blind deconvolution of blurry photographs\n\n", version)
	fmt.Fprintln(w, "Usage: deblur [run flags] IN.png      deblur the image (the default command)")
	fmt.Fprintln(w, "       deblur COMMAND [flags] ARGS...")
	fmt.Fprintln(w, "\nCommands:")
	for _, name := range slices.Sorted(maps.Keys(cmds)) {
		fmt.Fprintf(w, "  %-8s %s\n", name, cmds[name].summary)
	}
	fmt.Fprintln(w, "\nRun \"deblur COMMAND -h\" for the flags of a command.")
}

// Package pretrained holds the generator weights shipped with deblur,
// embedded in the binary: a kernel VAE trained on synthetic camera-shake
// kernels, a digit VAE trained on MNIST and a DCGAN of shoes trained on
// Fashion-MNIST (README.md in this folder says how each was trained). Only programs that import this package carry the
// weights; the deblur pipeline itself does not.
package pretrained

import (
	"bytes"
	_ "embed"
	"fmt"

	"github.com/deblur/deblur/generator"
)

// The shipped weights, trained by the commands in README.md.
var (
	//go:embed kernel-vae.dbw
	kernelVAEFile []byte
	//go:embed digit-vae.dbw
	digitVAEFile []byte
	//go:embed shoe-dcgan.dbw
	shoeDCGANFile []byte
)

// KernelVAE returns the shipped kernel VAE (generator.DefaultKernelVAE,
// trained on 60,000 synthetic motion kernels). Each call returns a fresh,
// frozen copy; decode with Forward and divide each kernel by its sum.
func KernelVAE() (*generator.KernelVAE, error) {
	return load[*generator.KernelVAE](kernelVAEFile, "kernel VAE")
}

// DigitVAE returns the shipped digit VAE (generator.DefaultDigitVAE, trained
// on the first 9,000 of the 10,000 MNIST digits). Each call returns a
// fresh, frozen copy.
func DigitVAE() (*generator.DigitVAE, error) {
	return load[*generator.DigitVAE](digitVAEFile, "digit VAE")
}

// ShoeDCGAN returns the shipped DCGAN of 32x32 gray shoes (trained on the
// 18,000 sandals, sneakers and ankle boots of Fashion-MNIST's training
// split). Each call returns a fresh, frozen copy.
func ShoeDCGAN() (*generator.DCGAN, error) {
	return load[*generator.DCGAN](shoeDCGANFile, "shoe DCGAN")
}

// load parses one of the shipped files, which must hold a model of type T.
func load[T generator.Model](data []byte, what string) (T, error) {
	var zero T
	m, err := generator.Load(bytes.NewReader(data))
	if err != nil {
		return zero, fmt.Errorf("pretrained: the shipped %s: %w", what, err)
	}
	t, ok := m.(T)
	if !ok {
		return zero, fmt.Errorf("pretrained: the shipped %s file holds a %s", what, m.Kind())
	}
	return t, nil
}

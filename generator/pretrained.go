package generator

import (
	"bytes"
	_ "embed"
	"fmt"
)

// The shipped weights, trained by the commands in pretrained/README.md.
var (
	//go:embed pretrained/kernel-vae.dbw
	kernelVAEFile []byte
	//go:embed pretrained/digit-vae.dbw
	digitVAEFile []byte
)

// PretrainedKernelVAE returns the shipped kernel VAE (DefaultKernelVAE,
// trained on 60,000 synthetic motion kernels; pretrained/README.md). Each
// call returns a fresh, frozen copy; decode with Forward and divide each
// kernel by its sum.
func PretrainedKernelVAE() (*KernelVAE, error) {
	m, err := loadPretrained(kernelVAEFile, "kernel VAE")
	if err != nil {
		return nil, err
	}
	k, ok := m.(*KernelVAE)
	if !ok {
		return nil, fmt.Errorf("generator: the shipped kernel VAE file holds a %s", m.Kind())
	}
	return k, nil
}

// PretrainedDigitVAE returns the shipped digit VAE (DefaultDigitVAE,
// trained on the first 9,000 of the 10,000 MNIST digits;
// pretrained/README.md). Each call returns a fresh, frozen copy.
func PretrainedDigitVAE() (*DigitVAE, error) {
	m, err := loadPretrained(digitVAEFile, "digit VAE")
	if err != nil {
		return nil, err
	}
	d, ok := m.(*DigitVAE)
	if !ok {
		return nil, fmt.Errorf("generator: the shipped digit VAE file holds a %s", m.Kind())
	}
	return d, nil
}

func loadPretrained(data []byte, what string) (Model, error) {
	m, err := Load(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("generator: the shipped %s: %w", what, err)
	}
	return m, nil
}

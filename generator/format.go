package generator

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"

	"github.com/deblur/deblur/nn"
)

// The weight file format (extension .dbw), version 1. All integers are
// little-endian.
//
//	offset 0   4 bytes   magic "DBW\x00"
//	offset 4   uint32    format version (1)
//	offset 8   uint32    header length H (at most 1 MiB)
//	offset 12  H bytes   header: UTF-8 JSON, see below
//	then                 the values of every tensor listed in the header,
//	                     in header order, each row-major, as float32
//	then       uint32    CRC-32 (IEEE) of every preceding byte
//
// Nothing may follow the checksum. The header is
//
//	{"models": [{"kind": "kernel-vae",
//	             "config": {"latent": 50, "filters": 20},
//	             "tensors": [{"name": "enc.conv1.weight", "shape": [20, 1, 2, 2]}, ...]}],
//	 "train": {...}}
//
// A weights file holds one model; its tensors are the model's parameters
// (Model.Params) followed by its buffers (batch-norm running statistics),
// with exactly the names and shapes the kind and config imply. A training
// checkpoint holds the trained models (a VAE, or a DCGAN generator and its
// discriminator) plus "train": the step reached, the seed, batch size and
// learning rate, the random generator's state (base64) and Adam's step
// counts, with the Adam moments as further tensors named "adam<i>.m.<param>"
// and "adam<i>.v.<param>" (i: which optimiser). Load reads either and
// returns the first model.
const (
	magic         = "DBW\x00"
	formatVersion = 1
	maxHeader     = 1 << 20
	// maxWidth bounds every size in a config, and maxValues the number of
	// values a file may hold (1 GiB), so a corrupt header cannot make a
	// reader allocate without limit.
	maxWidth  = 1024
	maxValues = 1 << 28
)

type fileHeader struct {
	Models []modelHeader `json:"models"`
	Train  *trainHeader  `json:"train,omitempty"`
}

type modelHeader struct {
	Kind    string          `json:"kind"`
	Config  json.RawMessage `json:"config"`
	Tensors []tensorHeader  `json:"tensors"`
}

type tensorHeader struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

// trainHeader is the training state of a checkpoint (see TrainOptions).
type trainHeader struct {
	Step      int            `json:"step"`
	Seed      uint64         `json:"seed"`
	Batch     int            `json:"batch"`
	LR        float64        `json:"lr"`
	RNG       []byte         `json:"rng"`
	AdamSteps []int          `json:"adam_steps"`
	Tensors   []tensorHeader `json:"tensors"`
}

// Save writes m's weights to w in the format above.
func Save(w io.Writer, m Model) error {
	mh, data, err := describe(m)
	if err != nil {
		return err
	}
	return writeFile(w, fileHeader{Models: []modelHeader{mh}}, data)
}

// describe returns m's header entry and its tensors' values.
func describe(m Model) (modelHeader, [][]float32, error) {
	cfg, err := json.Marshal(m.config())
	if err != nil {
		return modelHeader{}, nil, fmt.Errorf("generator: encoding the %s config: %w", m.Kind(), err)
	}
	mh := modelHeader{Kind: m.Kind(), Config: cfg}
	var data [][]float32
	for _, p := range savedTensors(m) {
		mh.Tensors = append(mh.Tensors, tensorHeader{p.Name, p.T.Shape()})
		data = append(data, p.T.Data)
	}
	return mh, data, nil
}

func writeFile(w io.Writer, h fileHeader, data [][]float32) error {
	js, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("generator: encoding the header: %w", err)
	}
	if len(js) > maxHeader {
		return fmt.Errorf("generator: header of %d bytes exceeds %d", len(js), maxHeader)
	}
	crc := crc32.NewIEEE()
	bw := bufio.NewWriter(io.MultiWriter(w, crc))
	bw.WriteString(magic)
	var buf [4]byte
	for _, v := range []uint32{formatVersion, uint32(len(js))} {
		binary.LittleEndian.PutUint32(buf[:], v)
		bw.Write(buf[:])
	}
	bw.Write(js)
	for _, d := range data {
		for _, v := range d {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			bw.Write(buf[:])
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("generator: writing weights: %w", err)
	}
	binary.LittleEndian.PutUint32(buf[:], crc.Sum32())
	if _, err := w.Write(buf[:]); err != nil {
		return fmt.Errorf("generator: writing weights: %w", err)
	}
	return nil
}

// ErrFormat is wrapped by every error about a malformed weight file.
var ErrFormat = errors.New("not a valid deblur weight file")

func formatErr(format string, a ...any) error {
	return fmt.Errorf("generator: %w: %s", ErrFormat, fmt.Sprintf(format, a...))
}

// Load reads a weights file (or a checkpoint) written by Save and returns
// its model (a checkpoint's first one: the VAE or the DCGAN generator) with
// frozen parameters (see SetTrainable). A truncated, corrupt or unknown
// file gives an error wrapping ErrFormat; Load never panics on bad input.
func Load(r io.Reader) (Model, error) {
	f, err := readFile(r)
	if err != nil {
		return nil, err
	}
	return f.models[0], nil
}

// loadedFile is a parsed weight file.
type loadedFile struct {
	models []Model
	train  *trainHeader
	extra  map[string][]float32 // the train tensors by name
}

func readFile(r io.Reader) (*loadedFile, error) {
	crc := crc32.NewIEEE()
	cr := &countingReader{r: bufio.NewReader(r), h: crc}
	var pre [12]byte
	if err := cr.full(pre[:], "the file header"); err != nil {
		return nil, err
	}
	if string(pre[:4]) != magic {
		return nil, formatErr("wrong magic %q", pre[:4])
	}
	if v := binary.LittleEndian.Uint32(pre[4:]); v != formatVersion {
		return nil, formatErr("format version %d, this build reads %d", v, formatVersion)
	}
	n := binary.LittleEndian.Uint32(pre[8:])
	if n > maxHeader {
		return nil, formatErr("header length %d exceeds %d", n, maxHeader)
	}
	js := make([]byte, n)
	if err := cr.full(js, "the JSON header"); err != nil {
		return nil, err
	}
	var h fileHeader
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, formatErr("header: %v", err)
	}
	if len(h.Models) == 0 {
		return nil, formatErr("no model in the header")
	}
	f := &loadedFile{train: h.Train, extra: map[string][]float32{}}
	for i, mh := range h.Models {
		m, err := buildModel(mh)
		if err != nil {
			return nil, fmt.Errorf("model %d: %w", i, err)
		}
		for _, p := range savedTensors(m) {
			if err := cr.floats(p.T.Data, p.Name); err != nil {
				return nil, err
			}
		}
		SetTrainable(m, false)
		f.models = append(f.models, m)
	}
	if h.Train != nil {
		if err := checkShapes(h.Train.Tensors); err != nil {
			return nil, err
		}
		for _, t := range h.Train.Tensors {
			if _, dup := f.extra[t.Name]; dup {
				return nil, formatErr("tensor %q twice", t.Name)
			}
			d := make([]float32, shapeLen(t.Shape))
			if err := cr.floats(d, t.Name); err != nil {
				return nil, err
			}
			f.extra[t.Name] = d
		}
	}
	sum := crc.Sum32()
	var tail [4]byte
	if err := cr.full(tail[:], "the checksum"); err != nil {
		return nil, err
	}
	if got := binary.LittleEndian.Uint32(tail[:]); got != sum {
		return nil, formatErr("checksum %08x, data gives %08x (corrupt file)", got, sum)
	}
	if _, err := cr.r.ReadByte(); err != io.EOF {
		return nil, formatErr("data after the checksum")
	}
	return f, nil
}

// buildModel makes a zero model of the header's kind and config and checks
// that the header lists exactly its tensors.
func buildModel(mh modelHeader) (Model, error) {
	if err := checkShapes(mh.Tensors); err != nil {
		return nil, err
	}
	rng := nn.NewRand(0) // the values are overwritten by the file's
	var m Model
	var err error
	switch mh.Kind {
	case "kernel-vae":
		var c KernelVAEConfig
		if err = decodeConfig(mh.Config, &c); err == nil {
			m, err = NewKernelVAE(c, rng)
		}
	case "digit-vae":
		var c DigitVAEConfig
		if err = decodeConfig(mh.Config, &c); err == nil {
			m, err = NewDigitVAE(c, rng)
		}
	case "dcgan", "dcgan-discriminator":
		var c DCGANConfig
		if err = decodeConfig(mh.Config, &c); err == nil && mh.Kind == "dcgan" {
			m, err = NewDCGAN(c, rng)
		} else if err == nil {
			m, err = NewDiscriminator(c, rng)
		}
	default:
		return nil, formatErr("unknown model kind %q", mh.Kind)
	}
	if err != nil {
		return nil, formatErr("%s config: %v", mh.Kind, err)
	}
	want := savedTensors(m)
	if len(want) != len(mh.Tensors) {
		return nil, formatErr("%s lists %d tensors, the architecture has %d", mh.Kind, len(mh.Tensors), len(want))
	}
	for i, p := range want {
		if t := mh.Tensors[i]; t.Name != p.Name || !equalShape(t.Shape, p.T.Shape()) {
			return nil, formatErr("%s tensor %d is %q %v, want %q %v", mh.Kind, i, t.Name, t.Shape, p.Name, p.T.Shape())
		}
	}
	return m, nil
}

func decodeConfig(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// checkShapes bounds the total size the tensors of a header announce.
func checkShapes(ts []tensorHeader) error {
	total := 0
	for _, t := range ts {
		n := 1
		for _, d := range t.Shape {
			if d < 0 || d > maxValues {
				return formatErr("tensor %q has shape %v", t.Name, t.Shape)
			}
			n *= d
			if n > maxValues {
				return formatErr("tensor %q of shape %v is too large", t.Name, t.Shape)
			}
		}
		if total += n; total > maxValues {
			return formatErr("more than %d values", maxValues)
		}
	}
	return nil
}

func shapeLen(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// countingReader reads exact amounts, feeding everything to a hash.
type countingReader struct {
	r *bufio.Reader
	h hash.Hash32
}

func (c *countingReader) full(b []byte, what string) error {
	if _, err := io.ReadFull(c.r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return formatErr("truncated in %s", what)
		}
		return fmt.Errorf("generator: reading weights: %w", err)
	}
	c.h.Write(b)
	return nil
}

// floats reads len(dst) float32 values and rejects NaN and infinities.
func (c *countingReader) floats(dst []float32, name string) error {
	var buf [4096]byte
	for len(dst) > 0 {
		k := min(len(dst), len(buf)/4)
		if err := c.full(buf[:4*k], "tensor "+name); err != nil {
			return err
		}
		for i := range k {
			v := math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return formatErr("tensor %s holds %v", name, v)
			}
			dst[i] = v
		}
		dst = dst[k:]
	}
	return nil
}

// copyWeights copies src's saved tensors into dst, which must be of the
// same kind and config.
func copyWeights(dst, src Model) error {
	if dst.Kind() != src.Kind() || !sameConfig(dst, src) {
		return fmt.Errorf("generator: cannot copy %s %+v weights into %s %+v", src.Kind(), src.config(), dst.Kind(), dst.config())
	}
	a, b := savedTensors(dst), savedTensors(src)
	for i := range a {
		copy(a[i].T.Data, b[i].T.Data)
	}
	return nil
}

func sameConfig(a, b Model) bool {
	ja, _ := json.Marshal(a.config())
	jb, _ := json.Marshal(b.config())
	return bytes.Equal(ja, jb)
}

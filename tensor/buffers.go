package tensor

// buffers recycles a tape's scratch slices of one element type: those
// handed out since the last reset, and the free ones by length.
type buffers[T any] struct {
	held [][]T
	free map[int][][]T
}

// get returns a slice of n values with unspecified contents.
func (b *buffers[T]) get(n int) []T {
	var s []T
	if list := b.free[n]; len(list) > 0 {
		s = list[len(list)-1]
		b.free[n] = list[:len(list)-1]
	} else {
		s = make([]T, n)
	}
	b.held = append(b.held, s)
	return s
}

// release takes back a slice from get before the next reset, so that a
// later get of the same length reuses it.
func (b *buffers[T]) release(s []T) {
	if len(s) == 0 {
		return
	}
	for i := len(b.held) - 1; i >= 0; i-- {
		if len(b.held[i]) == len(s) && &b.held[i][0] == &s[0] {
			b.held[i] = b.held[len(b.held)-1]
			b.held = b.held[:len(b.held)-1]
			b.put(s)
			return
		}
	}
}

// reset takes back every slice handed out.
func (b *buffers[T]) reset() {
	for _, s := range b.held {
		b.put(s)
	}
	clear(b.held)
	b.held = b.held[:0]
}

func (b *buffers[T]) put(s []T) {
	if b.free == nil {
		b.free = map[int][][]T{}
	}
	b.free[len(s)] = append(b.free[len(s)], s)
}

// float64s returns a scratch buffer of n float64 values with unspecified
// contents, recycled at Reset like alloc's.
func (tp *Tape) float64s(n int) []float64 {
	if tp == nil {
		return make([]float64, n)
	}
	return tp.f64.get(n)
}

// complexes returns a scratch buffer of n complex128 values with
// unspecified contents, recycled at Reset like alloc's.
func (tp *Tape) complexes(n int) []complex128 {
	if tp == nil {
		return make([]complex128, n)
	}
	return tp.c128.get(n)
}

package kernel

// AutoSize is the kernel frame used when no size is given for a w x h
// estimation region: an odd size of about 12 % of the shorter side,
// between 15 and 75, and never more than a quarter of it. Blind fits
// tolerate a frame larger than the blur (the surplus gets near-zero weight,
// and Trim removes it before a non-blind step), but converge less reliably
// in a generous frame, hence AutoFrames.
func AutoSize(w, h int) int {
	k := int(0.12*float64(min(w, h)) + 0.5)
	k = min(max(k, 15), 75)
	if k%2 == 0 {
		k++
	}
	// Never larger than a quarter of the region, so the problem stays
	// well posed on small images.
	for k > 3 && 4*k > min(w, h) {
		k -= 2
	}
	return k
}

// AutoFrames returns the kernel frames of n fits (restarts) of an unknown
// kernel size, k being the generous frame from AutoSize: alternately k and
// about 0.6 k (odd, at least 3), so that a blur well inside the frame is
// also fitted in a tighter one, which converges more reliably. It returns
// nil for fewer than two fits or a k too small to have a tighter odd size.
func AutoFrames(k, n int) []int {
	small := int(0.6*float64(k)) | 1
	if n < 2 || small < 3 || small >= k {
		return nil
	}
	return alternate(k, small, n)
}

// GivenFrames returns the kernel frames of n fits of a blur known to fit in
// k x k, on a w x h estimation region: alternately the generous AutoSize(w,
// h) and k itself, so that one fit of each pair has the room that helps
// blind fits converge (a kernel well inside its frame) and the other the
// tightest frame. It returns nil, meaning every fit in the k frame, for
// fewer than two fits or when the generous frame is no larger than k.
func GivenFrames(k, w, h, n int) []int {
	big := AutoSize(w, h)
	if n < 2 || big <= k {
		return nil
	}
	return alternate(big, k, n)
}

// alternate returns n sizes: a, b, a, b, ...
func alternate(a, b, n int) []int {
	sizes := make([]int, n)
	for i := range sizes {
		sizes[i] = a
		if i%2 == 1 {
			sizes[i] = b
		}
	}
	return sizes
}

package tensor

import (
	"fmt"

	"github.com/deblur/deblur/internal/blas"
)

// MatMul returns op(a) x op(b) for 2-D a and b, where op transposes its
// argument when the matching flag is set: op(a) is M x K (a is M x K, or
// K x M with transA), op(b) is K x N (b is K x N, or N x K with transB),
// and the result is M x N. Without flags this is torch.mm(a, b); with
// transB it is torch.mm(a, b.t()), and so on.
func MatMul(tp *Tape, a, b *Tensor, transA, transB bool) *Tensor {
	if len(a.shape) != 2 || len(b.shape) != 2 {
		panic(fmt.Sprintf("tensor: MatMul needs 2-D tensors, got %v and %v", a.shape, b.shape))
	}
	m, k, kb, n := matDims(a.shape[0], a.shape[1], b.shape[0], b.shape[1], transA, transB)
	if k != kb {
		panic(fmt.Sprintf("tensor: MatMul of %v (trans %v) and %v (trans %v): inner sizes %d and %d", a.shape, transA, b.shape, transB, k, kb))
	}
	return batchedMatMul(tp, a, b, transA, transB, []int{m, n}, 1, m, n, k)
}

// BatchedMatMul is MatMul on each of B pairs of matrices, like
// torch.bmm(op(a), op(b)): a is B x M x K (B x K x M with transA), b is
// B x K x N (B x N x K with transB), and the result is B x M x N.
func BatchedMatMul(tp *Tape, a, b *Tensor, transA, transB bool) *Tensor {
	if len(a.shape) != 3 || len(b.shape) != 3 || a.shape[0] != b.shape[0] {
		panic(fmt.Sprintf("tensor: BatchedMatMul needs 3-D tensors with the same batch size, got %v and %v", a.shape, b.shape))
	}
	m, k, kb, n := matDims(a.shape[1], a.shape[2], b.shape[1], b.shape[2], transA, transB)
	if k != kb {
		panic(fmt.Sprintf("tensor: BatchedMatMul of %v (trans %v) and %v (trans %v): inner sizes %d and %d", a.shape, transA, b.shape, transB, k, kb))
	}
	batch := a.shape[0]
	return batchedMatMul(tp, a, b, transA, transB, []int{batch, m, n}, batch, m, n, k)
}

// matDims returns M, K of op(a) and K, N of op(b) from the stored shapes.
func matDims(ar, ac, br, bc int, transA, transB bool) (m, k, kb, n int) {
	m, k = ar, ac
	if transA {
		m, k = ac, ar
	}
	kb, n = br, bc
	if transB {
		kb, n = bc, br
	}
	return m, k, kb, n
}

func batchedMatMul(tp *Tape, a, b *Tensor, ta, tb bool, shape []int, batch, m, n, k int) *Tensor {
	out := tp.result(shape, a, b)
	lda, ldb := k, n
	if ta {
		lda = m
	}
	if tb {
		ldb = k
	}
	sa, sb, sc := m*k, k*n, m*n
	for s := 0; s < batch; s++ {
		blas.Gemm(tp.threads(), ta, tb, m, n, k, 1, a.Data[s*sa:(s+1)*sa], lda, b.Data[s*sb:(s+1)*sb], ldb,
			0, out.Data[s*sc:(s+1)*sc], n)
	}
	tp.record(out, func() {
		ga, gb := tp.grad(a), tp.grad(b)
		for s := 0; s < batch; s++ {
			as, bs, dc := a.Data[s*sa:(s+1)*sa], b.Data[s*sb:(s+1)*sb], out.Grad[s*sc:(s+1)*sc]
			if ga != nil {
				g := ga[s*sa : (s+1)*sa]
				if !ta { // dA = dC op(B)^T
					blas.Gemm(tp.threads(), false, !tb, m, k, n, 1, dc, n, bs, ldb, 1, g, k)
				} else { // dA (K x M) = op(B) dC^T
					blas.Gemm(tp.threads(), tb, true, k, m, n, 1, bs, ldb, dc, n, 1, g, m)
				}
			}
			if gb != nil {
				g := gb[s*sb : (s+1)*sb]
				if !tb { // dB = op(A)^T dC
					blas.Gemm(tp.threads(), !ta, false, k, n, m, 1, as, lda, dc, n, 1, g, n)
				} else { // dB (N x K) = dC^T op(A)
					blas.Gemm(tp.threads(), true, ta, n, k, m, 1, dc, n, as, lda, 1, g, k)
				}
			}
		}
	})
	return out
}

// Linear is PyTorch's nn.functional.linear: x is N x In, w is Out x In
// (PyTorch's weight layout), b has Out values or is nil; the result is the
// N x Out matrix x w^T + b (b added to every row).
func Linear(tp *Tape, x, w, b *Tensor) *Tensor {
	if len(x.shape) != 2 || len(w.shape) != 2 || x.shape[1] != w.shape[1] {
		panic(fmt.Sprintf("tensor: Linear of input %v with weight %v (want N x In and Out x In)", x.shape, w.shape))
	}
	n, in, o := x.shape[0], x.shape[1], w.shape[0]
	if b != nil && b.Len() != o {
		panic(fmt.Sprintf("tensor: Linear bias has %d values for %d outputs", b.Len(), o))
	}
	out := tp.result([]int{n, o}, x, w, b)
	blas.Gemm(tp.threads(), false, true, n, o, in, 1, x.Data, in, w.Data, in, 0, out.Data, o)
	if b != nil {
		for r := 0; r < n; r++ {
			row := out.Data[r*o : (r+1)*o]
			for j, v := range b.Data[:len(row)] {
				row[j] += v
			}
		}
	}
	tp.record(out, func() {
		gx, gw, gb := tp.grad(x), tp.grad(w), tp.grad(b)
		dy := out.Grad
		if gx != nil { // dX = dY W
			blas.Gemm(tp.threads(), false, false, n, in, o, 1, dy, o, w.Data, in, 1, gx, in)
		}
		if gw != nil { // dW = dY^T X
			blas.Gemm(tp.threads(), true, false, o, in, n, 1, dy, o, x.Data, in, 1, gw, in)
		}
		if gb != nil {
			for r := 0; r < n; r++ {
				for j, v := range dy[r*o : (r+1)*o] {
					gb[j] += v
				}
			}
		}
	})
	return out
}

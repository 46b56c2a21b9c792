// Package deconv implements non-blind deconvolution: given a blurry plane y
// (values in [0, 1]) and the convolution kernel k (non-negative, summing to
// 1, oriented as blur.Convolve expects, so y ~ blur.Convolve(x, k, blur.Same)),
// it estimates the sharp plane x.
//
// Methods:
//
//   - Wiener: regularised least squares with a quadratic (Tikhonov) prior on
//     the image gradients.
//   - HyperLaplacian: Krishnan & Fergus (NIPS 2009), a hyper-Laplacian prior
//     |grad x|^alpha (alpha 2/3 or 1/2) by half-quadratic splitting.
//   - IRLS: Levin et al. (SIGGRAPH 2007) sparse prior |d x|^0.8 over first
//     and second derivatives, by iteratively reweighted least squares with
//     conjugate gradients.
//   - Saturated: in the spirit of Whyte et al. (IJCV 2014): pixels at or near
//     clipping get zero weight in the data term, then a sparse-prior solve.
//
// Boundaries. By default every method solves the exact 'valid' model: the
// unknown image is larger than y by the kernel size minus one, y is the valid
// part of its convolution with k, and nothing is assumed about the scene
// outside the frame. This is implemented on a periodic FFT grid that is
// larger than the extended image; a data-term weight that is zero outside the
// observed pixels makes the periodic wrap-around harmless, and the linear
// systems are solved by conjugate gradients whose matrix-vector products use
// FFTs, preconditioned by the periodic (unmasked) system, which is exact away
// from the boundary so a few iterations suffice. BoundaryReflect instead
// mirrors y and assumes periodicity (faster, but rings at the borders). Every
// method returns the centre crop of the estimate, the size of y, clamped to
// [0, 1].
//
// All functions take a context and return its error, wrapped, when it is
// cancelled. They use up to GOMAXPROCS goroutines.
package deconv

// Package deconv implements non-blind deconvolution: given a blurry plane y
// (values in [0, 1]) and the convolution kernel k (non-negative, summing to
// 1, oriented as blur.Convolve expects, so y ~ blur.Convolve(x, k, blur.Same)),
// it estimates the sharp plane x.
//
// Methods are values that implement Deconvolver; the zero value of each is
// the method with its default settings, and Lookup finds the named
// variants the command line offers:
//
//   - Wiener: regularised least squares with a quadratic (Tikhonov) prior on
//     the image gradients.
//   - HyperLaplacian: Krishnan & Fergus (NIPS 2009), a hyper-Laplacian prior
//     |grad x|^alpha (alpha 2/3 or 1/2) by half-quadratic splitting. The
//     named methods "hl-fast" (fewer conjugate-gradient iterations),
//     "hl-fill" (boundary filling, FFT solves only) and "hl-smooth"
//     (BoundarySmooth) trade accuracy for speed on large images; ForSize and
//     Auto pick by image size.
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
// systems are solved by conjugate gradients preconditioned by the periodic
// (unmasked) system, which is exact away from the boundary so a few
// iterations suffice. The iterations run in the frequency domain, where all
// but the data weight are diagonal, so each costs two FFTs (four for IRLS).
// BoundaryReflect instead mirrors y and assumes periodicity (one FFT solve,
// but rings at the borders); BoundarySmooth extends y by smooth ramps
// between opposite edges and solves the periodic model on that (as cheap,
// far less ringing, still less accurate near the borders than the valid
// model). Every method returns the centre crop of the estimate, the size of
// y, clamped to [0, 1].
//
// Inputs: y must be at least as large as k; k must have finite,
// non-negative taps summing to 1 within 1e-3. Invalid inputs give errors.
//
// All functions take a context and return its error, wrapped, when it is
// cancelled. They use up to GOMAXPROCS goroutines.
package deconv

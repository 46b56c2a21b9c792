// The C side of the oneDNN convolution: a plan holds the three primitives
// of one convolution shape (forward, backward data, backward weights) and
// the reorders between the caller's plain NCHW / OIHW arrays and the blocked
// layouts the primitives chose. A plan owns no data buffers: every call
// gets the caller's arrays, one scratch buffer, and a keep buffer in which
// the forward pass leaves the reordered input and weights for the backward
// pass of the same call site, so the caller owns all memory.
#include <stddef.h>
#include <oneapi/dnnl/dnnl.h>

typedef struct {
	dnnl_memory_desc_t md;   // the layout a primitive wants
	dnnl_primitive_t in;     // user -> md reorder, NULL when the layouts match
	dnnl_primitive_t out;    // md -> user reorder, NULL when the layouts match
	size_t off, size;        // its place in the scratch or keep buffer (size 0: none)
	int kept;                // in the keep buffer, filled by the forward pass
} dconv_operand;

typedef struct {
	dnnl_engine_t eng;
	dnnl_stream_t st, st2; // st2: the weight gradient's, beside the input gradient's
	int has_bias, threads, data_threads;
	dnnl_memory_desc_t u_src, u_w, u_b, u_dst;
	dnnl_primitive_t fwd, bwd_data, bwd_w;
	dconv_operand f_src, f_w, f_dst, f_pad;        // forward; f_pad: its scratchpad
	dconv_operand d_dsrc, d_w, d_ddst, d_pad;      // backward data
	dconv_operand w_src, w_dw, w_ddst, w_pad;      // backward weights
	size_t scratch;                                 // bytes of scratch per call
	size_t keep;                                    // bytes kept from forward to backward
} dconv;

int dconv_new(dconv **out, int n, int cin, int h, int w, int cout, int kh, int kw,
              int stride, int pad, int has_bias, int bf16, int threads);
void dconv_free(dconv *c);
int dconv_forward(dconv *c, float *x, float *w, float *b, float *y, char *scratch, char *keep);
int dconv_backward_data(dconv *c, float *w, float *dy, float *dx, char *scratch, char *keep);
int dconv_backward_weights(dconv *c, float *x, float *dy, float *dw, float *db, char *scratch, char *keep);
const char *dconv_impl(dconv *c);

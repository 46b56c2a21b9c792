//go:build dnnl && cgo && !purego

#include <stdlib.h>
#include <string.h>
#include "conv.h"

extern void omp_set_num_threads(int);

#define TRY(x) do { dnnl_status_t s_ = (x); if (s_ != dnnl_success) return (int)s_; } while (0)

static int init_md(dnnl_memory_desc_t *md, int nd, const dnnl_dims_t dims, dnnl_data_type_t t, dnnl_format_tag_t tag) {
	return (int)dnnl_memory_desc_init_by_tag(md, nd, dims, t, tag);
}

static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }

static int make_reorder(dconv *c, dnnl_primitive_t *p, const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
	dnnl_primitive_desc_t pd;
	TRY(dnnl_reorder_primitive_desc_create(&pd, from, c->eng, to, c->eng, NULL));
	dnnl_status_t s = dnnl_primitive_create(p, pd);
	dnnl_primitive_desc_destroy(pd);
	return (int)s;
}

// operand fills o for the primitive layout md of a user array in layout
// user: reorders both ways (as asked) and a scratch slot when they differ.
static int operand(dconv *c, dconv_operand *o, const dnnl_memory_desc_t *md, const dnnl_memory_desc_t *user,
                   int in, int out, int kept) {
	o->md = *md;
	o->in = o->out = NULL;
	o->size = 0;
	o->kept = kept;
	if (dnnl_memory_desc_equal(md, user))
		return 0;
	o->size = dnnl_memory_desc_get_size(md);
	size_t *end = kept ? &c->keep : &c->scratch;
	o->off = *end;
	*end += align64(o->size);
	if (in)
		TRY(make_reorder(c, &o->in, user, md));
	if (out)
		TRY(make_reorder(c, &o->out, md, user));
	return 0;
}

// same makes o an alias of the kept operand k when the primitive wants
// k's layout: the backward pass then reads what the forward pass left.
static int same(dconv_operand *o, const dconv_operand *k, const dnnl_memory_desc_t *md) {
	if (!k->size || !dnnl_memory_desc_equal(md, &k->md))
		return 0;
	*o = *k;
	o->in = o->out = NULL;
	return 1;
}

// pad_slot reserves the primitive's scratchpad (user-managed, so that one
// primitive shared through oneDNN's cache runs safely from two plans).
static void pad_slot(dconv *c, dconv_operand *o, const_dnnl_primitive_desc_t pd) {
	const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
	o->in = o->out = NULL;
	o->size = md ? dnnl_memory_desc_get_size(md) : 0;
	if (o->size) {
		o->md = *md;
		o->off = c->scratch;
		c->scratch += align64(o->size);
	}
}

static const dnnl_memory_desc_t *q(const_dnnl_primitive_desc_t pd, dnnl_query_t what) {
	return dnnl_primitive_desc_query_md(pd, what, 0);
}

int dconv_new(dconv **out, int n, int cin, int h, int w, int cout, int kh, int kw,
              int stride, int pad, int has_bias, int bf16, int threads) {
	// oneDNN fixes a primitive's thread count when it creates it.
	omp_set_num_threads(threads);
	dconv *c = calloc(1, sizeof(dconv));
	if (!c)
		return dnnl_out_of_memory;
	*out = c;
	c->has_bias = has_bias;
	c->threads = threads;
	TRY(dnnl_engine_create(&c->eng, dnnl_cpu, 0));
	TRY(dnnl_stream_create(&c->st, c->eng, dnnl_stream_default_flags));
	TRY(dnnl_stream_create(&c->st2, c->eng, dnnl_stream_default_flags));
	int ho = (h + 2 * pad - kh) / stride + 1, wo = (w + 2 * pad - kw) / stride + 1;
	dnnl_dims_t sd = {n, cin, h, w}, wd = {cout, cin, kh, kw}, bd = {cout}, dd = {n, cout, ho, wo};
	dnnl_dims_t strides = {stride, stride}, pads = {pad, pad};
	TRY(init_md(&c->u_src, 4, sd, dnnl_f32, dnnl_nchw));
	TRY(init_md(&c->u_w, 4, wd, dnnl_f32, dnnl_oihw));
	TRY(init_md(&c->u_b, 1, bd, dnnl_f32, dnnl_x));
	TRY(init_md(&c->u_dst, 4, dd, dnnl_f32, dnnl_nchw));
	// In bfloat16 only the factors of the products are rounded: the
	// primitives' results (output, input and weight gradients) stay
	// float32.
	dnnl_data_type_t t = bf16 ? dnnl_bf16 : dnnl_f32;
	dnnl_memory_desc_t a_src, a_w, a_dst, r_src, r_w, r_dst;
	TRY(init_md(&a_src, 4, sd, t, dnnl_format_tag_any));
	TRY(init_md(&a_w, 4, wd, t, dnnl_format_tag_any));
	TRY(init_md(&a_dst, 4, dd, t, dnnl_format_tag_any));
	TRY(init_md(&r_src, 4, sd, dnnl_f32, dnnl_format_tag_any));
	TRY(init_md(&r_w, 4, wd, dnnl_f32, dnnl_format_tag_any));
	TRY(init_md(&r_dst, 4, dd, dnnl_f32, dnnl_format_tag_any));

	dnnl_primitive_attr_t attr;
	TRY(dnnl_primitive_attr_create(&attr));
	TRY(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
	int rc = 0;
	dnnl_convolution_desc_t fd, bdd, bwd;
	dnnl_primitive_desc_t fpd = NULL, dpd = NULL, wpd = NULL;
	rc = dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct,
	                                        &a_src, &a_w, has_bias ? &c->u_b : NULL, &r_dst, strides, pads, pads);
	if (!rc) rc = dnnl_primitive_desc_create(&fpd, &fd, attr, c->eng, NULL);
	if (!rc) rc = dnnl_convolution_backward_data_desc_init(&bdd, dnnl_convolution_direct, &r_src, &a_w, &a_dst,
	                                                       strides, pads, pads);
	if (!rc) rc = dnnl_convolution_backward_weights_desc_init(&bwd, dnnl_convolution_direct, &a_src, &r_w,
	                                                          has_bias ? &c->u_b : NULL, &a_dst, strides, pads, pads);
	if (!rc) rc = dnnl_primitive_create(&c->fwd, fpd);
	// The weight gradient sums over the whole image; on several threads
	// oneDNN splits that sum and the result's bits depend on the thread
	// count, so it runs on one thread (forward and input gradient compute
	// every output on one thread whatever the count). With more threads
	// the input and weight gradients run side by side, one thread each.
	omp_set_num_threads(1);
	c->data_threads = 1;
	if (!rc) rc = dnnl_primitive_desc_create(&dpd, &bdd, attr, c->eng, fpd);
	if (!rc) rc = dnnl_primitive_create(&c->bwd_data, dpd);
	if (!rc) rc = dnnl_primitive_desc_create(&wpd, &bwd, attr, c->eng, fpd);
	if (!rc) rc = dnnl_primitive_create(&c->bwd_w, wpd);
	// The input and weights the forward pass reorders stay in the keep
	// buffer for the backward products that want the same layouts.
	if (!rc) rc = operand(c, &c->f_src, q(fpd, dnnl_query_src_md), &c->u_src, 1, 0, 1);
	if (!rc) rc = operand(c, &c->f_w, q(fpd, dnnl_query_weights_md), &c->u_w, 1, 0, 1);
	if (!rc) rc = operand(c, &c->f_dst, q(fpd, dnnl_query_dst_md), &c->u_dst, 0, 1, 0);
	if (!rc) rc = operand(c, &c->d_dsrc, q(dpd, dnnl_query_diff_src_md), &c->u_src, 0, 1, 0);
	if (!rc) rc = same(&c->d_w, &c->f_w, q(dpd, dnnl_query_weights_md)) ? 0 :
	              operand(c, &c->d_w, q(dpd, dnnl_query_weights_md), &c->u_w, 1, 0, 0);
	if (!rc) rc = operand(c, &c->d_ddst, q(dpd, dnnl_query_diff_dst_md), &c->u_dst, 1, 0, 0);
	if (!rc) rc = same(&c->w_src, &c->f_src, q(wpd, dnnl_query_src_md)) ? 0 :
	              operand(c, &c->w_src, q(wpd, dnnl_query_src_md), &c->u_src, 1, 0, 0);
	if (!rc) rc = operand(c, &c->w_dw, q(wpd, dnnl_query_diff_weights_md), &c->u_w, 0, 1, 0);
	if (!rc) rc = operand(c, &c->w_ddst, q(wpd, dnnl_query_diff_dst_md), &c->u_dst, 1, 0, 0);
	if (!rc) {
		pad_slot(c, &c->f_pad, fpd);
		pad_slot(c, &c->d_pad, dpd);
		pad_slot(c, &c->w_pad, wpd);
	}
	if (fpd) dnnl_primitive_desc_destroy(fpd);
	if (dpd) dnnl_primitive_desc_destroy(dpd);
	if (wpd) dnnl_primitive_desc_destroy(wpd);
	dnnl_primitive_attr_destroy(attr);
	return rc;
}

static void destroy_op(dconv_operand *o) {
	if (o->in) dnnl_primitive_destroy(o->in);
	if (o->out) dnnl_primitive_destroy(o->out);
}

void dconv_free(dconv *c) {
	if (!c) return;
	dconv_operand *ops[] = {&c->f_src, &c->f_w, &c->f_dst, &c->d_dsrc, &c->d_w, &c->d_ddst, &c->w_src, &c->w_dw, &c->w_ddst};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) destroy_op(ops[i]);
	if (c->fwd) dnnl_primitive_destroy(c->fwd);
	if (c->bwd_data) dnnl_primitive_destroy(c->bwd_data);
	if (c->bwd_w) dnnl_primitive_destroy(c->bwd_w);
	if (c->st) dnnl_stream_destroy(c->st);
	if (c->st2) dnnl_stream_destroy(c->st2);
	if (c->eng) dnnl_engine_destroy(c->eng);
	free(c);
}

// A call's memory objects, destroyed before it returns: the plan keeps no
// pointer to the caller's arrays.
typedef struct {
	dnnl_memory_t m[24];
	int n;
	dnnl_stream_t st; // the stream the call executes on
} mems;

static dnnl_memory_t mem(dconv *c, mems *ms, const dnnl_memory_desc_t *md, void *p) {
	dnnl_memory_t m = NULL;
	if (dnnl_memory_create(&m, md, c->eng, p) != dnnl_success)
		return NULL;
	ms->m[ms->n++] = m;
	return m;
}

static void release(mems *ms) {
	for (int i = 0; i < ms->n; i++) dnnl_memory_destroy(ms->m[i]);
	ms->n = 0;
}

static int reorder(mems *ms, dnnl_primitive_t r, dnnl_memory_t from, dnnl_memory_t to) {
	dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
	return (int)dnnl_primitive_execute(r, ms->st, 2, args);
}

// bind returns the memory a primitive reads or writes for the user array
// p: p itself when the layouts match, else the operand's scratch slot
// (filled from p first when the operand has an in-reorder).
static dnnl_memory_t bind(dconv *c, mems *ms, dconv_operand *o, const dnnl_memory_desc_t *user, void *p,
                          char *scratch, char *keep, int *rc) {
	if (!o->size) {
		dnnl_memory_t u = mem(c, ms, user, p);
		if (!u) *rc = dnnl_out_of_memory;
		return u;
	}
	dnnl_memory_t s = mem(c, ms, &o->md, (o->kept ? keep : scratch) + o->off);
	if (!s) { *rc = dnnl_out_of_memory; return NULL; }
	if (o->in && !*rc) {
		dnnl_memory_t u = mem(c, ms, user, p);
		if (!u) { *rc = dnnl_out_of_memory; return NULL; }
		*rc = reorder(ms, o->in, u, s);
	}
	return s;
}

// give copies an operand's scratch slot back to the user array when the
// layouts differ.
static int give(dconv *c, mems *ms, dconv_operand *o, const dnnl_memory_desc_t *user, void *p, dnnl_memory_t s) {
	if (!o->size)
		return 0;
	dnnl_memory_t u = mem(c, ms, user, p);
	if (!u) return dnnl_out_of_memory;
	return reorder(ms, o->out, s, u);
}

// operand_arg is one operand of a primitive's call: its execution argument,
// its slot, and the caller's array in the user layout.
typedef struct {
	int arg;
	dconv_operand *o;
	const dnnl_memory_desc_t *user;
	void *p;
} operand_arg;

// run executes prim on stream st with threads threads: ops[0] and ops[1]
// are its inputs, ops[2] its result (given back to the caller's array),
// pad its scratchpad slot, and with a bias plan bias_arg (0: none) binds
// the caller's bias array b.
static int run(dconv *c, dnnl_stream_t st, int threads, dnnl_primitive_t prim, operand_arg ops[3],
               dconv_operand *pad, int bias_arg, float *b, char *scratch, char *keep) {
	omp_set_num_threads(threads);
	mems ms = {.n = 0, .st = st};
	int rc = 0;
	dnnl_exec_arg_t args[5];
	int na = 0;
	for (int i = 0; i < 3; i++)
		args[na++] = (dnnl_exec_arg_t){ops[i].arg, bind(c, &ms, ops[i].o, ops[i].user, ops[i].p, scratch, keep, &rc)};
	if (pad->size)
		args[na++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, mem(c, &ms, &pad->md, scratch + pad->off)};
	if (c->has_bias && bias_arg)
		args[na++] = (dnnl_exec_arg_t){bias_arg, mem(c, &ms, &c->u_b, b)};
	for (int i = 3; i < na; i++)
		if (!args[i].memory) rc = dnnl_out_of_memory;
	if (!rc) rc = dnnl_primitive_execute(prim, st, na, args);
	if (!rc) rc = give(c, &ms, ops[2].o, ops[2].user, ops[2].p, args[2].memory);
	if (!rc) rc = dnnl_stream_wait(st);
	release(&ms);
	return rc;
}

int dconv_forward(dconv *c, float *x, float *w, float *b, float *y, char *scratch, char *keep) {
	operand_arg ops[3] = {{DNNL_ARG_SRC, &c->f_src, &c->u_src, x}, {DNNL_ARG_WEIGHTS, &c->f_w, &c->u_w, w},
	                      {DNNL_ARG_DST, &c->f_dst, &c->u_dst, y}};
	return run(c, c->st, c->threads, c->fwd, ops, &c->f_pad, DNNL_ARG_BIAS, b, scratch, keep);
}

// The input gradient runs on the plan's first stream, the weight gradient
// (with the bias's) on its second, one thread each: its operands have their
// own scratch slots, so the two may run at the same time.
int dconv_backward_data(dconv *c, float *w, float *dy, float *dx, char *scratch, char *keep) {
	operand_arg ops[3] = {{DNNL_ARG_DIFF_DST, &c->d_ddst, &c->u_dst, dy}, {DNNL_ARG_WEIGHTS, &c->d_w, &c->u_w, w},
	                      {DNNL_ARG_DIFF_SRC, &c->d_dsrc, &c->u_src, dx}};
	return run(c, c->st, c->data_threads, c->bwd_data, ops, &c->d_pad, 0, NULL, scratch, keep);
}

int dconv_backward_weights(dconv *c, float *x, float *dy, float *dw, float *db, char *scratch, char *keep) {
	operand_arg ops[3] = {{DNNL_ARG_SRC, &c->w_src, &c->u_src, x}, {DNNL_ARG_DIFF_DST, &c->w_ddst, &c->u_dst, dy},
	                      {DNNL_ARG_DIFF_WEIGHTS, &c->w_dw, &c->u_w, dw}};
	return run(c, c->st2, 1, c->bwd_w, ops, &c->w_pad, DNNL_ARG_DIFF_BIAS, db, scratch, keep);
}

const char *dconv_impl(dconv *c) {
	const_dnnl_primitive_desc_t pd;
	const char *s = NULL;
	if (dnnl_primitive_get_primitive_desc(c->fwd, &pd) == dnnl_success)
		dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &s);
	return s ? s : "unknown";
}

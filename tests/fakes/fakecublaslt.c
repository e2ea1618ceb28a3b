/* A fake cuBLASLt for tests without a GPU: it multiplies on the host, in the "device" memory of the fake
 * driver (host memory), for FP64, FP32/TF32, FP16, BF16 and FP8 E4M3 (BF16 out).
 * It is as strict as the real library where a wrong binding would show, so such a binding fails in CI:
 *   - D = alpha * op(A) * op(B) + beta * C, with alpha and beta read in the descriptor's scale type, C not
 *     read when beta is 0 (as BLAS does), op() from the descriptor's TRANSA/TRANSB;
 *   - every matrix is read through the layout it was given (type, rows, cols, ld); shapes that do not fit
 *     together, ld < rows, or types that do not match the compute type are CUBLAS_STATUS_INVALID_VALUE;
 *   - an attribute set with the wrong size or an unknown attribute is CUBLAS_STATUS_INVALID_VALUE;
 *   - FP8 runs only as "TN" (A transposed, B not), as on the real library;
 *   - the compute type decides the arithmetic: 64F in double; 32F in float (strict); 32F_FAST_TF32,
 *     _FAST_16BF and _FAST_16F round FP32 inputs to TF32, BF16 or FP16 first; FP8 with FAST_ACCUM=1 keeps
 *     its partial sums to 14 significant bits (the H100's FP8 tensor-core accumulator).
 *   FAKECUBLAS_ALGOS    candidate algorithms the heuristic returns (default 3; 0 = none)
 *   FAKECUBLAS_WRONG    1: add 1.0 to every result (the benchmark must refuse the number)
 *   FAKECUBLAS_SKIP     1: write nothing (the benchmark must notice the poisoned output)
 *   FAKECUBLAS_WRONG_CALL  N: the Nth cublasLtMatmul call on a handle gets one element wrong (a silent compute fault)
 *   FAKECUBLAS_WRONG_DEVICE d: every call on a handle made on device d gets the same element wrong (a GPU wrong the
 *                          same way every time: its results agree with each other, not with its peers')
 *   FAKECUBLAS_COMPUTE  a compute type that replaces the one asked for, as a wrong binding would
 *   FAKECUBLAS_FAIL     "cublasLtMatmul=13": calls to fail, as in the fake driver */
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include "fake_common.h"

/* The calls are written under their own names and made as fake_<name>: the exported names are the tracing
 * wrappers at the end of the file (see "Call trace"). */
#define cublasLtCreate fake_cublasLtCreate
#define cublasLtDestroy fake_cublasLtDestroy
#define cublasLtMatmulDescCreate fake_cublasLtMatmulDescCreate
#define cublasLtMatmulDescDestroy fake_cublasLtMatmulDescDestroy
#define cublasLtMatmulDescSetAttribute fake_cublasLtMatmulDescSetAttribute
#define cublasLtMatrixLayoutCreate fake_cublasLtMatrixLayoutCreate
#define cublasLtMatrixLayoutDestroy fake_cublasLtMatrixLayoutDestroy
#define cublasLtMatmulPreferenceCreate fake_cublasLtMatmulPreferenceCreate
#define cublasLtMatmulPreferenceDestroy fake_cublasLtMatmulPreferenceDestroy
#define cublasLtMatmulPreferenceSetAttribute fake_cublasLtMatmulPreferenceSetAttribute
#define cublasLtMatmulAlgoGetHeuristic fake_cublasLtMatmulAlgoGetHeuristic
#define cublasLtMatmul fake_cublasLtMatmul

typedef int status;
enum { OK = 0, INVALID_VALUE = 7, NOT_SUPPORTED = 15 };
enum { R_32F = 0, R_64F = 1, R_16F = 2, R_16BF = 14, R_8F_E4M3 = 28 };
enum { COMPUTE_32F = 68, COMPUTE_32F_PEDANTIC = 69, COMPUTE_64F = 70,
       COMPUTE_32F_FAST_16F = 74, COMPUTE_32F_FAST_16BF = 75, COMPUTE_32F_FAST_TF32 = 77 };
enum { ATTR_TRANSA = 3, ATTR_TRANSB = 4, ATTR_FAST_ACCUM = 25, PREF_MAX_WORKSPACE_BYTES = 1 };

typedef struct { int compute, scale, transa, transb, fast_accum; } desc_t;
typedef struct { int type; uint64_t rows, cols; int64_t ld; } layout_t;
/* A code of -1 ("cublasLtMatmul=-1") makes the call hang, as on a hung GPU, for as long as the setting stays. */
#define FAIL(fn) do { int c_ = fake_fail_code("FAKECUBLAS_FAIL", fn, -1); \
    while (c_ == -1) { usleep(20000); c_ = fake_fail_code("FAKECUBLAS_FAIL", fn, -1); } \
    if (c_) return c_; } while (0)

static int live_objects;
int fakecublas_live_objects(void) { return live_objects; }

/* Test hooks: what the last cublasLtMatmul was given, so tests can check the binding's arguments. */
static int last_transa = -1, last_transb = -1, last_fast_accum = -1, last_compute = -1;
static double last_alpha = NAN, last_beta = NAN;
int fakecublas_last_transa(void) { return last_transa; }
int fakecublas_last_transb(void) { return last_transb; }
int fakecublas_last_fast_accum(void) { return last_fast_accum; }
int fakecublas_last_compute(void) { return last_compute; }
double fakecublas_last_alpha(void) { return last_alpha; }
double fakecublas_last_beta(void) { return last_beta; }

size_t cublasLtGetVersion(void) { return 130100; }
const char *cublasLtGetStatusName(status s) {
    return s == 13 ? "CUBLAS_STATUS_EXECUTION_FAILED" : s == 15 ? "CUBLAS_STATUS_NOT_SUPPORTED" : s == 7 ? "CUBLAS_STATUS_INVALID_VALUE"
         : s == 0 ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_INTERNAL_ERROR";
}
const char *cublasLtGetStatusString(status s) {
    return s == 13 ? "the GPU program failed to execute" : s == 15 ? "the functionality requested is not supported"
         : s == 7 ? "an unsupported value or parameter was passed to the function" : "an internal error";
}

/* The device current in the fake driver (loaded in this process by the module), or -1. */
static int current_cuda_device(void) {
    void *cuda = dlopen("libfakecuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (!cuda) return -1;
    int (*get)(int *) = (int (*)(int *))dlsym(cuda, "cuCtxGetDevice");
    int d = -1;
    if (!get || get(&d) != 0) d = -1;
    dlclose(cuda);
    return d;
}

/* The work the fake driver has queued runs before a multiplication reads its operands: the real library's kernels
 * are ordered after the work queued earlier on the stream. */
static void finish_queued_driver_work(void *stream) {
    void *cuda = dlopen("libfakecuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    if (!cuda) return;
    int (*sync)(void *) = (int (*)(void *))dlsym(cuda, "cuStreamSynchronize");
    if (sync) sync(stream);
    dlclose(cuda);
}

/* A handle counts its cublasLtMatmul calls (FAKECUBLAS_WRONG_CALL) and knows the device it was made on (FAKECUBLAS_WRONG_DEVICE). */
typedef struct { long long calls; int device; } handle_t;
status cublasLtCreate(void **h) {
    FAIL("cublasLtCreate");
    handle_t *handle = calloc(1, sizeof *handle);
    handle->device = current_cuda_device();
    *h = handle;
    live_objects++;
    return OK;
}
status cublasLtDestroy(void *h) { free(h); live_objects--; return OK; }

status cublasLtMatmulDescCreate(desc_t **d, int compute, int scale) {
    int forced = fake_env_int("FAKECUBLAS_COMPUTE", 0);
    if (forced) compute = forced;
    if (compute != COMPUTE_32F && compute != COMPUTE_32F_PEDANTIC && compute != COMPUTE_64F && compute != COMPUTE_32F_FAST_16F
        && compute != COMPUTE_32F_FAST_16BF && compute != COMPUTE_32F_FAST_TF32) return INVALID_VALUE;
    if (scale != (compute == COMPUTE_64F ? R_64F : R_32F)) return INVALID_VALUE;
    *d = calloc(1, sizeof(desc_t));
    (*d)->compute = compute;
    (*d)->scale = scale;
    live_objects++;
    return OK;
}
status cublasLtMatmulDescDestroy(desc_t *d) { free(d); live_objects--; return OK; }

/* cublasOperation_t is a 4-byte enum (N = 0, T = 1, C = 2); FAST_ACCUM is an int8_t. */
status cublasLtMatmulDescSetAttribute(desc_t *d, int attr, const void *buf, size_t size) {
    if (!d || !buf) return INVALID_VALUE;
    switch (attr) {
    case ATTR_TRANSA:
    case ATTR_TRANSB: {
        if (size != sizeof(int32_t)) return INVALID_VALUE;
        int32_t op = *(const int32_t *)buf;
        if (op < 0 || op > 2) return INVALID_VALUE;
        if (attr == ATTR_TRANSA) d->transa = op; else d->transb = op;
        return OK;
    }
    case ATTR_FAST_ACCUM:
        if (size != sizeof(int8_t)) return INVALID_VALUE;
        d->fast_accum = *(const int8_t *)buf;
        return OK;
    default:
        return INVALID_VALUE; /* an attribute the fake does not model: teach it before using it */
    }
}

status cublasLtMatrixLayoutCreate(layout_t **l, int type, uint64_t rows, uint64_t cols, int64_t ld) {
    if (type != R_32F && type != R_64F && type != R_16F && type != R_16BF && type != R_8F_E4M3) return INVALID_VALUE;
    if (rows == 0 || cols == 0 || ld < (int64_t)rows) return INVALID_VALUE; /* column-major: ld >= rows */
    *l = malloc(sizeof(layout_t)); (*l)->type = type; (*l)->rows = rows; (*l)->cols = cols; (*l)->ld = ld; live_objects++; return OK;
}
status cublasLtMatrixLayoutDestroy(layout_t *l) { free(l); live_objects--; return OK; }
status cublasLtMatmulPreferenceCreate(void **p) { *p = malloc(1); live_objects++; return OK; }
status cublasLtMatmulPreferenceDestroy(void *p) { free(p); live_objects--; return OK; }
status cublasLtMatmulPreferenceSetAttribute(void *p, int attr, const void *buf, size_t size) {
    if (!p || !buf) return INVALID_VALUE;
    if (attr != PREF_MAX_WORKSPACE_BYTES || size != sizeof(uint64_t)) return INVALID_VALUE;
    return OK;
}

/* The checks cuBLASLt makes before it runs (or proposes an algorithm for) a problem. */
static status check_problem(const desc_t *d, const layout_t *a, const layout_t *b, const layout_t *c, const layout_t *dd) {
    if (!d || !a || !b || !c || !dd) return INVALID_VALUE;
    uint64_t m = dd->rows, n = dd->cols;
    uint64_t a_rows = d->transa ? a->cols : a->rows, a_cols = d->transa ? a->rows : a->cols;
    uint64_t b_rows = d->transb ? b->cols : b->rows, b_cols = d->transb ? b->rows : b->cols;
    if (a_rows != m || b_cols != n || a_cols != b_rows) return INVALID_VALUE;
    if (c->rows != m || c->cols != n || c->type != dd->type) return INVALID_VALUE;
    if (d->compute == COMPUTE_64F) {
        if (a->type != R_64F || b->type != R_64F || dd->type != R_64F) return INVALID_VALUE;
    } else {
        if (a->type == R_64F || b->type == R_64F || dd->type == R_64F) return INVALID_VALUE;
        if (a->type != b->type) return INVALID_VALUE;
        if ((d->compute == COMPUTE_32F_FAST_TF32 || d->compute == COMPUTE_32F_FAST_16BF || d->compute == COMPUTE_32F_FAST_16F)
            && a->type != R_32F) return INVALID_VALUE;
        if (a->type == R_8F_E4M3 && (d->transa != 1 || d->transb != 0)) return NOT_SUPPORTED; /* FP8 is TN only */
        if (a->type == R_8F_E4M3 && dd->type == R_8F_E4M3) return NOT_SUPPORTED;
    }
    return OK;
}

status cublasLtMatmulAlgoGetHeuristic(void *h, desc_t *d, layout_t *a, layout_t *b, layout_t *c, layout_t *dd, void *pref, int requested,
                                      unsigned char *results, int *count) {
    (void)h; (void)pref;
    FAIL("cublasLtMatmulAlgoGetHeuristic");
    status s = check_problem(d, a, b, c, dd);
    if (s) return s;
    int n = fake_env_int("FAKECUBLAS_ALGOS", 3);
    if (n > requested) n = requested;
    for (int i = 0; i < n; i++) {
        unsigned char *r = results + i * 96;
        memset(r, 0, 96);
        r[0] = (unsigned char)(i + 1);        /* algo data: an id */
        *(float *)(r + 76) = 1.0f + i;         /* waves */
    }
    *count = n;
    return n == 0 ? NOT_SUPPORTED : OK;
}

static float half_to_float(uint16_t h) {
    int e = (h >> 10) & 31, m = h & 1023;
    float v = e == 0 ? ldexpf((float)m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexpf(1.0f + m / 1024.0f, e - 15);
    return (h & 0x8000) ? -v : v;
}
static uint16_t float_to_half(float f) {
    uint16_t sign = signbit(f) ? 0x8000 : 0;
    float a = fabsf(f);
    if (isnan(f)) return 0x7E00;
    if (a >= 65520.0f) return sign | 0x7C00;
    if (a < ldexpf(1.0f, -14)) return sign | (uint16_t)lrintf(a * ldexpf(1.0f, 24));
    int e; float m = frexpf(a, &e);              /* a = m * 2^e, m in [0.5, 1) */
    int mant = (int)lrintf((m * 2.0f - 1.0f) * 1024.0f);
    int exp = e - 1 + 15;
    if (mant == 1024) { mant = 0; exp++; }
    return sign | (uint16_t)(exp << 10) | (uint16_t)mant;
}
static float bf16_to_float(uint16_t b) { uint32_t u = (uint32_t)b << 16; float f; memcpy(&f, &u, 4); return f; }
static uint16_t float_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if (isnan(f)) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7FFF + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}
static float e4m3_to_float(uint8_t c) {
    int e = (c >> 3) & 15, m = c & 7;
    if ((c & 0x7F) == 0x7F) return NAN;
    float v = e == 0 ? ldexpf(m / 8.0f, -6) : ldexpf(1.0f + m / 8.0f, e - 7);
    return (c & 0x80) ? -v : v;
}
/* Keeps `keep` of FP32's 23 explicit mantissa bits, round to nearest even. */
static float round_mantissa(float f, int keep) {
    if (isnan(f) || isinf(f)) return f;
    uint32_t u; memcpy(&u, &f, 4);
    int drop = 23 - keep;
    u += ((1u << (drop - 1)) - 1) + ((u >> drop) & 1);
    u &= ~((1u << drop) - 1);
    memcpy(&f, &u, 4);
    return f;
}

static double load(int type, const void *p, uint64_t i) {
    switch (type) {
    case R_64F: return ((const double *)p)[i];
    case R_32F: return ((const float *)p)[i];
    case R_16F: return half_to_float(((const uint16_t *)p)[i]);
    case R_16BF: return bf16_to_float(((const uint16_t *)p)[i]);
    default: return e4m3_to_float(((const uint8_t *)p)[i]);
    }
}
static void store(int type, void *p, uint64_t i, double v) {
    switch (type) {
    case R_64F: ((double *)p)[i] = v; break;
    case R_32F: ((float *)p)[i] = (float)v; break;
    case R_16F: ((uint16_t *)p)[i] = float_to_half((float)v); break;
    default: ((uint16_t *)p)[i] = float_to_bf16((float)v); break;
    }
}

/* An input element as the compute type sees it. */
static float as_computed(const desc_t *d, int type, double v) {
    if (type != R_32F) return (float)v;
    switch (d->compute) {
    case COMPUTE_32F_FAST_TF32: return round_mantissa((float)v, 10);
    case COMPUTE_32F_FAST_16BF: return round_mantissa((float)v, 7);
    case COMPUTE_32F_FAST_16F: return half_to_float(float_to_half((float)v));
    default: return (float)v;
    }
}

/* Element (row, col) of op(X) for a matrix X stored column-major with the given layout. */
static double element(const layout_t *l, const void *x, int trans, uint64_t row, uint64_t col) {
    return trans ? load(l->type, x, col + row * (uint64_t)l->ld) : load(l->type, x, row + col * (uint64_t)l->ld);
}

status cublasLtMatmul(void *h, desc_t *d, const void *alpha, const void *A, layout_t *la, const void *B, layout_t *lb, const void *beta,
                      const void *C, layout_t *lc, void *D, layout_t *ld, const void *algo, void *ws, size_t wsBytes, void *stream) {
    (void)algo; (void)ws; (void)wsBytes;
    FAIL("cublasLtMatmul");
    finish_queued_driver_work(stream);
    if (!alpha || !beta || !A || !B || !D) return INVALID_VALUE;
    status s = check_problem(d, la, lb, lc, ld);
    if (s) return s;
    double al = d->scale == R_64F ? *(const double *)alpha : *(const float *)alpha;
    double be = d->scale == R_64F ? *(const double *)beta : *(const float *)beta;
    last_transa = d->transa; last_transb = d->transb; last_fast_accum = d->fast_accum; last_compute = d->compute;
    last_alpha = al; last_beta = be;
    if (be != 0 && !C) return INVALID_VALUE;
    if (fake_env_int("FAKECUBLAS_SKIP", 0)) return OK;
    double extra = fake_env_int("FAKECUBLAS_WRONG", 0) ? 1.0 : 0.0;
    long long call = h ? ++((handle_t *)h)->calls : 0;
    int wrong_element = (call > 0 && call == fake_env_int("FAKECUBLAS_WRONG_CALL", 0))
                        || (h && ((handle_t *)h)->device >= 0 && ((handle_t *)h)->device == fake_env_int("FAKECUBLAS_WRONG_DEVICE", -1));
    int fast_fp8 = la->type == R_8F_E4M3 && d->fast_accum;
    uint64_t m = ld->rows, n = ld->cols, k = d->transa ? la->rows : la->cols;
    for (uint64_t j = 0; j < n; j++)
        for (uint64_t i = 0; i < m; i++) {
            double sum;
            if (d->compute == COMPUTE_64F) {
                sum = 0;
                for (uint64_t p = 0; p < k; p++) sum += element(la, A, d->transa, i, p) * element(lb, B, d->transb, p, j);
            } else {
                float acc = 0;
                for (uint64_t p = 0; p < k; p++) {
                    acc += as_computed(d, la->type, element(la, A, d->transa, i, p))
                         * as_computed(d, lb->type, element(lb, B, d->transb, p, j));
                    if (fast_fp8) acc = round_mantissa(acc, 13);
                }
                sum = acc;
            }
            double out = al * sum + extra + (wrong_element && i == m / 2 && j == n / 2 ? 1.0 : 0.0);
            if (be != 0) out += be * load(lc->type, C, i + j * (uint64_t)lc->ld); /* beta 0: C is not read, as in BLAS */
            store(ld->type, D, i + j * (uint64_t)ld->ld, out);
        }
    return OK;
}

/* ---- Call trace (FAKECUDA_TRACE=<path>, see fake_common.h) ----
 * One line per call: handles named in the order they were made (H handles, D matmul descriptors, L layouts,
 * P preferences), the descriptor's attributes and the layouts as set, and the memory and stream by the names the
 * fake driver gives them. The driver calls this library makes itself are muted: they are how the fake works. */
#undef cublasLtCreate
#undef cublasLtDestroy
#undef cublasLtMatmulDescCreate
#undef cublasLtMatmulDescDestroy
#undef cublasLtMatmulDescSetAttribute
#undef cublasLtMatrixLayoutCreate
#undef cublasLtMatrixLayoutDestroy
#undef cublasLtMatmulPreferenceCreate
#undef cublasLtMatmulPreferenceDestroy
#undef cublasLtMatmulPreferenceSetAttribute
#undef cublasLtMatmulAlgoGetHeuristic
#undef cublasLtMatmul

#define MAX_TRACE_NAMES 1024
/* Numbered as the fake driver numbers its handles: the lowest number free among those of the same kind made in the
 * same context, so GPUs worked on from threads at once do not take numbers from each other. */
static struct { const void *p; char kind; int id; char owner[32]; } trace_names[MAX_TRACE_NAMES];
static pthread_mutex_t trace_names_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *trace_context(void);
static void trace_name(char kind, const void *p) {
    static unsigned char taken[MAX_TRACE_NAMES + 2];
    const char *owner = trace_context();
    pthread_mutex_lock(&trace_names_lock);
    memset(taken, 0, sizeof taken);
    for (int i = 0; i < MAX_TRACE_NAMES; i++)
        if (trace_names[i].kind == kind && strcmp(trace_names[i].owner, owner) == 0) taken[trace_names[i].id] = 1;
    int id = 1;
    while (taken[id]) id++;
    for (int i = 0; i < MAX_TRACE_NAMES; i++)
        if (!trace_names[i].kind) {
            trace_names[i].p = p; trace_names[i].kind = kind; trace_names[i].id = id;
            snprintf(trace_names[i].owner, sizeof trace_names[i].owner, "%s", owner);
            break;
        }
    pthread_mutex_unlock(&trace_names_lock);
}
/* The name of object p (out: 32 bytes); forget: it is being destroyed. */
static const char *trace_ref(char *out, const void *p, int forget) {
    snprintf(out, 32, "?");
    if (!p) return "null";
    pthread_mutex_lock(&trace_names_lock);
    for (int i = 0; i < MAX_TRACE_NAMES; i++) {
        if (!trace_names[i].kind || trace_names[i].p != p) continue;
        snprintf(out, 32, "%c%d", trace_names[i].kind, trace_names[i].id);
        if (forget) trace_names[i].kind = 0;
        break;
    }
    pthread_mutex_unlock(&trace_names_lock);
    return out;
}
/* The fake driver's names for memory and streams, and its switch that mutes this library's own driver calls. */
static void *trace_driver(const char *symbol) {
    void *cuda = dlopen("libfakecuda.so.1", RTLD_LAZY | RTLD_NOLOAD);
    void *f = cuda ? dlsym(cuda, symbol) : NULL;
    if (cuda) dlclose(cuda);
    return f;
}
static const char *trace_driver_name(char *out, const char *symbol, const void *p) {
    void (*name)(const void *, char *) = (void (*)(const void *, char *))trace_driver(symbol);
    if (name) name(p, out); else snprintf(out, 32, "?");
    return out;
}
static void trace_mute_driver(int delta) {
    void (*quiet)(int) = (void (*)(int))trace_driver("fakecuda_trace_quiet");
    if (quiet) quiet(delta);
}
/* The driver's name for the context current on this thread, for the line (thread-local, so one call may use it). */
static const char *trace_context(void) {
    static __thread char name[32];
    void (*context)(char *) = (void (*)(char *))trace_driver("fakecuda_trace_context");
    if (context) context(name); else snprintf(name, sizeof name, "?");
    return name;
}
#define TRACE_PATH_OR_RETURN(r) char path[512]; if (!fake_trace_path(path, sizeof path)) return (r)

status cublasLtCreate(void **h) {
    status r = fake_cublasLtCreate(h);
    char a[32];
    TRACE_PATH_OR_RETURN(r);
    if (r == OK) trace_name('H', *h);
    fake_trace(path, "cublasLt cublasLtCreate = %s ctx=%s -> %d", r ? "-" : trace_ref(a, *h, 0), trace_context(), r);
    return r;
}
status cublasLtDestroy(void *h) {
    char a[32];
    trace_ref(a, h, 1);
    status r = fake_cublasLtDestroy(h);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "cublasLt cublasLtDestroy %s ctx=%s -> %d", a, trace_context(), r);
    return r;
}
status cublasLtMatmulDescCreate(desc_t **d, int compute, int scale) {
    status r = fake_cublasLtMatmulDescCreate(d, compute, scale);
    char a[32];
    TRACE_PATH_OR_RETURN(r);
    if (r == OK) trace_name('D', *d);
    fake_trace(path, "cublasLt cublasLtMatmulDescCreate compute=%d scale=%d = %s ctx=%s -> %d", compute, scale,
               r ? "-" : trace_ref(a, *d, 0), trace_context(), r);
    return r;
}
status cublasLtMatmulDescDestroy(desc_t *d) {
    char a[32];
    trace_ref(a, d, 1);
    status r = fake_cublasLtMatmulDescDestroy(d);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "cublasLt cublasLtMatmulDescDestroy %s ctx=%s -> %d", a, trace_context(), r);
    return r;
}
/* The value as a little-endian integer of the size given (attributes here are enums, flags and byte counts). */
static long long trace_value(const void *buf, size_t size) {
    long long v = 0;
    if (buf && (size == 1 || size == 4 || size == 8)) {
        if (size == 1) v = *(const int8_t *)buf; else if (size == 4) v = *(const int32_t *)buf; else v = *(const int64_t *)buf;
    }
    return v;
}
status cublasLtMatmulDescSetAttribute(desc_t *d, int attr, const void *buf, size_t size) {
    status r = fake_cublasLtMatmulDescSetAttribute(d, attr, buf, size);
    char a[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "cublasLt cublasLtMatmulDescSetAttribute %s attr=%d size=%zu value=%lld ctx=%s -> %d", trace_ref(a, d, 0), attr,
               size, trace_value(buf, size), trace_context(), r);
    return r;
}
status cublasLtMatrixLayoutCreate(layout_t **l, int type, uint64_t rows, uint64_t cols, int64_t ld) {
    status r = fake_cublasLtMatrixLayoutCreate(l, type, rows, cols, ld);
    char a[32];
    TRACE_PATH_OR_RETURN(r);
    if (r == OK) trace_name('L', *l);
    fake_trace(path, "cublasLt cublasLtMatrixLayoutCreate type=%d rows=%llu cols=%llu ld=%lld = %s ctx=%s -> %d", type,
               (unsigned long long)rows, (unsigned long long)cols, (long long)ld, r ? "-" : trace_ref(a, *l, 0), trace_context(), r);
    return r;
}
status cublasLtMatrixLayoutDestroy(layout_t *l) {
    char a[32];
    trace_ref(a, l, 1);
    status r = fake_cublasLtMatrixLayoutDestroy(l);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "cublasLt cublasLtMatrixLayoutDestroy %s ctx=%s -> %d", a, trace_context(), r);
    return r;
}
status cublasLtMatmulPreferenceCreate(void **p) {
    status r = fake_cublasLtMatmulPreferenceCreate(p);
    char a[32];
    TRACE_PATH_OR_RETURN(r);
    if (r == OK) trace_name('P', *p);
    fake_trace(path, "cublasLt cublasLtMatmulPreferenceCreate = %s ctx=%s -> %d", r ? "-" : trace_ref(a, *p, 0), trace_context(), r);
    return r;
}
status cublasLtMatmulPreferenceDestroy(void *p) {
    char a[32];
    trace_ref(a, p, 1);
    status r = fake_cublasLtMatmulPreferenceDestroy(p);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "cublasLt cublasLtMatmulPreferenceDestroy %s ctx=%s -> %d", a, trace_context(), r);
    return r;
}
status cublasLtMatmulPreferenceSetAttribute(void *p, int attr, const void *buf, size_t size) {
    status r = fake_cublasLtMatmulPreferenceSetAttribute(p, attr, buf, size);
    char a[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "cublasLt cublasLtMatmulPreferenceSetAttribute %s attr=%d size=%zu value=%lld ctx=%s -> %d", trace_ref(a, p, 0), attr,
               size, trace_value(buf, size), trace_context(), r);
    return r;
}
status cublasLtMatmulAlgoGetHeuristic(void *h, desc_t *d, layout_t *a, layout_t *b, layout_t *c, layout_t *dd, void *pref,
                                      int requested, unsigned char *results, int *count) {
    trace_mute_driver(1);
    status r = fake_cublasLtMatmulAlgoGetHeuristic(h, d, a, b, c, dd, pref, requested, results, count);
    trace_mute_driver(-1);
    char n[7][32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "cublasLt cublasLtMatmulAlgoGetHeuristic %s %s %s %s %s %s %s requested=%d = %d ctx=%s -> %d", trace_ref(n[0], h, 0),
               trace_ref(n[1], d, 0), trace_ref(n[2], a, 0), trace_ref(n[3], b, 0), trace_ref(n[4], c, 0), trace_ref(n[5], dd, 0),
               trace_ref(n[6], pref, 0), requested, r == OK && count ? *count : -1, trace_context(), r);
    return r;
}
/* Two lines: the objects and scales, then the memory, workspace and stream (one would pass 140 characters). */
status cublasLtMatmul(void *h, desc_t *d, const void *alpha, const void *A, layout_t *la, const void *B, layout_t *lb,
                      const void *beta, const void *C, layout_t *lc, void *D, layout_t *ld, const void *algo, void *ws,
                      size_t wsBytes, void *stream) {
    trace_mute_driver(1);
    status r = fake_cublasLtMatmul(h, d, alpha, A, la, B, lb, beta, C, lc, D, ld, algo, ws, wsBytes, stream);
    trace_mute_driver(-1);
    char n[12][32];
    TRACE_PATH_OR_RETURN(r);
    int wide = d && d->scale == R_64F;
    double al = !alpha ? NAN : wide ? *(const double *)alpha : *(const float *)alpha;
    double be = !beta ? NAN : wide ? *(const double *)beta : *(const float *)beta;
    fake_trace(path, "cublasLt cublasLtMatmul %s %s A:%s B:%s C:%s D:%s alpha=%g beta=%g algo=%d ctx=%s -> %d", trace_ref(n[0], h, 0),
               trace_ref(n[1], d, 0), trace_ref(n[2], la, 0), trace_ref(n[3], lb, 0), trace_ref(n[4], lc, 0), trace_ref(n[5], ld, 0),
               al, be, algo ? *(const unsigned char *)algo : -1, trace_context(), r);
    fake_trace(path, "cublasLt   memory A=%s B=%s C=%s D=%s ws=%s/%zu %s ctx=%s", trace_driver_name(n[6], "fakecuda_trace_memory", A),
               trace_driver_name(n[7], "fakecuda_trace_memory", B), trace_driver_name(n[8], "fakecuda_trace_memory", C),
               trace_driver_name(n[9], "fakecuda_trace_memory", D), trace_driver_name(n[10], "fakecuda_trace_memory", ws), wsBytes,
               trace_driver_name(n[11], "fakecuda_trace_stream", stream), trace_context());
    return r;
}

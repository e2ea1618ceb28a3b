/* A fake cuBLASLt for tests without a GPU: it multiplies on the host, in the "device" memory of the fake
 * driver (host memory), for FP64, FP32/TF32, FP16, BF16 and FP8 E4M3 (BF16 out).
 *   FAKECUBLAS_ALGOS   candidate algorithms the heuristic returns (default 3; 0 = none)
 *   FAKECUBLAS_WRONG   1: add 1.0 to every result (the benchmark must refuse the number)
 *   FAKECUBLAS_SKIP    1: write nothing (the benchmark must notice the poisoned output)
 *   FAKECUBLAS_FAIL    "cublasLtMatmul=13": calls to fail, as in the fake driver */
#include <math.h>
#include <stdint.h>
#include "fake_common.h"

typedef int status;
typedef struct { int compute, scale, transa, transb; } desc_t;
typedef struct { int type; uint64_t rows, cols; int64_t ld; } layout_t;
#define FAIL(fn) do { int c_ = fake_fail_code("FAKECUBLAS_FAIL", fn, -1); if (c_) return c_; } while (0)

static int live_objects;
int fakecublas_live_objects(void) { return live_objects; }

size_t cublasLtGetVersion(void) { return 130100; }
const char *cublasLtGetStatusName(status s) { return s == 13 ? "CUBLAS_STATUS_EXECUTION_FAILED" : s == 15 ? "CUBLAS_STATUS_NOT_SUPPORTED" : s == 0 ? "CUBLAS_STATUS_SUCCESS" : "CUBLAS_STATUS_INTERNAL_ERROR"; }
const char *cublasLtGetStatusString(status s) { return s == 13 ? "the GPU program failed to execute" : s == 15 ? "the functionality requested is not supported" : "an internal error"; }

status cublasLtCreate(void **h) { FAIL("cublasLtCreate"); *h = malloc(1); live_objects++; return 0; }
status cublasLtDestroy(void *h) { free(h); live_objects--; return 0; }
status cublasLtMatmulDescCreate(desc_t **d, int compute, int scale) { *d = calloc(1, sizeof(desc_t)); (*d)->compute = compute; (*d)->scale = scale; live_objects++; return 0; }
status cublasLtMatmulDescDestroy(desc_t *d) { free(d); live_objects--; return 0; }
status cublasLtMatmulDescSetAttribute(desc_t *d, int attr, const void *buf, size_t size) {
    if (attr == 3 && size == 4) d->transa = *(const int *)buf;
    else if (attr == 4 && size == 4) d->transb = *(const int *)buf;
    else if (attr != 25) return 7;
    return 0;
}
status cublasLtMatrixLayoutCreate(layout_t **l, int type, uint64_t rows, uint64_t cols, int64_t ld) {
    *l = malloc(sizeof(layout_t)); (*l)->type = type; (*l)->rows = rows; (*l)->cols = cols; (*l)->ld = ld; live_objects++; return 0;
}
status cublasLtMatrixLayoutDestroy(layout_t *l) { free(l); live_objects--; return 0; }
status cublasLtMatmulPreferenceCreate(void **p) { *p = malloc(1); live_objects++; return 0; }
status cublasLtMatmulPreferenceDestroy(void *p) { free(p); live_objects--; return 0; }
status cublasLtMatmulPreferenceSetAttribute(void *p, int attr, const void *buf, size_t size) { (void)p; (void)attr; (void)buf; (void)size; return 0; }

status cublasLtMatmulAlgoGetHeuristic(void *h, desc_t *d, layout_t *a, layout_t *b, layout_t *c, layout_t *dd, void *pref, int requested, unsigned char *results, int *count) {
    (void)h; (void)d; (void)a; (void)b; (void)c; (void)dd; (void)pref;
    FAIL("cublasLtMatmulAlgoGetHeuristic");
    int n = fake_env_int("FAKECUBLAS_ALGOS", 3);
    if (n > requested) n = requested;
    for (int i = 0; i < n; i++) {
        unsigned char *r = results + i * 96;
        memset(r, 0, 96);
        r[0] = (unsigned char)(i + 1);        /* algo data: an id */
        *(float *)(r + 76) = 1.0f + i;         /* waves */
    }
    *count = n;
    return n == 0 ? 15 : 0;
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
static uint16_t float_to_bf16(float f) { uint32_t u; memcpy(&u, &f, 4); u += 0x7FFF + ((u >> 16) & 1); return (uint16_t)(u >> 16); }
static float e4m3_to_float(uint8_t c) {
    int e = (c >> 3) & 15, m = c & 7;
    float v = e == 0 ? ldexpf(m / 8.0f, -6) : ldexpf(1.0f + m / 8.0f, e - 7);
    return (c & 0x80) ? -v : v;
}

enum { R_32F = 0, R_64F = 1, R_16F = 2, R_16BF = 14, R_8F_E4M3 = 28 };
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

status cublasLtMatmul(void *h, desc_t *d, const void *alpha, const void *A, layout_t *la, const void *B, layout_t *lb, const void *beta,
                      const void *C, layout_t *lc, void *D, layout_t *ld, const void *algo, void *ws, size_t wsBytes, void *stream) {
    (void)h; (void)alpha; (void)beta; (void)C; (void)lc; (void)algo; (void)ws; (void)wsBytes; (void)stream;
    FAIL("cublasLtMatmul");
    if (fake_env_int("FAKECUBLAS_SKIP", 0)) return 0;
    double extra = fake_env_int("FAKECUBLAS_WRONG", 0) ? 1.0 : 0.0;
    uint64_t m = ld->rows, n = ld->cols, k = d->transa ? la->rows : la->cols;
    for (uint64_t j = 0; j < n; j++)
        for (uint64_t i = 0; i < m; i++) {
            double sum = 0;
            for (uint64_t p = 0; p < k; p++) {
                double a = d->transa ? load(la->type, A, p + i * (uint64_t)la->ld) : load(la->type, A, i + p * (uint64_t)la->ld);
                sum += a * load(lb->type, B, p + j * (uint64_t)lb->ld);
            }
            store(ld->type, D, i + j * (uint64_t)ld->ld, sum + extra);
        }
    return 0;
}

/* A fake CPU BLAS for the tests: CBLAS sgemm, dgemm and a BF16 GEMM that compute the real product (naive
 * loops: small sizes only), with the argument checks the CBLAS interface makes (an illegal argument prints
 * xerbla's message and writes nothing), thread get/set and a configuration string. Variants by define:
 *   (none)            OpenBLAS-like, with cblas_sbgemm
 *   FAKE_NO_SBGEMM    OpenBLAS-like without cblas_sbgemm (an "absent symbol" build)
 *   FAKE_SCIPY64      numpy's renamed ILP64 copy: scipy_ prefix, 64_ suffix, 64-bit integers
 *   FAKE_REFERENCE    netlib-like: only the GEMMs, no OpenBLAS/MKL/BLIS exports, no thread control
 *   FAKE_MKL_FORTRAN  PyTorch's libtorch_cpu.so as seen on the GPU machine: MKL's Fortran sgemm_/dgemm_ (arguments by
 *                     reference), cblas_gemm_bf16bf16f32 and MKL's service calls, but no cblas_sgemm/cblas_dgemm
 *   FAKE_WRONG        OpenBLAS-like whose sgemm is 1% off beyond 2x2 (passes the probe's proof, fails verification) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef FAKE_SCIPY64
typedef long long blasint;
#define NAME(x) scipy_##x##64_
#else
typedef int blasint;
#define NAME(x) x
#endif

#define EXPORT __attribute__((visibility("default")))
enum { ColMajor = 102, RowMajor = 101, NoTrans = 111, Trans = 112, ConjTrans = 113 };

static __attribute__((unused)) int threads = 1;
static long calls = 0;
static long xerbla_hits = 0;

EXPORT long fakeblas_calls(void) { return calls; }
EXPORT long fakeblas_xerbla_count(void) { return xerbla_hits; }

static int xerbla(const char *routine, int parameter) {
    fprintf(stderr, "** On entry to %s parameter number %d had an illegal value\n", routine, parameter);
    xerbla_hits++;
    return 1;
}

/* The CBLAS checks for column-major order (the only order the module uses; row-major is checked the same way
 * after swapping). Returns non-zero after reporting the first illegal argument. */
static int check(const char *routine, int order, int ta, int tb, blasint m, blasint n, blasint k, blasint lda, blasint ldb, blasint ldc) {
    if (order != ColMajor && order != RowMajor) return xerbla(routine, 1);
    if (ta != NoTrans && ta != Trans && ta != ConjTrans) return xerbla(routine, 2);
    if (tb != NoTrans && tb != Trans && tb != ConjTrans) return xerbla(routine, 3);
    if (m < 0) return xerbla(routine, 4);
    if (n < 0) return xerbla(routine, 5);
    if (k < 0) return xerbla(routine, 6);
    blasint rowsA = ta == NoTrans ? m : k, rowsB = tb == NoTrans ? k : n;
    if (lda < (rowsA > 1 ? rowsA : 1)) return xerbla(routine, 9);
    if (ldb < (rowsB > 1 ? rowsB : 1)) return xerbla(routine, 11);
    if (ldc < (m > 1 ? m : 1)) return xerbla(routine, 14);
    if (order != ColMajor || ta != NoTrans || tb != NoTrans) return xerbla(routine, 1); /* not needed by the module */
    return 0;
}

static __attribute__((unused)) float bf16_to_float(uint16_t v) {
    uint32_t bits = (uint32_t)v << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

#ifndef FAKE_MKL_FORTRAN
EXPORT void NAME(cblas_sgemm)(int order, int ta, int tb, blasint m, blasint n, blasint k, float alpha, const float *a, blasint lda,
                              const float *b, blasint ldb, float beta, float *c, blasint ldc) {
    calls++;
    if (check("cblas_sgemm", order, ta, tb, m, n, k, lda, ldb, ldc)) return;
    for (blasint j = 0; j < n; j++)
        for (blasint i = 0; i < m; i++) {
            float sum = 0;
            for (blasint p = 0; p < k; p++) sum += a[i + p * lda] * b[p + j * ldb];
            c[i + j * ldc] = alpha * sum + (beta == 0 ? 0 : beta * c[i + j * ldc]);
        }
#ifdef FAKE_WRONG
    if (m * n > 4) /* right on the probe's 2x2 proof, 1% off on a real problem */
        for (blasint j = 0; j < n; j++)
            for (blasint i = 0; i < m; i++) c[i + j * ldc] *= 1.01f;
#endif
}

EXPORT void NAME(cblas_dgemm)(int order, int ta, int tb, blasint m, blasint n, blasint k, double alpha, const double *a, blasint lda,
                              const double *b, blasint ldb, double beta, double *c, blasint ldc) {
    calls++;
    if (check("cblas_dgemm", order, ta, tb, m, n, k, lda, ldb, ldc)) return;
    for (blasint j = 0; j < n; j++)
        for (blasint i = 0; i < m; i++) {
            double sum = 0;
            for (blasint p = 0; p < k; p++) sum += a[i + p * lda] * b[p + j * ldb];
            c[i + j * ldc] = alpha * sum + (beta == 0 ? 0 : beta * c[i + j * ldc]);
        }
}

#endif

#ifdef FAKE_MKL_FORTRAN
static int fortran_trans(const char *t) { return *t == 'N' || *t == 'n' ? NoTrans : *t == 'T' || *t == 't' ? Trans : 0; }

EXPORT void sgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const float *alpha,
                   const float *a, const int *lda, const float *b, const int *ldb, const float *beta, float *c, const int *ldc) {
    calls++;
    if (check("SGEMM", ColMajor, fortran_trans(ta), fortran_trans(tb), *m, *n, *k, *lda, *ldb, *ldc)) return;
    for (int j = 0; j < *n; j++)
        for (int i = 0; i < *m; i++) {
            float sum = 0;
            for (int p = 0; p < *k; p++) sum += a[i + p * *lda] * b[p + j * *ldb];
            c[i + j * *ldc] = *alpha * sum + (*beta == 0 ? 0 : *beta * c[i + j * *ldc]);
        }
}

EXPORT void dgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const double *alpha,
                   const double *a, const int *lda, const double *b, const int *ldb, const double *beta, double *c, const int *ldc) {
    calls++;
    if (check("DGEMM", ColMajor, fortran_trans(ta), fortran_trans(tb), *m, *n, *k, *lda, *ldb, *ldc)) return;
    for (int j = 0; j < *n; j++)
        for (int i = 0; i < *m; i++) {
            double sum = 0;
            for (int p = 0; p < *k; p++) sum += a[i + p * *lda] * b[p + j * *ldb];
            c[i + j * *ldc] = *alpha * sum + (*beta == 0 ? 0 : *beta * c[i + j * *ldc]);
        }
}

EXPORT void cblas_gemm_bf16bf16f32(int order, int ta, int tb, int m, int n, int k, float alpha, const uint16_t *a, int lda,
                                   const uint16_t *b, int ldb, float beta, float *c, int ldc) {
    calls++;
    if (check("cblas_gemm_bf16bf16f32", order, ta, tb, m, n, k, lda, ldb, ldc)) return;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            float sum = 0;
            for (int p = 0; p < k; p++) sum += bf16_to_float(a[i + p * lda]) * bf16_to_float(b[p + j * ldb]);
            c[i + j * ldc] = alpha * sum + (beta == 0 ? 0 : beta * c[i + j * ldc]);
        }
}

EXPORT void mkl_get_version_string(char *buffer, int length) {
    snprintf(buffer, (size_t)length,
             "Intel(R) oneAPI Math Kernel Library Version 2024.2-Product Build FAKE for Intel(R) 64 architecture applications");
}
EXPORT int mkl_get_max_threads(void) { return threads; }
EXPORT void mkl_set_num_threads(int n) { threads = n < 1 ? 1 : n; }
#endif

#if !defined(FAKE_NO_SBGEMM) && !defined(FAKE_REFERENCE) && !defined(FAKE_MKL_FORTRAN)
EXPORT void NAME(cblas_sbgemm)(int order, int ta, int tb, blasint m, blasint n, blasint k, float alpha, const uint16_t *a, blasint lda,
                               const uint16_t *b, blasint ldb, float beta, float *c, blasint ldc) {
    calls++;
    if (check("cblas_sbgemm", order, ta, tb, m, n, k, lda, ldb, ldc)) return;
    for (blasint j = 0; j < n; j++)
        for (blasint i = 0; i < m; i++) {
            float sum = 0;
            for (blasint p = 0; p < k; p++) sum += bf16_to_float(a[i + p * lda]) * bf16_to_float(b[p + j * ldb]);
            c[i + j * ldc] = alpha * sum + (beta == 0 ? 0 : beta * c[i + j * ldc]);
        }
}
#endif

#if !defined(FAKE_REFERENCE) && !defined(FAKE_MKL_FORTRAN)
EXPORT char *NAME(openblas_get_config)(void) {
    static char config[] = "OpenBLAS 0.3.99 DYNAMIC_ARCH FAKE MAX_THREADS=64";
    return config;
}
EXPORT int NAME(openblas_get_num_threads)(void) { return threads; }
/* Like a real OpenBLAS, capped at the build's NUM_THREADS (64 in Debian's and the wheels' builds). */
EXPORT void NAME(openblas_set_num_threads)(blasint n) { threads = n < 1 ? 1 : n > 64 ? 64 : (int)n; }
#endif

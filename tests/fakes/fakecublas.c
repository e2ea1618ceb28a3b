/* A fake cuBLAS: a handle, its version (FAKECUBLAS_VERSION, default 130100) and SGEMM on the host memory of
 * the fake driver.  FAKECUBLAS_WRONG=1 makes SGEMM wrong.  FAKECUBLAS_TF32=1 rounds SGEMM's inputs to TF32
 * (10-bit significand, round to nearest even) whatever the math mode: a library that slips TF32 in where
 * strict FP32 was asked. */
#include <stdint.h>
#include "fake_common.h"
static int live_handles;
int fakecublas_live_handles(void) { return live_handles; }
int cublasCreate_v2(void **h) { *h = malloc(1); live_handles++; return fake_fail_code("FAKECUBLAS_FAIL", "cublasCreate_v2", -1); }
int cublasDestroy_v2(void *h) { free(h); live_handles--; return 0; }
int cublasGetVersion_v2(void *h, int *v) { (void)h; *v = fake_env_int("FAKECUBLAS_VERSION", 130100); return 0; }
/* libraryPropertyType MAJOR_VERSION 0, MINOR_VERSION 1, PATCH_LEVEL 2, from the same version number. */
int cublasGetProperty(int type, int *v) {
    int version = fake_env_int("FAKECUBLAS_VERSION", 130100);
    if (type == 0) *v = version / 10000;
    else if (type == 1) *v = version % 10000 / 100;
    else if (type == 2) *v = version % 100;
    else return 7;
    return 0;
}
int cublasSetMathMode(void *h, int mode) { (void)h; (void)mode; return 0; }
const char *cublasGetStatusName(int s) { return s == 13 ? "CUBLAS_STATUS_EXECUTION_FAILED" : "CUBLAS_STATUS_INTERNAL_ERROR"; }
const char *cublasGetStatusString(int s) { (void)s; return "the GPU program failed to execute"; }
static float to_tf32(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7f800000u) == 0x7f800000u) return x; /* inf, nan */
    u += 0xfffu + ((u >> 13) & 1u);
    u &= 0xffffe000u;
    memcpy(&x, &u, 4);
    return x;
}

int cublasSgemm_v2(void *h, int ta, int tb, int m, int n, int k, const float *alpha, const float *A, int lda, const float *B, int ldb,
                   const float *beta, float *C, int ldc) {
    (void)h; (void)ta; (void)tb; (void)beta;
    float extra = fake_env_int("FAKECUBLAS_WRONG", 0) ? 1.0f : 0.0f;
    int tf32 = fake_env_int("FAKECUBLAS_TF32", 0);
    for (int j = 0; j < n; j++)
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
                float a = A[i + (int64_t)p * lda], b = B[p + (int64_t)j * ldb];
                if (tf32) { a = to_tf32(a); b = to_tf32(b); }
                s += (double)a * b;
            }
            C[i + (int64_t)j * ldc] = (float)(*alpha * s) + extra;
        }
    return 0;
}

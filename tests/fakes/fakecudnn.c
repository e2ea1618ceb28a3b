/* A fake cuDNN 9 dispatcher. Like the real one, it loads its sub-libraries itself (dlopen, from its own
 * folder) when an operation first needs them, and an operation fails with CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED
 * when one is missing or the loader refuses it (truncated, not a library). It records how many were already
 * in the process before its own first load (fakecudnn_sublibs_preloaded), so a test can prove that nobody
 * preloaded them for it.
 *   FAKECUDNN_VERSION  cudnnGetVersion (default 91400)
 *   FAKECUDNN_CUDART   cudnnGetCudartVersion (default 13000)
 *   FAKECUDNN_PERF=mixed  the algorithm list starts with one that cannot run (status 3000, and running it
 *                      fails) and one with tensor-core math, before the FP32 FMA one (algorithm 1)
 * The convolution runs on the host memory of the fake driver. */
#include <stdint.h>
#include "fake_common.h"

#define SUBLIB_FAILED 1008 /* CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED in cuDNN 9.2+ (cudnn_graph.h) */
static int live_objects;
int fakecudnn_live_objects(void) { return live_objects; }

size_t cudnnGetVersion(void) { return (size_t)fake_env_int("FAKECUDNN_VERSION", 91400); }
size_t cudnnGetCudartVersion(void) { return (size_t)fake_env_int("FAKECUDNN_CUDART", 13000); }
size_t cudnnGetMaxDeviceVersion(void) { return 1200; }
const char *cudnnGetErrorString(int s) {
    return s == SUBLIB_FAILED ? "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED" : s == 0 ? "CUDNN_STATUS_SUCCESS" : "CUDNN_STATUS_INTERNAL_ERROR";
}

static const char *const sublibs[] = { "graph", "engines_precompiled", "engines_runtime_compiled", "heuristic", "ops", "cnn", "adv" };
static int sublibs_loaded, sublibs_preloaded = -1;
int fakecudnn_sublibs_preloaded(void) { return sublibs_preloaded; }

/* Loads every sub-library from this library's folder and keeps them, as cuDNN does; 0 on success. */
static int load_sublibs(void) {
    if (sublibs_loaded) return 0;
    Dl_info info;
    if (!dladdr((void *)&load_sublibs, &info) || !info.dli_fname) return -1;
    char path[4096];
    strncpy(path, info.dli_fname, sizeof path - 64);
    path[sizeof path - 64] = 0;
    char *slash = strrchr(path, '/');
    if (!slash) return -1;
    int resident = 0;
    for (size_t i = 0; i < sizeof sublibs / sizeof sublibs[0]; i++) {
        snprintf(slash + 1, 60, "libcudnn_%s.so.9", sublibs[i]);
        void *already = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
        if (already) { resident++; dlclose(already); }
    }
    if (sublibs_preloaded < 0) sublibs_preloaded = resident;
    for (size_t i = 0; i < sizeof sublibs / sizeof sublibs[0]; i++) {
        snprintf(slash + 1, 60, "libcudnn_%s.so.9", sublibs[i]);
        /* Beside it first (cuDNN's $ORIGIN), then by name through the loader's search, as real cuDNN 9 does. */
        if (!dlopen(path, RTLD_NOW) && !dlopen(slash + 1, RTLD_NOW)) return -1;
    }
    sublibs_loaded = 1;
    return 0;
}

typedef struct { int n, c, h, w; } tensor;
typedef struct { int pad, stride, math; } conv;
int cudnnCreate(void **h) { if (load_sublibs() != 0) return SUBLIB_FAILED; *h = malloc(1); live_objects++; return 0; }
int cudnnDestroy(void *h) { free(h); live_objects--; return 0; }
static int create(void **d, size_t size) { *d = calloc(1, size); live_objects++; return 0; }
static int destroy(void *d) { free(d); live_objects--; return 0; }
int cudnnCreateTensorDescriptor(void **d) { return create(d, sizeof(tensor)); }
int cudnnDestroyTensorDescriptor(void *d) { return destroy(d); }
int cudnnCreateFilterDescriptor(void **d) { return create(d, sizeof(tensor)); }
int cudnnDestroyFilterDescriptor(void *d) { return destroy(d); }
int cudnnCreateConvolutionDescriptor(void **d) { return create(d, sizeof(conv)); }
int cudnnDestroyConvolutionDescriptor(void *d) { return destroy(d); }
int cudnnSetTensor4dDescriptor(tensor *t, int format, int type, int n, int c, int h, int w) {
    (void)format; (void)type;
    t->n = n; t->c = c; t->h = h; t->w = w;
    return 0;
}
int cudnnSetFilter4dDescriptor(tensor *t, int type, int format, int k, int c, int h, int w) {
    (void)format; (void)type;
    t->n = k; t->c = c; t->h = h; t->w = w;
    return 0;
}
int cudnnSetConvolution2dDescriptor(conv *c, int ph, int pw, int u, int v, int dh, int dw, int mode, int type) {
    (void)pw; (void)v; (void)dh; (void)dw; (void)mode; (void)type;
    c->pad = ph; c->stride = u;
    return 0;
}
int cudnnSetConvolutionMathType(conv *c, int m) { c->math = m; return 0; }
int cudnnGetConvolutionForwardAlgorithm_v7(void *h, tensor *x, tensor *w, conv *c, tensor *y, int requested, int *returned,
                                           unsigned char *perf) {
    (void)h; (void)x; (void)w; (void)c; (void)y;
    if (requested < 3) return 2000;
    /* cudnnConvolutionFwdAlgoPerf_t: algo, status, time, (pad), memory, determinism, mathType, reserved[3]. */
    memset(perf, 0, 48 * 3);
    char mode[32];
    if (fake_setting("FAKECUDNN_PERF", mode, sizeof mode) && strcmp(mode, "mixed") == 0) {
        *(int *)perf = 7; *(int *)(perf + 4) = 3000;                                      /* cannot run */
        *(int *)(perf + 48) = 6; *(int *)(perf + 48 + 28) = 1;                            /* tensor-core math */
        *(int *)(perf + 96) = 1; *(int *)(perf + 96 + 28) = c->math;
        *returned = 3;
        return 0;
    }
    *(int *)perf = 1;
    *(int *)(perf + 28) = c->math;
    *returned = 1;
    return 0;
}
int cudnnGetConvolutionForwardWorkspaceSize(void *h, tensor *x, tensor *w, conv *c, tensor *y, int algo, size_t *size) {
    (void)h; (void)x; (void)w; (void)c; (void)y; (void)algo;
    *size = 1024;
    return 0;
}
int cudnnConvolutionForward(void *h, const float *alpha, tensor *xd, const float *x, tensor *wd, const float *w, conv *cd, int algo,
                            void *ws, size_t wsBytes, const float *beta, tensor *yd, float *y) {
    (void)h; (void)ws; (void)wsBytes; (void)beta;
    if (load_sublibs() != 0) return SUBLIB_FAILED;
    if (algo == 7) return 3000; /* CUDNN_STATUS_NOT_SUPPORTED: the "mixed" list's first entry said so */
    int N = xd->n, C = xd->c, H = xd->h, W = xd->w, K = wd->n, R = wd->h, S = wd->w, P = cd->pad;
    for (int n = 0; n < N; n++)
        for (int k = 0; k < K; k++)
            for (int oh = 0; oh < yd->h; oh++)
                for (int ow = 0; ow < yd->w; ow++) {
                    double s = 0;
                    for (int c = 0; c < C; c++)
                        for (int r = 0; r < R; r++)
                            for (int q = 0; q < S; q++) {
                                int ih = oh + r - P, iw = ow + q - P;
                                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                                s += (double)x[((int64_t)(n * C + c) * H + ih) * W + iw] * w[((int64_t)(k * C + c) * R + r) * S + q];
                            }
                    y[((int64_t)(n * K + k) * yd->h + oh) * yd->w + ow] = (float)(*alpha * s);
                }
    return 0;
}

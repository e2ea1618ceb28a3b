/* A fake cuDNN 9 dispatcher. Like the real one, it needs its sub-libraries beside it: an operation fails with
 * CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED when libcudnn_cnn.so.9 (and the others) are not in its folder.
 *   FAKECUDNN_VERSION  cudnnGetVersion (default 91400)
 *   FAKECUDNN_CUDART   cudnnGetCudartVersion (default 13000)
 * The convolution runs on the host memory of the fake driver. */
#include <stdint.h>
#include "fake_common.h"

#define SUBLIB_FAILED 4008
static int live_objects;
int fakecudnn_live_objects(void) { return live_objects; }

size_t cudnnGetVersion(void) { return (size_t)fake_env_int("FAKECUDNN_VERSION", 91400); }
size_t cudnnGetCudartVersion(void) { return (size_t)fake_env_int("FAKECUDNN_CUDART", 13000); }
size_t cudnnGetMaxDeviceVersion(void) { return 1200; }
const char *cudnnGetErrorString(int s) { return s == SUBLIB_FAILED ? "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED" : s == 0 ? "CUDNN_STATUS_SUCCESS" : "CUDNN_STATUS_INTERNAL_ERROR"; }

static int sublibs_present(void) {
    Dl_info info;
    if (!dladdr((void *)&sublibs_present, &info) || !info.dli_fname) return 0;
    char path[4096];
    strncpy(path, info.dli_fname, sizeof path - 64);
    path[sizeof path - 64] = 0;
    char *slash = strrchr(path, '/');
    if (!slash) return 0;
    strcpy(slash + 1, "libcudnn_cnn.so.9");
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    fclose(f);
    return 1;
}

typedef struct { int n, c, h, w; } tensor;
typedef struct { int pad, stride; } conv;
int cudnnCreate(void **h) { if (!sublibs_present()) return SUBLIB_FAILED; *h = malloc(1); live_objects++; return 0; }
int cudnnDestroy(void *h) { free(h); live_objects--; return 0; }
static int create(void **d, size_t size) { *d = calloc(1, size); live_objects++; return 0; }
static int destroy(void *d) { free(d); live_objects--; return 0; }
int cudnnCreateTensorDescriptor(void **d) { return create(d, sizeof(tensor)); }
int cudnnDestroyTensorDescriptor(void *d) { return destroy(d); }
int cudnnCreateFilterDescriptor(void **d) { return create(d, sizeof(tensor)); }
int cudnnDestroyFilterDescriptor(void *d) { return destroy(d); }
int cudnnCreateConvolutionDescriptor(void **d) { return create(d, sizeof(conv)); }
int cudnnDestroyConvolutionDescriptor(void *d) { return destroy(d); }
int cudnnSetTensor4dDescriptor(tensor *t, int format, int type, int n, int c, int h, int w) { (void)format; (void)type; t->n = n; t->c = c; t->h = h; t->w = w; return 0; }
int cudnnSetFilter4dDescriptor(tensor *t, int type, int format, int k, int c, int h, int w) { (void)format; (void)type; t->n = k; t->c = c; t->h = h; t->w = w; return 0; }
int cudnnSetConvolution2dDescriptor(conv *c, int ph, int pw, int u, int v, int dh, int dw, int mode, int type) { (void)pw; (void)v; (void)dh; (void)dw; (void)mode; (void)type; c->pad = ph; c->stride = u; return 0; }
int cudnnSetConvolutionMathType(conv *c, int m) { (void)c; (void)m; return 0; }
int cudnnGetConvolutionForwardAlgorithm_v7(void *h, tensor *x, tensor *w, conv *c, tensor *y, int requested, int *returned, unsigned char *perf) {
    (void)h; (void)x; (void)w; (void)c; (void)y;
    if (requested < 1) return 3;
    memset(perf, 0, 48);
    *(int *)perf = 1;
    *returned = 1;
    return 0;
}
int cudnnGetConvolutionForwardWorkspaceSize(void *h, tensor *x, tensor *w, conv *c, tensor *y, int algo, size_t *size) { (void)h; (void)x; (void)w; (void)c; (void)y; (void)algo; *size = 1024; return 0; }
int cudnnConvolutionForward(void *h, const float *alpha, tensor *xd, const float *x, tensor *wd, const float *w, conv *cd, int algo, void *ws, size_t wsBytes,
                            const float *beta, tensor *yd, float *y) {
    (void)h; (void)algo; (void)ws; (void)wsBytes; (void)beta;
    if (!sublibs_present()) return SUBLIB_FAILED;
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

/* A fake CUDA driver (libcuda.so.1) for tests on machines without a GPU.
 *   FAKECUDA_DEVICES   number of devices (default 2)
 *   FAKECUDA_VERSION   cuDriverGetVersion value (default 13000)
 *   FAKECUDA_FAIL      "cuInit=100,cuDeviceGetName@1=999": calls to fail, optionally for one device
 *   CUDA_VISIBLE_DEVICES and FAKENVML_MIG  which devices are enumerated, as the real driver does (see below)
 *   FAKECUDA_TRACE     a file to append one line per call to (also the fake cuBLASLt's and NCCL's; see "Call trace")
 * (settings: fake-gpu.conf beside the library, see fake_common.h)
 * Contexts behave as the real driver's do: primary contexts with a retain count per device (destroyed at
 * zero, with the memory allocated in them), created contexts destroyed by cuCtxDestroy, and a current-context
 * stack per thread.
 * As strict as the driver where an engine bug would otherwise pass: copies and fills must lie inside one live
 * allocation, and need a current context; a stream, event or module destroyed twice is an invalid handle; and
 * asynchronous work is queued and runs only at synchronisation points (see "Stream work").
 * Built with -DFAKE_OLD_DRIVER it lacks the exports a pre-3.2 driver lacks (cuDeviceTotalMem_v2). */
#include <stdint.h>
#include <stddef.h>
#include "fake_common.h"

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef unsigned long long CUdeviceptr;

#define FAIL(fn, dev) do { int c_ = fake_fail_code("FAKECUDA_FAIL", fn, dev); if (c_) return c_; } while (0)

/* The driver calls are written under their own names and made here as fake_<name>: the exported names are the
 * wrappers at the end of the file (see "Call trace"), which trace each call the module makes. Calls inside this
 * file reach the fake_ functions directly, as the real driver's own calls would not appear to a caller. */
#define cuInit fake_cuInit
#define cuDriverGetVersion fake_cuDriverGetVersion
#define cuGetErrorName fake_cuGetErrorName
#define cuGetErrorString fake_cuGetErrorString
#define cuDeviceGetCount fake_cuDeviceGetCount
#define cuDeviceGet fake_cuDeviceGet
#define cuDeviceGetName fake_cuDeviceGetName
#define cuDeviceTotalMem_v2 fake_cuDeviceTotalMem_v2
#define cuDeviceGetAttribute fake_cuDeviceGetAttribute
#define cuDeviceGetPCIBusId fake_cuDeviceGetPCIBusId
#define cuDeviceGetUuid fake_cuDeviceGetUuid
#define cuDeviceGetUuid_v2 fake_cuDeviceGetUuid_v2
#define cuDevicePrimaryCtxRetain fake_cuDevicePrimaryCtxRetain
#define cuDevicePrimaryCtxRelease_v2 fake_cuDevicePrimaryCtxRelease_v2
#define cuCtxCreate_v2 fake_cuCtxCreate_v2
#define cuCtxDestroy_v2 fake_cuCtxDestroy_v2
#define cuCtxPushCurrent_v2 fake_cuCtxPushCurrent_v2
#define cuCtxPopCurrent_v2 fake_cuCtxPopCurrent_v2
#define cuMemGetInfo_v2 fake_cuMemGetInfo_v2
#define cuMemAlloc_v2 fake_cuMemAlloc_v2
#define cuMemFree_v2 fake_cuMemFree_v2
#define cuMemcpyHtoD_v2 fake_cuMemcpyHtoD_v2
#define cuMemcpyDtoH_v2 fake_cuMemcpyDtoH_v2
#define cuMemsetD8_v2 fake_cuMemsetD8_v2
#define cuStreamCreate fake_cuStreamCreate
#define cuStreamDestroy_v2 fake_cuStreamDestroy_v2
#define cuStreamSynchronize fake_cuStreamSynchronize
#define cuCtxSynchronize fake_cuCtxSynchronize
#define cuCtxGetDevice fake_cuCtxGetDevice
#define cuEventCreate fake_cuEventCreate
#define cuEventDestroy_v2 fake_cuEventDestroy_v2
#define cuEventRecord fake_cuEventRecord
#define cuEventSynchronize fake_cuEventSynchronize
#define cuEventElapsedTime fake_cuEventElapsedTime
#define cuMemsetD8Async fake_cuMemsetD8Async
#define cuMemcpyHtoDAsync_v2 fake_cuMemcpyHtoDAsync_v2
#define cuMemcpyDtoHAsync_v2 fake_cuMemcpyDtoHAsync_v2
#define cuModuleLoadDataEx fake_cuModuleLoadDataEx
#define cuModuleUnload fake_cuModuleUnload
#define cuModuleGetFunction fake_cuModuleGetFunction
#define cuLaunchKernel fake_cuLaunchKernel
#define cuMemHostAlloc fake_cuMemHostAlloc
#define cuMemFreeHost fake_cuMemFreeHost
#define cuMemHostGetDevicePointer_v2 fake_cuMemHostGetDevicePointer_v2
#define cuMemcpyDtoDAsync_v2 fake_cuMemcpyDtoDAsync_v2
#define cuStreamWaitEvent fake_cuStreamWaitEvent
#define cuDeviceCanAccessPeer fake_cuDeviceCanAccessPeer
#define cuCtxEnablePeerAccess fake_cuCtxEnablePeerAccess
#define cuMemcpyPeerAsync fake_cuMemcpyPeerAsync
#define cuDeviceGetP2PAttribute fake_cuDeviceGetP2PAttribute
#define cuCtxDisablePeerAccess fake_cuCtxDisablePeerAccess
#define cuStreamQuery fake_cuStreamQuery
#define cuPointerGetAttribute fake_cuPointerGetAttribute

#include <pthread.h>
#include <sched.h>

#define MAX_DEVICES 64
#define MAX_STACK 32

static int live_allocations;
/* Allocations still alive when their context was destroyed: the real driver frees them with the context,
 * so a count above zero means the module gave a context back before the memory it allocated in it. */
static int allocations_lost_with_context;

/* A context: a device's primary context (alive while its retain count is above zero, created anew by the
 * first retain after it reached zero) or one made by cuCtxCreate (alive until cuCtxDestroy). Destroyed
 * contexts are kept as tombstones, so a stale handle is refused instead of reused. */
typedef struct fake_ctx { int device; int alive; int live_allocations; } fake_ctx;
static pthread_mutex_t ctx_lock = PTHREAD_MUTEX_INITIALIZER;
static fake_ctx g_primary[MAX_DEVICES];
static int retain_count[MAX_DEVICES];
static int created_alive;
static int context_creations;
/* The current-context stack is per thread, as in the real driver: a push on one thread and a pop or an
 * allocation on another fails here just as it does on a GPU. */
static __thread fake_ctx *tl_stack[MAX_STACK];
static __thread int tl_depth;

static fake_ctx *current_ctx(void) { return tl_depth > 0 ? tl_stack[tl_depth - 1] : NULL; }
__attribute__((unused)) static int current_device(void) { fake_ctx *c = current_ctx(); return c ? c->device : -1; }
/* CUDA_ERROR_INVALID_CONTEXT (201) unless this thread has a live context current. */
static int require_context(void) {
    fake_ctx *c = current_ctx();
    if (!c) return 201;
    pthread_mutex_lock(&ctx_lock);
    int alive = c->alive;
    pthread_mutex_unlock(&ctx_lock);
    return alive ? 0 : 201;
}
/* Called with ctx_lock held. */
static void destroy_ctx(fake_ctx *c) {
    c->alive = 0;
    allocations_lost_with_context += c->live_allocations;
}

static int physical_devices(void) { return fake_env_int("FAKECUDA_DEVICES", 2); }

/* ---- Which devices CUDA enumerates: CUDA_VISIBLE_DEVICES and MIG (FAKENVML_MIG, see fake_common.h) ----
 * As the real driver: CUDA_VISIBLE_DEVICES lists indexes, GPU-<uuid> and MIG-<uuid> (prefixes allowed), and the
 * list ends at the first entry that names nothing; an empty value hides every GPU. A GPU in MIG mode is never
 * enumerated whole: CUDA shows one of its MIG devices instead (the one named, else the first), and a process
 * enumerates at most one MIG device (NVIDIA MIG User Guide, "CUDA Device Enumeration",
 * https://docs.nvidia.com/datacenter/tesla/mig-user-guide/). Read from fake-gpu.conf, else the environment. */
#include <strings.h>
typedef struct { int gpu; int mig; } visible_device;

static int prefix_of(const char *entry, size_t len, const char *full) { return len >= 5 && strncasecmp(entry, full, len) == 0; }

static int visible_devices(visible_device *out, int max) {
    char buf[1024];
    const char *spec = fake_setting("CUDA_VISIBLE_DEVICES", buf, sizeof buf);
    int migs = fake_mig_devices(NULL);
    int n = 0, mig_taken = 0, gpus = physical_devices();
    if (!spec) {
        for (int g = 0; g < gpus && n < max; g++) {
            if (g == 0 && migs >= 0) { if (migs > 0 && !mig_taken) { out[n].gpu = 0; out[n++].mig = 0; mig_taken = 1; } continue; }
            out[n].gpu = g; out[n++].mig = -1;
        }
        return n;
    }
    if (spec != buf) { strncpy(buf, spec, sizeof buf - 1); buf[sizeof buf - 1] = 0; }
    for (char *save = NULL, *e = strtok_r(buf, ",", &save); e && n < max; e = strtok_r(NULL, ",", &save)) {
        while (*e == ' ') e++;
        size_t len = strcspn(e, " ");
        int gpu = -1, mig = -1;
        char text[96];
        if (len > 0 && strspn(e, "0123456789") == len) gpu = atoi(e);
        for (int g = 0; g < gpus && gpu < 0 && mig < 0; g++) {
            fake_uuid_text(g, text, sizeof text);
            if (prefix_of(e, len, text)) gpu = g;
            for (int k = 0; g == 0 && k < migs && mig < 0; k++) {
                fake_mig_uuid_text(0, k, text, sizeof text);
                if (prefix_of(e, len, text)) { gpu = 0; mig = k; }
            }
        }
        if (gpu < 0 || gpu >= gpus) break;
        if (gpu == 0 && migs >= 0) {
            if (mig < 0) mig = 0;
            if (mig >= migs || mig_taken) continue;
            mig_taken = 1;
        }
        out[n].gpu = gpu; out[n++].mig = mig;
    }
    return n;
}

static int devices(void) { visible_device v[64]; return visible_devices(v, 64); }
/* The physical GPU behind CUDA ordinal d, and its MIG device (-1: the whole GPU); -1 for no such ordinal. */
static int physical(int d, int *mig) {
    visible_device v[64];
    int n = visible_devices(v, 64);
    if (mig) *mig = -1;
    if (d < 0 || d >= n) return -1;
    if (mig) *mig = v[d].mig;
    return v[d].gpu;
}
static int valid(int d) { return d >= 0 && d < devices(); }

CUresult cuInit(unsigned int flags) { (void)flags; FAIL("cuInit", -1); return devices() == 0 ? 100 : 0; }
CUresult cuDriverGetVersion(int *v) { FAIL("cuDriverGetVersion", -1); *v = fake_env_int("FAKECUDA_VERSION", 13000); return 0; }

CUresult cuGetErrorName(CUresult e, const char **s) {
    switch (e) {
    case 0: *s = "CUDA_SUCCESS"; return 0;
    case 2: *s = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
    case 100: *s = "CUDA_ERROR_NO_DEVICE"; return 0;
    case 101: *s = "CUDA_ERROR_INVALID_DEVICE"; return 0;
    case 999: *s = "CUDA_ERROR_UNKNOWN"; return 0;
    default: *s = NULL; return 1;
    }
}

CUresult cuGetErrorString(CUresult e, const char **s) {
    switch (e) {
    case 0: *s = "no error"; return 0;
    case 2: *s = "out of memory"; return 0;
    case 100: *s = "no CUDA-capable device is detected"; return 0;
    case 101: *s = "invalid device ordinal"; return 0;
    case 999: *s = "unknown error"; return 0;
    default: *s = NULL; return 1;
    }
}

CUresult cuDeviceGetCount(int *n) { FAIL("cuDeviceGetCount", -1); *n = devices(); return 0; }
CUresult cuDeviceGet(CUdevice *d, int ordinal) { FAIL("cuDeviceGet", ordinal); if (!valid(ordinal)) return 101; *d = ordinal; return 0; }

CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
    FAIL("cuDeviceGetName", d);
    int mig, g = physical(d, &mig);
    if (g < 0) return 101;
    char key[32], own[256];
    snprintf(key, sizeof key, "FAKECUDA_NAME%d", g); /* FAKECUDA_NAME0=NVIDIA H100 80GB HBM3: a name the card table knows */
    const char *named = fake_setting(key, own, sizeof own);
    snprintf(name, (size_t)len, "%s", named && *named ? named : g % 2 == 0 ? "NVIDIA Fake H100 80GB HBM3" : "NVIDIA GeForce Fake RTX 3090");
    fake_mig_profile profiles[FAKE_MIG_MAX];
    /* A MIG device is named after its parent and profile, as the driver names it: "... MIG 3g.40gb". */
    if (mig >= 0 && fake_mig_devices(profiles) > mig) {
        size_t used = strlen(name);
        const fake_mig_profile *m = &profiles[mig];
        if (m->compute_slices != m->gpu_slices)
            snprintf(name + used, (size_t)len - used, " MIG %dc.%dg.%dgb", m->compute_slices, m->gpu_slices, m->gb);
        else snprintf(name + used, (size_t)len - used, " MIG %dg.%dgb", m->gpu_slices, m->gb);
    }
    return 0;
}

#ifndef FAKE_OLD_DRIVER
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) {
    FAIL("cuDeviceTotalMem_v2", d);
    int mig, g = physical(d, &mig);
    if (g < 0) return 101;
    fake_mig_profile profiles[FAKE_MIG_MAX];
    if (mig >= 0 && fake_mig_devices(profiles) > mig) { *bytes = (size_t)fake_mig_memory_mib(&profiles[mig]) * 1024 * 1024; return 0; }
    *bytes = g % 2 == 0 ? (size_t)81559 * 1024 * 1024 : (size_t)24576 * 1024 * 1024;
    return 0;
}
#endif

CUresult cuDeviceGetAttribute(int *v, int attr, CUdevice d) {
    FAIL("cuDeviceGetAttribute", d);
    int mig, g = physical(d, &mig);
    if (g < 0) return 101;
    int hopper = g % 2 == 0;
    fake_mig_profile profiles[FAKE_MIG_MAX];
    int mig_sms = mig >= 0 && fake_mig_devices(profiles) > mig ? fake_mig_sms(&profiles[mig]) : 0;
    switch (attr) {
    case 13: *v = hopper ? 1980000 : 1695000; return 0;   /* clock rate, kHz */
    case 16: *v = mig_sms ? mig_sms : hopper ? 132 : 82; return 0; /* SMs: a MIG device has its instance's share */
    case 18: *v = 0; return 0;                            /* integrated */
    case 32: *v = hopper ? 1 : 0; return 0;               /* ECC */
    case 33: *v = fake_pci_bus(g); return 0;
    case 34: *v = 0; return 0;
    case 36: *v = hopper ? 2619000 : 9751000; return 0;   /* memory clock, kHz */
    case 37: *v = hopper ? 5120 : 384; return 0;          /* bus width, bits */
    case 38: *v = hopper ? 52428800 : 6291456; return 0;  /* L2 */
    case 39: *v = hopper ? 2048 : 1536; return 0;         /* threads per SM (sm_90: 2048; sm_86: 1536) */
    case 50: *v = 0; return 0;
    case 75: *v = hopper ? 9 : 8; return 0;
    case 76: *v = hopper ? 0 : 6; return 0;
    default: *v = 0; return 1;
    }
}

CUresult cuDeviceGetPCIBusId(char *s, int len, CUdevice d) {
    FAIL("cuDeviceGetPCIBusId", d);
    int g = physical(d, NULL);
    if (g < 0) return 101;
    snprintf(s, (size_t)len, "0000:%02x:00.0", fake_pci_bus(g)); /* a MIG device answers with its parent's bus id */
    return 0;
}

static CUresult get_uuid(unsigned char *out, CUdevice d, int v2) {
    FAIL("cuDeviceGetUuid", d);
    int mig, g = physical(d, &mig);
    if (g < 0) return 101;
    fake_uuid_bytes(g, out);
    if (mig >= 0 && v2) fake_mig_uuid_bytes(g, mig, out);
    return 0;
}
/* The first version gives a MIG device's parent GPU UUID; _v2 gives the MIG device's own (CUDA Driver API,
 * cuDeviceGetUuid_v2: "If the device is in MIG mode, returns its MIG UUID"). */
CUresult cuDeviceGetUuid(unsigned char *out, CUdevice d) { return get_uuid(out, d, 0); }
#ifndef FAKE_OLD_DRIVER
CUresult cuDeviceGetUuid_v2(unsigned char *out, CUdevice d) { return get_uuid(out, d, 1); }
#endif

CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) {
    FAIL("cuDevicePrimaryCtxRetain", d);
    if (!valid(d) || d >= MAX_DEVICES) return 101;
    pthread_mutex_lock(&ctx_lock);
    if (retain_count[d]++ == 0) { context_creations++; g_primary[d].device = d; g_primary[d].alive = 1; g_primary[d].live_allocations = 0; }
    pthread_mutex_unlock(&ctx_lock);
    *c = &g_primary[d];
    return 0;
}
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    if (!valid(d) || d >= MAX_DEVICES) return 101;
    pthread_mutex_lock(&ctx_lock);
    if (retain_count[d] == 0) { pthread_mutex_unlock(&ctx_lock); return 201; }
    if (--retain_count[d] == 0) destroy_ctx(&g_primary[d]);
    pthread_mutex_unlock(&ctx_lock);
    return 0;
}
CUresult cuCtxCreate_v2(CUcontext *c, unsigned int flags, CUdevice d) {
    (void)flags;
    FAIL("cuCtxCreate_v2", d);
    if (!valid(d) || d >= MAX_DEVICES) return 101;
    if (tl_depth == MAX_STACK) return 999;
    fake_ctx *ctx = calloc(1, sizeof(fake_ctx));
    if (!ctx) return 2;
    ctx->device = d;
    ctx->alive = 1;
    pthread_mutex_lock(&ctx_lock);
    created_alive++;
    context_creations++;
    pthread_mutex_unlock(&ctx_lock);
    tl_stack[tl_depth++] = ctx; /* as the driver does: the new context is current on the calling thread */
    *c = ctx;
    return 0;
}
CUresult cuCtxDestroy_v2(CUcontext c) {
    fake_ctx *ctx = c;
    if (!ctx) return 201;
    pthread_mutex_lock(&ctx_lock);
    int primary = ctx >= g_primary && ctx < g_primary + MAX_DEVICES;
    if (primary || !ctx->alive) { pthread_mutex_unlock(&ctx_lock); return 201; }
    destroy_ctx(ctx);
    created_alive--;
    pthread_mutex_unlock(&ctx_lock);
    if (tl_depth > 0 && tl_stack[tl_depth - 1] == ctx) tl_depth--; /* current here: popped with it */
    return 0;
}
CUresult cuCtxPushCurrent_v2(CUcontext c) {
    FAIL("cuCtxPushCurrent_v2", -1);
    fake_ctx *ctx = c;
    if (!ctx) return 201;
    pthread_mutex_lock(&ctx_lock);
    int alive = ctx->alive;
    pthread_mutex_unlock(&ctx_lock);
    if (!alive) return 201; /* a destroyed context */
    if (tl_depth == MAX_STACK) return 999;
    tl_stack[tl_depth++] = ctx;
    return 0;
}
CUresult cuCtxPopCurrent_v2(CUcontext *c) {
    if (c) *c = NULL;
    if (tl_depth == 0) return 201;
    fake_ctx *ctx = tl_stack[--tl_depth];
    if (c) *c = ctx;
    return 0;
}

/* "Device" memory is host memory, so copies and the fake cuBLASLt can work on it. Allocations larger
 * than FAKECUDA_REAL_LIMIT_MB (default 256) only pretend (a 1-byte block), so tests can ask for huge
 * buffers without using the host's memory; the reported total is FAKECUDA_MEMORY_MB (default 81559). */
static size_t live_bytes;
static size_t total_bytes(void) {
    int mig = -1;
    fake_mig_profile profiles[FAKE_MIG_MAX];
    /* In a MIG device's context, the instance's memory is all there is. */
    if (physical(current_device(), &mig) >= 0 && mig >= 0 && fake_mig_devices(profiles) > mig)
        return (size_t)fake_mig_memory_mib(&profiles[mig]) * 1024 * 1024;
    return (size_t)fake_env_int("FAKECUDA_MEMORY_MB", 81559) * 1024 * 1024;
}

CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    FAIL("cuMemGetInfo_v2", -1);
    if (require_context()) return 201; /* CUDA_ERROR_INVALID_CONTEXT: the module must make a context current */
    *total = total_bytes();
    size_t used = live_bytes + (size_t)512 * 1024 * 1024;
    *free_bytes = used > *total ? 0 : *total - used;
    return 0;
}

typedef struct { size_t bytes; fake_ctx *ctx; } alloc_header;

/* Allocations above FAKECUDA_REAL_LIMIT_MB only pretend to exist (1 real byte). Copies, fills and kernels that
 * touch one do nothing, as if the data went where it should; checks on the data then fail, as they should,
 * instead of the fake writing past its 1 byte and crashing the test process. */
#define MAX_PRETEND 1024
static uintptr_t pretend_base[MAX_PRETEND];
static size_t pretend_len[MAX_PRETEND];
static int is_pretend(uintptr_t p) {
    int found = 0;
    pthread_mutex_lock(&ctx_lock);
    for (int i = 0; i < MAX_PRETEND && !found; i++) found = pretend_len[i] && p >= pretend_base[i] && p < pretend_base[i] + pretend_len[i];
    pthread_mutex_unlock(&ctx_lock);
    return found;
}
static void track_pretend(uintptr_t p, size_t len, int add) {
    pthread_mutex_lock(&ctx_lock);
    for (int i = 0; i < MAX_PRETEND; i++) {
        if (add && pretend_len[i] == 0) { pretend_base[i] = p; pretend_len[i] = len; break; }
        if (!add && pretend_len[i] && pretend_base[i] == p) { pretend_len[i] = 0; break; }
    }
    pthread_mutex_unlock(&ctx_lock);
}
#define SKIP_IF_PRETEND(a, b) do { if (is_pretend((uintptr_t)(a)) || is_pretend((uintptr_t)(b))) return 0; } while (0)

static int track_allocation(uintptr_t base, size_t len, int device, int add);
static int pinned_range(uintptr_t p, size_t bytes);
static int pinned_flags_of(const void *p);
/* Stream work (see "Stream work" below): queued by the asynchronous calls, run at synchronisation points. */
static void run_queued_work(void);
static CUresult queue_copy(void *stream, void *dst, const void *src, size_t bytes, int skip, void *staged);
static CUresult queue_fill(void *stream, void *dst, unsigned char value, size_t bytes, int skip);
static CUresult queue_record(void *stream, void *event, int device);
static int stream_busy(void *stream);

/* Device memory a copy or fill touches must lie inside one live allocation: cuMemAlloc's (at the size asked for,
 * also for a pretend one) or page-locked host memory, which unified addressing lets the device reach at the host
 * address. A range that runs past its allocation, or a freed pointer, is CUDA_ERROR_INVALID_VALUE (1), "one or
 * more of the parameters passed to the API call is not within an acceptable range of values" (CUDA Driver API,
 * CUresult, https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__TYPES.html). An empty copy touches nothing. */
#define MAX_TRACKED 4096
static struct { uintptr_t base; size_t len; int device; } tracked[MAX_TRACKED];
static int inside(uintptr_t p, size_t bytes, uintptr_t base, size_t len) {
    return p >= base && p - base <= len && bytes <= len - (p - base);
}
static int device_range(CUdeviceptr dptr, size_t bytes) {
    if (bytes == 0) return 0;
    uintptr_t p = (uintptr_t)dptr;
    int found = 0;
    pthread_mutex_lock(&ctx_lock);
    for (int i = 0; i < MAX_TRACKED && !found; i++) found = tracked[i].len && inside(p, bytes, tracked[i].base, tracked[i].len);
    pthread_mutex_unlock(&ctx_lock);
    return found || pinned_range(p, bytes) ? 0 : 1;
}
#define CHECK_RANGE(p, bytes) do { if (device_range((CUdeviceptr)(p), (bytes))) return 1; } while (0)

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    FAIL("cuMemAlloc_v2", -1);
    if (require_context()) return 201;
    if (live_bytes + bytes + (size_t)512 * 1024 * 1024 > total_bytes()) return 2;
    size_t real = bytes <= (size_t)fake_env_int("FAKECUDA_REAL_LIMIT_MB", 256) * 1024 * 1024 ? bytes : 1;
    alloc_header *h = malloc(sizeof(alloc_header) + (real ? real : 1));
    if (!h) return 2;
    h->bytes = bytes;
    h->ctx = current_ctx();
    if (!track_allocation((uintptr_t)(h + 1), bytes, h->ctx->device, 1)) { free(h); return 2; }
    if (real < bytes) track_pretend((uintptr_t)(h + 1), bytes, 1);
    *p = (CUdeviceptr)(uintptr_t)(h + 1);
    pthread_mutex_lock(&ctx_lock);
    live_allocations++;
    h->ctx->live_allocations++;
    live_bytes += bytes;
    pthread_mutex_unlock(&ctx_lock);
    return 0;
}
CUresult cuMemFree_v2(CUdeviceptr p) {
    if (require_context()) return 201;
    /* Only the start of a live allocation can be freed: another address, or one freed already, is refused. */
    if (!track_allocation((uintptr_t)p, 0, 0, 0)) return 1;
    run_queued_work(); /* work queued on the memory finishes before it is given back, as cuMemFree waits for it */
    alloc_header *h = ((alloc_header *)(uintptr_t)p) - 1;
    track_pretend((uintptr_t)p, 0, 0);
    pthread_mutex_lock(&ctx_lock);
    live_bytes -= h->bytes;
    live_allocations--;
    h->ctx->live_allocations--;
    pthread_mutex_unlock(&ctx_lock);
    free(h);
    return 0;
}

/* The synchronous copies need a current context as the asynchronous ones do (CUDA_ERROR_INVALID_CONTEXT). They
 * run on the legacy default stream, after the work queued before them: queued work is finished first. */
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
    FAIL("cuMemcpyHtoD_v2", -1);
    if (require_context()) return 201;
    CHECK_RANGE(dst, bytes);
    run_queued_work();
    SKIP_IF_PRETEND(dst, 0);
    memcpy((void *)(uintptr_t)dst, src, bytes);
    return 0;
}
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
    FAIL("cuMemcpyDtoH_v2", -1);
    if (require_context()) return 201;
    CHECK_RANGE(src, bytes);
    run_queued_work();
    SKIP_IF_PRETEND(0, src);
    memcpy(dst, (const void *)(uintptr_t)src, bytes);
    return 0;
}
CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t count) {
    if (require_context()) return 201;
    CHECK_RANGE(dst, count);
    run_queued_work();
    SKIP_IF_PRETEND(dst, 0);
    memset((void *)(uintptr_t)dst, value, count);
    return 0;
}

/* Live handles of one kind (streams, events, modules). Destroying a handle that is not live, one destroyed
 * already or never created, is CUDA_ERROR_INVALID_HANDLE (400) as on the driver, and is checked before the
 * handle's memory is touched, so a double destroy is refused instead of freeing twice. */
#define MAX_HANDLES 4096
typedef struct { void *live[MAX_HANDLES]; } handle_set;
static pthread_mutex_t handle_lock = PTHREAD_MUTEX_INITIALIZER;
static int handle_add(handle_set *set, void *h) {
    int added = 0;
    pthread_mutex_lock(&handle_lock);
    for (int i = 0; i < MAX_HANDLES && !added; i++) if (!set->live[i]) { set->live[i] = h; added = 1; }
    pthread_mutex_unlock(&handle_lock);
    return added;
}
static int handle_live(handle_set *set, const void *h) {
    int found = 0;
    pthread_mutex_lock(&handle_lock);
    for (int i = 0; i < MAX_HANDLES && h && !found; i++) found = set->live[i] == h;
    pthread_mutex_unlock(&handle_lock);
    return found;
}
/* 1 when h was live and is now forgotten. */
static int handle_remove(handle_set *set, const void *h) {
    int found = 0;
    pthread_mutex_lock(&handle_lock);
    for (int i = 0; i < MAX_HANDLES && h && !found; i++) if (set->live[i] == h) { set->live[i] = NULL; found = 1; }
    pthread_mutex_unlock(&handle_lock);
    return found;
}
static handle_set stream_handles, event_handles, module_handles;

/* Streams and events. A stream counts its queued work, for cuStreamQuery. An event holds the host time at which
 * its record ran, the device current when it was queued, and how many of its records are still queued. The
 * special handles CU_STREAM_LEGACY (1) and CU_STREAM_PER_THREAD (2) name the default streams, as NULL does. */
#include <time.h>
static int live_streams, live_events;
typedef struct { int queued; } fake_stream;
typedef struct { double ms; int device; int queued; } fake_event;
static int default_stream(const void *s) { return (uintptr_t)s <= 2; }
static int stream_ok(const void *s) { return default_stream(s) || handle_live(&stream_handles, s); }
CUresult cuStreamCreate(void **s, unsigned int flags) {
    (void)flags;
    FAIL("cuStreamCreate", -1);
    if (require_context()) return 201;
    fake_stream *stream = calloc(1, sizeof *stream);
    if (!stream || !handle_add(&stream_handles, stream)) { free(stream); return 2; }
    *s = stream;
    live_streams++;
    return 0;
}
CUresult cuStreamDestroy_v2(void *s) {
    if (!handle_remove(&stream_handles, s)) return 400;
    run_queued_work(); /* the driver finishes a destroyed stream's work; here it is finished before the stream goes */
    free(s);
    live_streams--;
    return 0;
}
CUresult cuStreamSynchronize(void *s) {
    if (!stream_ok(s)) return 400;
    run_queued_work();
    return 0;
}
CUresult cuCtxSynchronize(void) {
    if (require_context()) return 201;
    run_queued_work();
    return 0;
}
CUresult cuCtxGetDevice(CUdevice *d) { if (require_context()) return 201; *d = current_device(); return 0; }
CUresult cuEventCreate(void **e, unsigned int flags) {
    (void)flags;
    if (require_context()) return 201;
    fake_event *event = calloc(1, sizeof(fake_event));
    if (!event || !handle_add(&event_handles, event)) { free(event); return 2; }
    *e = event;
    live_events++;
    return 0;
}
CUresult cuEventDestroy_v2(void *e) {
    if (!handle_remove(&event_handles, e)) return 400;
    run_queued_work(); /* a queued record still points at the event */
    free(e);
    live_events--;
    return 0;
}
CUresult cuEventRecord(void *e, void *s) {
    if (!handle_live(&event_handles, e) || !stream_ok(s)) return 400;
    return queue_record(s, e, current_device());
}
CUresult cuEventSynchronize(void *e) {
    if (!handle_live(&event_handles, e)) return 400;
    run_queued_work();
    return 0;
}
/* FAKECUDA_EVENT_MS  "2" every elapsed time is 2 ms; "2,3" the calls take 2, 3, 2, 3, ... ms (unsteady batches).
 * The list runs on across calls and tests; a test with two streams reads two times a batch, so use an odd count. */
static unsigned elapsed_calls;
static double fixed_elapsed(const char *list) {
    int count = 1;
    for (const char *c = list; *c; c++) count += *c == ',';
    int pick = (int)(elapsed_calls++ % (unsigned)count);
    const char *item = list;
    while (pick-- > 0) item = strchr(item, ',') + 1;
    return atof(item);
}
/* CUDA_ERROR_NOT_READY (600) while either record is still queued, as on the driver. */
static int event_queued(void *e);
CUresult cuEventElapsedTime(float *ms, void *start, void *end) {
    if (!handle_live(&event_handles, start) || !handle_live(&event_handles, end)) return 400;
    if (event_queued(start) || event_queued(end)) return 600;
    char buf[64];
    const char *fixed = fake_setting("FAKECUDA_EVENT_MS", buf, sizeof buf);
    double elapsed = fixed && *fixed ? fixed_elapsed(fixed) : ((fake_event *)end)->ms - ((fake_event *)start)->ms;
    if (((fake_event *)end)->device == fake_env_int("FAKECUDA_SLOW_GPU", -1)) elapsed *= 1.5;
    *ms = (float)elapsed;
    if (*ms <= 0) *ms = 0.001f;
    return 0;
}
int fakecuda_live_streams(void) { return live_streams; }
int fakecuda_live_events(void) { return live_events; }
long long fakecuda_live_bytes(void) { return (long long)live_bytes; }

/* Test hooks: what the module has not given back. */
int fakecuda_live_allocations(void) { return live_allocations; }
int fakecuda_retained_contexts(void) {
    int total = 0;
    pthread_mutex_lock(&ctx_lock);
    for (int d = 0; d < MAX_DEVICES; d++) total += retain_count[d];
    pthread_mutex_unlock(&ctx_lock);
    return total;
}
/* Contexts alive now: primary contexts someone retains, and created ones not yet destroyed. */
int fakecuda_live_contexts(void) {
    int total;
    pthread_mutex_lock(&ctx_lock);
    total = created_alive;
    for (int d = 0; d < MAX_DEVICES; d++) total += retain_count[d] > 0;
    pthread_mutex_unlock(&ctx_lock);
    return total;
}
/* The calling thread's stack depth: the module must pop on the thread that pushed. */
int fakecuda_context_stack_depth(void) { return tl_depth; }
int fakecuda_context_creations(void) { return context_creations; }
int fakecuda_allocations_lost_with_context(void) { return allocations_lost_with_context; }

/* Stream-ordered memory operations (cuMemsetD8Async, cuMemcpyHtoDAsync_v2, cuMemcpyDtoHAsync_v2). They are
 * queued and run at the next synchronisation point (see "Stream work"); the hooks count the calls made on a
 * created stream and on the legacy default stream (NULL), so tests can check that the benchmark orders
 * its poison, uploads and read-backs on its own stream. */
static int async_on_stream, async_on_legacy;
static void count_async(void *stream) { if (stream) async_on_stream++; else async_on_legacy++; }
CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, void *stream) {
    FAIL("cuMemsetD8Async", -1);
    if (require_context()) return 201;
    CHECK_RANGE(dst, count);
    if (!stream_ok(stream)) return 400;
    count_async(stream);
    return queue_fill(stream, (void *)(uintptr_t)dst, value, count, is_pretend((uintptr_t)dst));
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes, void *stream) {
    FAIL("cuMemcpyHtoDAsync_v2", -1);
    if (require_context()) return 201;
    CHECK_RANGE(dst, bytes);
    if (!stream_ok(stream)) return 400;
    count_async(stream);
    int skip = is_pretend((uintptr_t)dst);
    void *staged = NULL;
    if (!skip && bytes && pinned_flags_of(src) < 0) { /* pageable: staged now, so the caller may reuse it at once */
        staged = malloc(bytes);
        if (!staged) return 2;
        memcpy(staged, src, bytes);
        src = staged;
    }
    return queue_copy(stream, (void *)(uintptr_t)dst, src, bytes, skip, staged);
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes, void *stream) {
    FAIL("cuMemcpyDtoHAsync_v2", -1);
    if (require_context()) return 201;
    CHECK_RANGE(src, bytes);
    if (!stream_ok(stream)) return 400;
    count_async(stream);
    CUresult r = queue_copy(stream, dst, (const void *)(uintptr_t)src, bytes, is_pretend((uintptr_t)src), NULL);
    if (r == 0 && pinned_flags_of(dst) < 0) run_queued_work(); /* to pageable memory: done when the call returns */
    return r;
}
int fakecuda_async_ops_on_streams(void) { return async_on_stream; }
int fakecuda_async_ops_on_legacy_stream(void) { return async_on_legacy; }
/* ---- Bandwidth (Measure-GpuBandwidth, Get-GpuTopology) ----
 *   FAKECUDA_PTX_REJECT   1: every PTX image is refused (CUDA_ERROR_INVALID_PTX, with a JIT log);
 *                         sm_50: only images targeting sm_50 are (a driver that dropped the old target)
 *   FAKECUDA_KERNEL_SKIP_LAST  1: the data kernels leave the last 16-byte element alone (a wrong kernel)
 *   FAKECUDA_SPIN_TIMEOUT 1: the spin kernel reports that it gave up waiting
 *   FAKECUDA_PINNED_LIMIT_MB   page-locked host memory the "OS" grants in one allocation (default: no limit)
 *   FAKECUDA_PEER         0: no device can access another's memory (default 1: all can)
 *   FAKECUDA_BAD_WORD     k: the memory test's fill leaves word k of every buffer one bit wrong (a bad memory cell)
 *   FAKECUDA_EVENT_MS     x: every event interval reads x ms (timings the tests can predict), see FAKECUDA_SLOW_GPU
 *   FAKECUDA_SLOW_GPU     d: intervals timed on device d read 1.5 times as long (a GPU slower than its peers)
 *   FAKECUDA_NAME<d>      device d's name (default: a Fake H100 for even d, a Fake RTX 3090 for odd d)
 * Kernels run on the host when their queued work runs (see "Stream work"), with the effect the PTX kernel of the
 * same name has, so the module's checks of the data run in CI. The spin kernel returns as soon as it runs. */
typedef struct { int magic; char *ptx; } fake_module;
typedef struct { int kind; } fake_function;
enum { K_WRITE = 1, K_READ, K_COPY, K_TRIAD, K_SPIN, K_COPY_STRIDED, K_COMPARE, K_FILL_PATTERN, K_CHECK_PATTERN, K_COUNT };
static fake_function g_functions[K_COUNT] = {
    {0}, {K_WRITE}, {K_READ}, {K_COPY}, {K_TRIAD}, {K_SPIN}, {K_COPY_STRIDED}, {K_COMPARE}, {K_FILL_PATTERN}, {K_CHECK_PATTERN}
};
static const char *const kernel_names[K_COUNT] = {
    "", "dlgpu_write", "dlgpu_read", "dlgpu_copy", "dlgpu_triad", "dlgpu_spin", "dlgpu_copy_strided",
    "dlgpu_compare", "dlgpu_fill_pattern", "dlgpu_check_pattern"
};
static int live_modules, live_pinned, spin_launches, kernel_launches;

static void jit_log(unsigned int n, const int *options, void **values, const char *text) {
    char *buffer = NULL;
    size_t size = 0;
    for (unsigned int i = 0; i < n; i++) {
        if (options[i] == 5) buffer = values[i];                      /* CU_JIT_ERROR_LOG_BUFFER */
        if (options[i] == 6) size = (size_t)(uintptr_t)values[i];     /* CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES */
    }
    if (buffer && size) snprintf(buffer, size, "%s", text);
}

CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned int n, int *options, void **values) {
    FAIL("cuModuleLoadDataEx", current_device());
    if (require_context()) return 201;
    const char *ptx = image;
    char reject[32];
    const char *mode = fake_setting("FAKECUDA_PTX_REJECT", reject, sizeof reject);
    if (mode && strcmp(mode, "1") == 0) {
        jit_log(n, options, values, "ptxas application ptx input, line 14; fatal   : Unsupported .version 6.0; current version is '5.0'");
        return 218;
    }
    if (mode && strcmp(mode, "sm_50") == 0 && strstr(ptx, ".target sm_50")) {
        jit_log(n, options, values, "ptxas fatal   : Value 'sm_50' is not defined for option 'gpu-name'");
        return 218;
    }
    if (!strstr(ptx, ".version ") || !strstr(ptx, ".target sm_") || !strstr(ptx, ".address_size 64")) {
        jit_log(n, options, values, "not PTX");
        return 200;
    }
    fake_module *m = malloc(sizeof *m);
    m->magic = 0x5054;
    m->ptx = strdup(ptx);
    if (!handle_add(&module_handles, m)) { free(m->ptx); free(m); return 2; }
    *module = m;
    live_modules++;
    return 0;
}

CUresult cuModuleUnload(void *module) {
    fake_module *m = module;
    if (!handle_remove(&module_handles, m)) return 400;
    m->magic = 0;
    free(m->ptx);
    free(m);
    live_modules--;
    return 0;
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
    fake_module *m = module;
    if (!handle_live(&module_handles, m) || m->magic != 0x5054) return 400;
    char entry[128];
    snprintf(entry, sizeof entry, ".entry %s(", name);
    if (!strstr(m->ptx, entry)) return 500; /* CUDA_ERROR_NOT_FOUND, as for a name the module lacks */
    for (int k = 1; k < K_COUNT; k++) if (strcmp(name, kernel_names[k]) == 0) { *function = &g_functions[k]; return 0; }
    return 500;
}

static unsigned int pattern_word(unsigned long long k, unsigned int seed) { return (unsigned int)k * 0x9E3779B1u + seed; }

/* The memory test's word i, as HealthKernels.ptx computes it. */
static unsigned int health_pattern(unsigned int mode, unsigned int value, unsigned long long i) {
    unsigned int low = (unsigned int)i;
    if (mode == 0) return value;
    if (mode == 1) return low ^ value;
    unsigned int h = low + value;
    h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
    return h;
}

/* The bytes of each kernel's parameters, in order, as its .entry declares them (.u64 8, .u32 4). */
static const char *const param_bytes[K_COUNT] = { "", "884", "888", "888", "88884", "888", "888888", "8888", "8844", "88448" };

static CUresult queue_kernel(void *stream, fake_function *fn, unsigned int gx, unsigned int bx, void **params);
CUresult cuLaunchKernel(void *f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by, unsigned int bz,
                        unsigned int shared, void *stream, void **params, void **extra) {
    (void)shared; (void)extra;
    FAIL("cuLaunchKernel", current_device());
    if (require_context()) return 201;
    if (gx == 0 || gy != 1 || gz != 1 || bx == 0 || bx > 1024 || by != 1 || bz != 1) return 1;
    fake_function *fn = f;
    if (fn < &g_functions[1] || fn >= &g_functions[K_COUNT]) return 400;
    /* Its PTX says .maxntid 512: the driver refuses a larger block. The warps split into the two copies by
       parity, so a grid of an odd number of warps would leave one copy a warp short: refused here too. */
    if (fn->kind == K_COPY_STRIDED && (bx > 512 || (gx * bx / 32) % 2 != 0)) return 1;
    if (!params || !stream_ok(stream)) return !params ? 1 : 400;
    kernel_launches++;
    if (fn->kind == K_SPIN) spin_launches++;
    return queue_kernel(stream, fn, gx, bx, params);
}

/* A queued launch runs here, on the parameter values copied at launch (the driver copies them too, so the
 * caller's argument storage may be gone by now). */
static void run_kernel(const fake_function *fn, unsigned int gx, unsigned int bx, void **params) {
    int skip = fake_env_int("FAKECUDA_KERNEL_SKIP_LAST", 0);
    /* Buffers above FAKECUDA_REAL_LIMIT_MB only pretend to exist: a data kernel on one does nothing. */
    if (fn->kind != K_SPIN) {
        /* Buffer parameters: the first of every data kernel, the source of a copy, both sources of a triad. */
#define PRETEND_PARAM(i) is_pretend((uintptr_t)*(CUdeviceptr *)params[i])
        if (PRETEND_PARAM(0)) return;
        if ((fn->kind == K_COPY || fn->kind == K_COPY_STRIDED || fn->kind == K_TRIAD) && PRETEND_PARAM(1)) return;
        if (fn->kind == K_COPY_STRIDED && (PRETEND_PARAM(3) || PRETEND_PARAM(4))) return;
        if (fn->kind == K_TRIAD && PRETEND_PARAM(2)) return;
#undef PRETEND_PARAM
    }
    /* Write, copy and triad take one element per thread, as the PTX does: a grid smaller than the buffer leaves
       the rest untouched, so an engine that launches too few blocks fails its own check. */
    unsigned long long threads = (unsigned long long)gx * bx;
    switch (fn->kind) {
    case K_WRITE: {
        unsigned int *dst = *(unsigned int **)params[0];
        unsigned long long n = *(unsigned long long *)params[1];
        if (n > threads) n = threads;
        unsigned int seed = *(unsigned int *)params[2];
        for (unsigned long long k = 0; k < 4 * (n - (skip && n ? 1 : 0)); k++) dst[k] = pattern_word(k, seed);
        return;
    }
    case K_READ: {
        const unsigned int *src = *(unsigned int **)params[0];
        unsigned long long n = *(unsigned long long *)params[1];
        unsigned int *out = *(unsigned int **)params[2];
        unsigned int x = 0;
        for (unsigned long long k = 0; k < 4 * (n - (skip && n ? 1 : 0)); k++) x ^= src[k];
        /* One value per block, as the PTX kernel writes: here block 0 holds it all, the others nothing. */
        for (unsigned int b = 0; b < gx; b++) out[b] = b == 0 ? x : 0;
        return;
    }
    case K_COPY_STRIDED: { /* two grid-stride copies (even and odd warps): any grid covers both */
        for (int c = 0; c < 2; c++) {
            unsigned int *dst = *(unsigned int **)params[3 * c];
            const unsigned int *src = *(unsigned int **)params[3 * c + 1];
            unsigned long long n = *(unsigned long long *)params[3 * c + 2];
            memmove(dst, src, (size_t)(n - (skip && n && c == 1 ? 1 : 0)) * 16);
        }
        return;
    }
    case K_COPY: {
        unsigned int *dst = *(unsigned int **)params[0];
        const unsigned int *src = *(unsigned int **)params[1];
        unsigned long long n = *(unsigned long long *)params[2];
        if (n > threads) n = threads;
        memmove(dst, src, (size_t)(n - (skip && n ? 1 : 0)) * 16);
        return;
    }
    case K_TRIAD: {
        unsigned int *a = *(unsigned int **)params[0];
        const unsigned int *b = *(unsigned int **)params[1];
        const unsigned int *c = *(unsigned int **)params[2];
        unsigned long long n = *(unsigned long long *)params[3];
        unsigned int s = *(unsigned int *)params[4];
        if (n > threads) n = threads;
        for (unsigned long long k = 0; k < 4 * (n - (skip && n ? 1 : 0)); k++) a[k] = b[k] + s * c[k];
        return;
    }
    case K_COMPARE: { /* grid-stride, like the PTX: any grid covers the buffers */
        const unsigned int *a = *(unsigned int **)params[0];
        const unsigned int *b = *(unsigned int **)params[1];
        unsigned long long n = *(unsigned long long *)params[2];
        unsigned int *count = *(unsigned int **)params[3];
        if (is_pretend((uintptr_t)b)) return;
        unsigned int differ = 0;
        for (unsigned long long k = 0; k < n; k++) differ += a[k] != b[k];
        *count += differ;
        return;
    }
    case K_FILL_PATTERN: {
        unsigned int *p = *(unsigned int **)params[0];
        unsigned long long n = *(unsigned long long *)params[1];
        unsigned int mode = *(unsigned int *)params[2], value = *(unsigned int *)params[3];
        for (unsigned long long k = 0; k < n; k++) p[k] = health_pattern(mode, value, k);
        int bad = fake_env_int("FAKECUDA_BAD_WORD", -1);
        if (bad >= 0 && (unsigned long long)bad < n) p[bad] ^= 0x10; /* a cell that does not hold bit 4 */
        return;
    }
    case K_CHECK_PATTERN: {
        const unsigned int *p = *(unsigned int **)params[0];
        unsigned long long n = *(unsigned long long *)params[1];
        unsigned int mode = *(unsigned int *)params[2], value = *(unsigned int *)params[3];
        unsigned long long *result = *(unsigned long long **)params[4];
        for (unsigned long long k = 0; k < n; k++) {
            unsigned int diff = p[k] ^ health_pattern(mode, value, k);
            if (!diff) continue;
            result[0]++;
            if (k < result[1]) result[1] = k;
            result[2] |= diff;
        }
        return;
    }
    case K_SPIN: {
        volatile unsigned int *timed_out = *(unsigned int **)params[2];
        if (fake_env_int("FAKECUDA_SPIN_TIMEOUT", 0)) *timed_out = 1;
        return;
    }
    }
}

/* ---- Stream work: queued, and run only at synchronisation points ----
 * As on a GPU, an asynchronous copy or fill, a kernel launch and an event record have not happened when the call
 * returns. The work runs when the host synchronises (cuStreamSynchronize, cuEventSynchronize, cuCtxSynchronize, a
 * cuStreamQuery that answers CUDA_ERROR_NOT_READY), before a synchronous copy or fill, and before memory, a stream
 * or an event it uses is freed or destroyed. All streams' work runs in the order it was queued: an order a GPU may
 * also choose, keeping each stream's order and every cuStreamWaitEvent dependency (queued after its record). So
 * an engine that reads a result before synchronising sees stale data, as it would on a GPU. Host memory follows
 * the driver's "API synchronization behavior" page (https://docs.nvidia.com/cuda/cuda-driver-api/
 * api-sync-behavior.html): a copy to pageable host memory returns once done; from pageable memory the source is
 * staged before the call returns; page-locked memory is read and written when the work runs. */
typedef enum { W_COPY, W_FILL, W_KERNEL, W_RECORD } work_kind;
typedef struct work {
    work_kind kind;
    fake_stream *stream;                    /* NULL for the default streams */
    void *dst; const void *src; size_t bytes; unsigned char value; int skip; void *staged;
    const fake_function *fn; unsigned int gx, bx; unsigned long long args[8];
    fake_event *event; int device;
    struct work *next;
} work;
static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static work *work_head, *work_tail;
static int default_stream_queued;

static CUresult queue_work(void *stream, work *w) {
    if (!w) return 2;
    w->stream = default_stream(stream) ? NULL : stream;
    pthread_mutex_lock(&work_lock);
    if (w->stream) w->stream->queued++; else default_stream_queued++;
    if (w->kind == W_RECORD) w->event->queued++;
    if (work_tail) work_tail->next = w; else work_head = w;
    work_tail = w;
    pthread_mutex_unlock(&work_lock);
    return 0;
}
static CUresult queue_copy(void *stream, void *dst, const void *src, size_t bytes, int skip, void *staged) {
    work *w = calloc(1, sizeof *w);
    if (w) { w->kind = W_COPY; w->dst = dst; w->src = src; w->bytes = bytes; w->skip = skip; w->staged = staged; }
    else free(staged);
    return queue_work(stream, w);
}
static CUresult queue_fill(void *stream, void *dst, unsigned char value, size_t bytes, int skip) {
    work *w = calloc(1, sizeof *w);
    if (w) { w->kind = W_FILL; w->dst = dst; w->value = value; w->bytes = bytes; w->skip = skip; }
    return queue_work(stream, w);
}
static CUresult queue_record(void *stream, void *event, int device) {
    work *w = calloc(1, sizeof *w);
    if (w) { w->kind = W_RECORD; w->event = event; w->device = device; }
    return queue_work(stream, w);
}
static CUresult queue_kernel(void *stream, fake_function *fn, unsigned int gx, unsigned int bx, void **params) {
    work *w = calloc(1, sizeof *w);
    if (!w) return 2;
    w->kind = W_KERNEL; w->fn = fn; w->gx = gx; w->bx = bx;
    const char *sizes = param_bytes[fn->kind];
    for (size_t i = 0; sizes[i] && i < 8; i++) memcpy(&w->args[i], params[i], (size_t)(sizes[i] - '0'));
    return queue_work(stream, w);
}
static void run_work(work *w) {
    switch (w->kind) {
    case W_COPY: if (!w->skip) memmove(w->dst, w->src, w->bytes); break;
    case W_FILL: if (!w->skip) memset(w->dst, w->value, w->bytes); break;
    case W_KERNEL: {
        void *params[8];
        for (int i = 0; i < 8; i++) params[i] = &w->args[i];
        run_kernel(w->fn, w->gx, w->bx, params);
        break;
    }
    case W_RECORD: {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        w->event->ms = t.tv_sec * 1e3 + t.tv_nsec / 1e6;
        w->event->device = w->device;
        break;
    }
    }
}
/* Runs everything queued, in order. The lock is held throughout, so work queued meanwhile waits its turn. */
static void run_queued_work(void) {
    pthread_mutex_lock(&work_lock);
    while (work_head) {
        work *w = work_head;
        work_head = w->next;
        run_work(w);
        if (w->stream) w->stream->queued--; else default_stream_queued--;
        if (w->kind == W_RECORD) w->event->queued--;
        free(w->staged);
        free(w);
    }
    work_tail = NULL;
    pthread_mutex_unlock(&work_lock);
}
static int stream_busy(void *stream) {
    pthread_mutex_lock(&work_lock);
    int busy = default_stream(stream) ? default_stream_queued > 0 : ((fake_stream *)stream)->queued > 0;
    pthread_mutex_unlock(&work_lock);
    return busy;
}
static int event_queued(void *e) {
    pthread_mutex_lock(&work_lock);
    int queued = ((fake_event *)e)->queued > 0;
    pthread_mutex_unlock(&work_lock);
    return queued;
}
int fakecuda_queued_work(void) {
    int n = 0;
    pthread_mutex_lock(&work_lock);
    for (work *w = work_head; w; w = w->next) n++;
    pthread_mutex_unlock(&work_lock);
    return n;
}

/* The real driver pins pages the calling thread touches, so they land on that thread's NUMA node: the fake
 * keeps which CPUs the thread that last allocated page-locked memory could run on (how many, and the lowest). */
static int pinned_alloc_cpu_count = -1, pinned_alloc_lowest_cpu = -1;
int fakecuda_pinned_alloc_cpu_count(void) { return pinned_alloc_cpu_count; }
int fakecuda_pinned_alloc_lowest_cpu(void) { return pinned_alloc_lowest_cpu; }
static void note_calling_thread_cpus(void) {
    cpu_set_t set;
    pinned_alloc_cpu_count = pinned_alloc_lowest_cpu = -1;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return;
    pinned_alloc_cpu_count = CPU_COUNT(&set);
    for (int c = 0; c < CPU_SETSIZE; c++) if (CPU_ISSET(c, &set)) { pinned_alloc_lowest_cpu = c; break; }
}
/* Page-locked allocations with their flags, so cuMemHostGetDevicePointer can refuse memory that was not
 * allocated mapped (CU_MEMHOSTALLOC_DEVICEMAP), as the driver API reference says the call fails then
 * (https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html, cuMemHostGetDevicePointer), and a
 * pointer that is not page-locked memory at all. */
#define FAKE_MEMHOSTALLOC_DEVICEMAP 0x02
#define MAX_PINNED 256
static struct { char *start; size_t bytes; unsigned int flags; } pinned_table[MAX_PINNED];
static pthread_mutex_t pinned_lock = PTHREAD_MUTEX_INITIALIZER;
static void pinned_note(void *p, size_t bytes, unsigned int flags) {
    pthread_mutex_lock(&pinned_lock);
    for (int i = 0; i < MAX_PINNED; i++) {
        if (pinned_table[i].start) continue;
        pinned_table[i].start = p; pinned_table[i].bytes = bytes; pinned_table[i].flags = flags;
        break;
    }
    pthread_mutex_unlock(&pinned_lock);
}
/* 1 when p started a page-locked allocation, now forgotten; 0 when it starts none. */
static int pinned_forget(void *p) {
    int found = 0;
    pthread_mutex_lock(&pinned_lock);
    for (int i = 0; i < MAX_PINNED; i++) if (p && pinned_table[i].start == p) { pinned_table[i].start = NULL; found = 1; }
    pthread_mutex_unlock(&pinned_lock);
    return found;
}
/* The flags of the page-locked allocation holding p, or -1 when p is in none. */
static int pinned_flags_of(const void *p) {
    int flags = -1;
    pthread_mutex_lock(&pinned_lock);
    for (int i = 0; i < MAX_PINNED; i++) {
        const char *start = pinned_table[i].start;
        if (start && (const char *)p >= start && (const char *)p < start + pinned_table[i].bytes) {
            flags = (int)pinned_table[i].flags;
            break;
        }
    }
    pthread_mutex_unlock(&pinned_lock);
    return flags;
}
static int pinned_range(uintptr_t p, size_t bytes) {
    int found = 0;
    pthread_mutex_lock(&pinned_lock);
    for (int i = 0; i < MAX_PINNED && !found; i++)
        found = pinned_table[i].start && inside(p, bytes, (uintptr_t)pinned_table[i].start, pinned_table[i].bytes);
    pthread_mutex_unlock(&pinned_lock);
    return found;
}
CUresult cuMemHostAlloc(void **p, size_t bytes, unsigned int flags) {
    FAIL("cuMemHostAlloc", current_device());
    if (require_context()) return 201;
    int limit = fake_env_int("FAKECUDA_PINNED_LIMIT_MB", -1);
    if (limit >= 0 && bytes > (size_t)limit * 1024 * 1024) return 2;
    *p = calloc(1, bytes ? bytes : 1);
    if (!*p) return 2;
    note_calling_thread_cpus();
    pinned_note(*p, bytes ? bytes : 1, flags);
    live_pinned++;
    return 0;
}
CUresult cuMemFreeHost(void *p) {
    if (!pinned_forget(p)) return 1; /* not page-locked memory from this driver, or freed already */
    run_queued_work();
    free(p);
    live_pinned--;
    return 0;
}
CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr *d, void *p, unsigned int flags) {
    if (require_context()) return 201;
    int allocated = pinned_flags_of(p);
    if (flags != 0 || allocated < 0 || !(allocated & FAKE_MEMHOSTALLOC_DEVICEMAP)) return 1; /* CUDA_ERROR_INVALID_VALUE */
    *d = (CUdeviceptr)(uintptr_t)p;
    return 0;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, void *s) {
    FAIL("cuMemcpyDtoDAsync_v2", current_device());
    if (require_context()) return 201;
    CHECK_RANGE(dst, bytes);
    CHECK_RANGE(src, bytes);
    if (!stream_ok(s)) return 400;
    int skip = is_pretend((uintptr_t)dst) || is_pretend((uintptr_t)src);
    return queue_copy(s, (void *)(uintptr_t)dst, (const void *)(uintptr_t)src, bytes, skip, NULL);
}
/* Queued work runs in the order it was queued, so work queued after this wait already runs after the record. */
CUresult cuStreamWaitEvent(void *s, void *e, unsigned int flags) {
    (void)flags;
    if (require_context()) return 201;
    return stream_ok(s) && handle_live(&event_handles, e) ? 0 : 400;
}

static int peer_allowed(int a, int b) { return a != b && valid(a) && valid(b) && fake_env_int("FAKECUDA_PEER", 1); }
CUresult cuDeviceCanAccessPeer(int *can, CUdevice d, CUdevice peer) {
    FAIL("cuDeviceCanAccessPeer", d);
    if (!valid(d) || !valid(peer)) return 101;
    *can = peer_allowed(d, peer);
    return 0;
}
CUresult cuCtxEnablePeerAccess(CUcontext peer, unsigned int flags) {
    (void)flags;
    if (require_context()) return 201;
    if (!peer) return 201;
    int p = ((fake_ctx *)peer)->device;
    return peer_allowed(current_device(), p) ? 0 : 217; /* CUDA_ERROR_PEER_ACCESS_UNSUPPORTED */
}
CUresult cuMemcpyPeerAsync(CUdeviceptr dst, CUcontext dc, CUdeviceptr src, CUcontext sc, size_t bytes, void *s) {
    (void)dc; (void)sc;
    if (require_context()) return 201;
    CHECK_RANGE(dst, bytes);
    CHECK_RANGE(src, bytes);
    if (!stream_ok(s)) return 400;
    int skip = is_pretend((uintptr_t)dst) || is_pretend((uintptr_t)src);
    return queue_copy(s, (void *)(uintptr_t)dst, (const void *)(uintptr_t)src, bytes, skip, NULL);
}
/* 1 performance rank, 2 access supported, 3 native atomics, 4 CUDA arrays. */
CUresult cuDeviceGetP2PAttribute(int *v, int attr, CUdevice a, CUdevice b) {
    FAIL("cuDeviceGetP2PAttribute", a);
    if (!valid(a) || !valid(b) || a == b) return 101;
    int ok = peer_allowed(a, b);
    *v = attr == 1 ? 0 : ok;
    return 0;
}
int fakecuda_live_modules(void) { return live_modules; }
int fakecuda_live_pinned(void) { return live_pinned; }
int fakecuda_spin_launches(void) { return spin_launches; }
int fakecuda_kernel_launches(void) { return kernel_launches; }
CUresult cuCtxDisablePeerAccess(CUcontext peer) { (void)peer; return require_context() ? 201 : 0; }

/* ---- For the fake NCCL: a stream query, and the device an address belongs to ----
 * cuPointerGetAttribute answers
 * CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL (9) for any address inside a live allocation, as the driver does, so the
 * fake NCCL can refuse a buffer of another GPU. */
/* 1 when the allocation was added (add) or found and removed (!add), else 0: the table is full, or no live
 * allocation starts at base. */
static int track_allocation(uintptr_t base, size_t len, int device, int add) {
    int done = 0;
    pthread_mutex_lock(&ctx_lock);
    for (int i = 0; i < MAX_TRACKED && !done; i++) {
        if (add && tracked[i].len == 0) { tracked[i].base = base; tracked[i].len = len ? len : 1; tracked[i].device = device; done = 1; }
        else if (!add && tracked[i].len && tracked[i].base == base) { tracked[i].len = 0; done = 1; }
    }
    pthread_mutex_unlock(&ctx_lock);
    return done;
}
/* CUDA_ERROR_NOT_READY (600) while work is queued on the stream; the work then runs, as a GPU gets on with it,
 * so a caller that polls sees it done on a later query. */
CUresult cuStreamQuery(void *s) {
    if (!stream_ok(s)) return 400;
    if (!stream_busy(s)) return 0;
    run_queued_work();
    return 600;
}
CUresult cuPointerGetAttribute(void *data, int attribute, CUdeviceptr p) {
    if (attribute != 9 || !data) return 1; /* CUDA_ERROR_INVALID_VALUE */
    int found = -1;
    pthread_mutex_lock(&ctx_lock);
    for (int i = 0; i < MAX_TRACKED && found < 0; i++)
        if (tracked[i].len && p >= tracked[i].base && p < tracked[i].base + tracked[i].len) found = tracked[i].device;
    pthread_mutex_unlock(&ctx_lock);
    if (found < 0) return 1;
    *(int *)data = found;
    return 0;
}

/* ---- Call trace (FAKECUDA_TRACE=<path>, see fake_common.h) ----
 * The exported driver calls: each makes the fake_ call above and, while tracing, appends a line with its
 * arguments, the calling thread's current context (ctx=-: none) and the CUresult. Handles and
 * memory are named by kind and the lowest number free in the context current when they were made (as file
 * descriptors are numbered, so one more short-lived stream does not renumber every later one, and GPUs worked on
 * from threads at once do not take numbers from each other): s streams (s0 the NULL stream, sL CU_STREAM_LEGACY,
 * sT CU_STREAM_PER_THREAD), e events, m modules, b device memory, h page-locked host memory; used in another
 * context than their own they read b<n>@<context>. Contexts: p<d> device d's primary context, c<d> (c<d>.<n>) a
 * created context on device d. An address inside memory reads b<n>+<offset>; "host" is memory this driver did
 * not allocate. The fake cuBLASLt and NCCL name their streams and buffers through
 * fakecuda_trace_stream and fakecuda_trace_memory, and mute the driver calls they make themselves. */
#undef cuInit
#undef cuDriverGetVersion
#undef cuGetErrorName
#undef cuGetErrorString
#undef cuDeviceGetCount
#undef cuDeviceGet
#undef cuDeviceGetName
#undef cuDeviceTotalMem_v2
#undef cuDeviceGetAttribute
#undef cuDeviceGetPCIBusId
#undef cuDeviceGetUuid
#undef cuDeviceGetUuid_v2
#undef cuDevicePrimaryCtxRetain
#undef cuDevicePrimaryCtxRelease_v2
#undef cuCtxCreate_v2
#undef cuCtxDestroy_v2
#undef cuCtxPushCurrent_v2
#undef cuCtxPopCurrent_v2
#undef cuMemGetInfo_v2
#undef cuMemAlloc_v2
#undef cuMemFree_v2
#undef cuMemcpyHtoD_v2
#undef cuMemcpyDtoH_v2
#undef cuMemsetD8_v2
#undef cuStreamCreate
#undef cuStreamDestroy_v2
#undef cuStreamSynchronize
#undef cuCtxSynchronize
#undef cuCtxGetDevice
#undef cuEventCreate
#undef cuEventDestroy_v2
#undef cuEventRecord
#undef cuEventSynchronize
#undef cuEventElapsedTime
#undef cuMemsetD8Async
#undef cuMemcpyHtoDAsync_v2
#undef cuMemcpyDtoHAsync_v2
#undef cuModuleLoadDataEx
#undef cuModuleUnload
#undef cuModuleGetFunction
#undef cuLaunchKernel
#undef cuMemHostAlloc
#undef cuMemFreeHost
#undef cuMemHostGetDevicePointer_v2
#undef cuMemcpyDtoDAsync_v2
#undef cuStreamWaitEvent
#undef cuDeviceCanAccessPeer
#undef cuCtxEnablePeerAccess
#undef cuMemcpyPeerAsync
#undef cuDeviceGetP2PAttribute
#undef cuCtxDisablePeerAccess
#undef cuStreamQuery
#undef cuPointerGetAttribute

#define MAX_NAMED 8192
typedef struct { uintptr_t start; size_t bytes; char kind; int id; const void *owner; } named_handle;
static named_handle named[MAX_NAMED];
static int named_count;
static pthread_mutex_t named_lock = PTHREAD_MUTEX_INITIALIZER;
/* Above zero while the fake cuBLASLt or NCCL is inside one of its calls on this thread: their own driver calls
 * are how the fakes work, not calls the module made. */
static __thread int tl_trace_quiet;
void fakecuda_trace_quiet(int delta) { tl_trace_quiet += delta; }

static int tracing(char *path) { return !tl_trace_quiet && fake_trace_path(path, 512); }
static void trace(const char *path, CUresult r, const char *format, ...) __attribute__((format(printf, 3, 4)));
static const char *ref(char *out, const void *p);
static const char *context_name(char *out, const void *c);
static void trace(const char *path, CUresult r, const char *format, ...) {
    char call[400], context[32];
    va_list args;
    va_start(args, format);
    vsnprintf(call, sizeof call, format, args);
    va_end(args);
    fake_trace(path, "cuda %s ctx=%s -> %d", call, context_name(context, current_ctx()), r);
}

/* owner: the context a handle belongs to; for a created context, its device (numbered per device). */
static void name_handle(char kind, const void *p, size_t bytes, const void *owner) {
    static unsigned char taken[MAX_NAMED + 2];
    pthread_mutex_lock(&named_lock);
    memset(taken, 0, sizeof taken);
    for (int i = 0; i < MAX_NAMED; i++)
        if (named[i].kind == kind && named[i].owner == owner && named[i].id <= MAX_NAMED) taken[named[i].id] = 1;
    int id = 1;
    while (taken[id]) id++;
    for (int i = 0; i < MAX_NAMED; i++) {
        if (named[i].kind) continue;
        named[i].start = (uintptr_t)p; named[i].bytes = bytes ? bytes : 1; named[i].kind = kind; named[i].id = id;
        named[i].owner = owner;
        named_count++;
        break;
    }
    pthread_mutex_unlock(&named_lock);
}
static void name_in_context(char kind, const void *p, size_t bytes) { name_handle(kind, p, bytes, current_ctx()); }
/* Forgets the handle that starts at p before the call that ends it, so an address the call frees and another
 * thread gets at once cannot take its name; 1 when there was one, kept in *was. */
static int forget_handle(const void *p, named_handle *was) {
    int found = 0;
    pthread_mutex_lock(&named_lock);
    for (int i = 0; i < MAX_NAMED && named_count && !found; i++) {
        if (!named[i].kind || named[i].start != (uintptr_t)p) continue;
        *was = named[i];
        named[i].kind = 0;
        named_count--;
        found = 1;
    }
    pthread_mutex_unlock(&named_lock);
    return found;
}
static void restore_handle(const named_handle *was) {
    pthread_mutex_lock(&named_lock);
    for (int i = 0; i < MAX_NAMED; i++) if (!named[i].kind) { named[i] = *was; named_count++; break; }
    pthread_mutex_unlock(&named_lock);
}
static const char *handle_text(char *out, const named_handle *h, size_t offset) {
    char own[32] = "", context[32];
    if (h->kind == 'c') {
        int device = (int)(uintptr_t)h->owner - 1;
        if (h->id == 1) snprintf(out, 32, "c%d", device); else snprintf(out, 32, "c%d.%d", device, h->id);
        return out;
    }
    char whole[96];
    if (h->owner != current_ctx()) snprintf(own, sizeof own, "@%.30s", context_name(context, h->owner));
    if (offset) snprintf(whole, sizeof whole, "%c%d+%zu%s", h->kind, h->id, offset, own);
    else snprintf(whole, sizeof whole, "%c%d%s", h->kind, h->id, own);
    snprintf(out, 32, "%.31s", whole);
    return out;
}
/* The name of what p points into (out: 32 bytes). */
static const char *ref(char *out, const void *p) {
    uintptr_t a = (uintptr_t)p;
    if (!p) return "null";
    if ((const fake_ctx *)p >= g_primary && (const fake_ctx *)p < g_primary + MAX_DEVICES) {
        snprintf(out, 32, "p%d", (int)((const fake_ctx *)p - g_primary));
        return out;
    }
    named_handle h = {0};
    pthread_mutex_lock(&named_lock);
    for (int i = 0; i < MAX_NAMED && named_count && !h.kind; i++)
        if (named[i].kind && a >= named[i].start && a - named[i].start < named[i].bytes) h = named[i];
    pthread_mutex_unlock(&named_lock);
    return h.kind ? handle_text(out, &h, a - h.start) : "host";
}
static const char *stream_ref(char *out, const void *s) {
    uintptr_t a = (uintptr_t)s;
    return a == 0 ? "s0" : a == 1 ? "sL" : a == 2 ? "sT" : ref(out, s);
}
static const char *dref(char *out, CUdeviceptr p) { return ref(out, (const void *)(uintptr_t)p); }
void fakecuda_trace_stream(const void *s, char *out) { char own[32]; snprintf(out, 32, "%s", stream_ref(own, s)); }
void fakecuda_trace_memory(const void *p, char *out) { char own[32]; snprintf(out, 32, "%s", ref(own, p)); }
static const char *context_name(char *out, const void *c) { return c ? ref(out, c) : "-"; }
void fakecuda_trace_context(char *out) { char own[32]; snprintf(out, 32, "%s", context_name(own, current_ctx())); }

/* Ends a handle: forgets its name first, gives it back if the call refused, and traces the name it had. */
#define ENDING(call_name, p, call) do { \
        named_handle was_; char path_[512], text_[32]; \
        int known_ = forget_handle((p), &was_); \
        CUresult r_ = (call); \
        if (r_ && known_) restore_handle(&was_); \
        if (tracing(path_)) trace(path_, r_, "%s %s", call_name, known_ ? handle_text(text_, &was_, 0) : "?"); \
        return r_; \
    } while (0)
#define PATH_OR_RETURN(r) char path[512]; if (!tracing(path)) return (r)

CUresult cuInit(unsigned int flags) {
    CUresult r = fake_cuInit(flags);
    PATH_OR_RETURN(r);
    trace(path, r, "cuInit flags=%u", flags);
    return r;
}
CUresult cuDriverGetVersion(int *v) {
    CUresult r = fake_cuDriverGetVersion(v);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDriverGetVersion");
    return r;
}
CUresult cuGetErrorName(CUresult e, const char **s) {
    CUresult r = fake_cuGetErrorName(e, s);
    PATH_OR_RETURN(r);
    trace(path, r, "cuGetErrorName %d", e);
    return r;
}
CUresult cuGetErrorString(CUresult e, const char **s) {
    CUresult r = fake_cuGetErrorString(e, s);
    PATH_OR_RETURN(r);
    trace(path, r, "cuGetErrorString %d", e);
    return r;
}
CUresult cuDeviceGetCount(int *n) {
    CUresult r = fake_cuDeviceGetCount(n);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGetCount = %d", r ? -1 : *n);
    return r;
}
CUresult cuDeviceGet(CUdevice *d, int ordinal) {
    CUresult r = fake_cuDeviceGet(d, ordinal);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGet %d", ordinal);
    return r;
}
CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
    CUresult r = fake_cuDeviceGetName(name, len, d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGetName len=%d dev=%d", len, d);
    return r;
}
#ifndef FAKE_OLD_DRIVER
CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice d) {
    CUresult r = fake_cuDeviceTotalMem_v2(bytes, d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceTotalMem_v2 dev=%d", d);
    return r;
}
#endif
CUresult cuDeviceGetAttribute(int *v, int attr, CUdevice d) {
    CUresult r = fake_cuDeviceGetAttribute(v, attr, d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGetAttribute attr=%d dev=%d", attr, d);
    return r;
}
CUresult cuDeviceGetPCIBusId(char *s, int len, CUdevice d) {
    CUresult r = fake_cuDeviceGetPCIBusId(s, len, d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGetPCIBusId len=%d dev=%d", len, d);
    return r;
}
CUresult cuDeviceGetUuid(unsigned char *out, CUdevice d) {
    CUresult r = fake_cuDeviceGetUuid(out, d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGetUuid dev=%d", d);
    return r;
}
#ifndef FAKE_OLD_DRIVER
CUresult cuDeviceGetUuid_v2(unsigned char *out, CUdevice d) {
    CUresult r = fake_cuDeviceGetUuid_v2(out, d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGetUuid_v2 dev=%d", d);
    return r;
}
#endif
CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) {
    CUresult r = fake_cuDevicePrimaryCtxRetain(c, d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDevicePrimaryCtxRetain dev=%d", d);
    return r;
}
CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    CUresult r = fake_cuDevicePrimaryCtxRelease_v2(d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDevicePrimaryCtxRelease_v2 dev=%d", d);
    return r;
}
CUresult cuCtxCreate_v2(CUcontext *c, unsigned int flags, CUdevice d) {
    CUresult r = fake_cuCtxCreate_v2(c, flags, d);
    char a[32];
    PATH_OR_RETURN(r);
    if (r == 0) name_handle('c', *c, 1, (const void *)(uintptr_t)(d + 1));
    trace(path, r, "cuCtxCreate_v2 flags=%u dev=%d = %s", flags, d, r ? "-" : ref(a, *c));
    return r;
}
CUresult cuCtxDestroy_v2(CUcontext c) { ENDING("cuCtxDestroy_v2", c, fake_cuCtxDestroy_v2(c)); }
CUresult cuCtxPushCurrent_v2(CUcontext c) {
    CUresult r = fake_cuCtxPushCurrent_v2(c);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuCtxPushCurrent_v2 %s", ref(a, c));
    return r;
}
CUresult cuCtxPopCurrent_v2(CUcontext *c) {
    CUresult r = fake_cuCtxPopCurrent_v2(c);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuCtxPopCurrent_v2 = %s", c ? ref(a, *c) : "-");
    return r;
}
CUresult cuMemGetInfo_v2(size_t *free_bytes, size_t *total) {
    CUresult r = fake_cuMemGetInfo_v2(free_bytes, total);
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemGetInfo_v2");
    return r;
}
CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    CUresult r = fake_cuMemAlloc_v2(p, bytes);
    char a[32];
    PATH_OR_RETURN(r);
    if (r == 0) name_in_context('b', (const void *)(uintptr_t)*p, bytes);
    trace(path, r, "cuMemAlloc_v2 %zu = %s", bytes, r ? "-" : dref(a, *p));
    return r;
}
CUresult cuMemFree_v2(CUdeviceptr p) { ENDING("cuMemFree_v2", (const void *)(uintptr_t)p, fake_cuMemFree_v2(p)); }
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
    CUresult r = fake_cuMemcpyHtoD_v2(dst, src, bytes);
    char a[32], b[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemcpyHtoD_v2 %s <- %s %zu", dref(a, dst), ref(b, src), bytes);
    return r;
}
CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
    CUresult r = fake_cuMemcpyDtoH_v2(dst, src, bytes);
    char a[32], b[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemcpyDtoH_v2 %s <- %s %zu", ref(a, dst), dref(b, src), bytes);
    return r;
}
CUresult cuMemsetD8_v2(CUdeviceptr dst, unsigned char value, size_t count) {
    CUresult r = fake_cuMemsetD8_v2(dst, value, count);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemsetD8_v2 %s value=%u %zu", dref(a, dst), value, count);
    return r;
}
CUresult cuStreamCreate(void **s, unsigned int flags) {
    CUresult r = fake_cuStreamCreate(s, flags);
    char a[32];
    PATH_OR_RETURN(r);
    if (r == 0) name_in_context('s', *s, 1);
    trace(path, r, "cuStreamCreate flags=%u = %s", flags, r ? "-" : stream_ref(a, *s));
    return r;
}
CUresult cuStreamDestroy_v2(void *s) { ENDING("cuStreamDestroy_v2", s, fake_cuStreamDestroy_v2(s)); }
CUresult cuStreamSynchronize(void *s) {
    CUresult r = fake_cuStreamSynchronize(s);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuStreamSynchronize %s", stream_ref(a, s));
    return r;
}
CUresult cuCtxSynchronize(void) {
    CUresult r = fake_cuCtxSynchronize();
    PATH_OR_RETURN(r);
    trace(path, r, "cuCtxSynchronize");
    return r;
}
CUresult cuCtxGetDevice(CUdevice *d) {
    CUresult r = fake_cuCtxGetDevice(d);
    PATH_OR_RETURN(r);
    trace(path, r, "cuCtxGetDevice");
    return r;
}
CUresult cuEventCreate(void **e, unsigned int flags) {
    CUresult r = fake_cuEventCreate(e, flags);
    char a[32];
    PATH_OR_RETURN(r);
    if (r == 0) name_in_context('e', *e, 1);
    trace(path, r, "cuEventCreate flags=%u = %s", flags, r ? "-" : ref(a, *e));
    return r;
}
CUresult cuEventDestroy_v2(void *e) { ENDING("cuEventDestroy_v2", e, fake_cuEventDestroy_v2(e)); }
CUresult cuEventRecord(void *e, void *s) {
    CUresult r = fake_cuEventRecord(e, s);
    char a[32], b[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuEventRecord %s %s", ref(a, e), stream_ref(b, s));
    return r;
}
CUresult cuEventSynchronize(void *e) {
    CUresult r = fake_cuEventSynchronize(e);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuEventSynchronize %s", ref(a, e));
    return r;
}
CUresult cuEventElapsedTime(float *ms, void *start, void *end) {
    CUresult r = fake_cuEventElapsedTime(ms, start, end);
    char a[32], b[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuEventElapsedTime %s %s", ref(a, start), ref(b, end));
    return r;
}
CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, void *stream) {
    CUresult r = fake_cuMemsetD8Async(dst, value, count, stream);
    char a[32], s[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemsetD8Async %s value=%u %zu %s", dref(a, dst), value, count, stream_ref(s, stream));
    return r;
}
CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t bytes, void *stream) {
    CUresult r = fake_cuMemcpyHtoDAsync_v2(dst, src, bytes, stream);
    char a[32], b[32], s[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemcpyHtoDAsync_v2 %s <- %s %zu %s", dref(a, dst), ref(b, src), bytes, stream_ref(s, stream));
    return r;
}
CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t bytes, void *stream) {
    CUresult r = fake_cuMemcpyDtoHAsync_v2(dst, src, bytes, stream);
    char a[32], b[32], s[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemcpyDtoHAsync_v2 %s <- %s %zu %s", ref(a, dst), dref(b, src), bytes, stream_ref(s, stream));
    return r;
}
/* The image by its length and FNV-1a hash, so a changed kernel source shows; the JIT option ids in order. */
CUresult cuModuleLoadDataEx(void **module, const void *image, unsigned int n, int *options, void **values) {
    CUresult r = fake_cuModuleLoadDataEx(module, image, n, options, values);
    char a[32], ids[64] = "";
    PATH_OR_RETURN(r);
    if (r == 0) name_in_context('m', *module, 1);
    unsigned int hash = 2166136261u;
    size_t length = 0;
    for (const unsigned char *c = image; c && *c; c++, length++) hash = (hash ^ *c) * 16777619u;
    for (unsigned int i = 0; options && i < n && strlen(ids) < sizeof ids - 8; i++)
        snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%d", i ? "," : "", options[i]);
    trace(path, r, "cuModuleLoadDataEx ptx=%zu/%08x options=%s = %s", length, hash, ids, r ? "-" : ref(a, *module));
    return r;
}
CUresult cuModuleUnload(void *module) { ENDING("cuModuleUnload", module, fake_cuModuleUnload(module)); }
CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
    CUresult r = fake_cuModuleGetFunction(function, module, name);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuModuleGetFunction %s %s", ref(a, module), name);
    return r;
}
/* A kernel's parameters as its .entry lists them: 8-byte ones that point into named memory by that name,
 * others as numbers. */
CUresult cuLaunchKernel(void *f, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,
                        unsigned int bz, unsigned int shared, void *stream, void **params, void **extra) {
    CUresult r = fake_cuLaunchKernel(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
    char s[32], list[160] = "";
    PATH_OR_RETURN(r);
    const fake_function *fn = f;
    int known = fn >= &g_functions[1] && fn < &g_functions[K_COUNT];
    const char *sizes = known ? param_bytes[fn->kind] : "";
    for (size_t i = 0; params && sizes[i] && i < 8; i++) {
        char item[32];
        unsigned long long v = 0;
        memcpy(&v, params[i], (size_t)(sizes[i] - '0'));
        const char *text = sizes[i] == '8' ? ref(item, (const void *)(uintptr_t)v) : "host";
        /* Not named memory: a count, or an address this driver did not give (never printed, it changes per run). */
        if (strcmp(text, "host") == 0 || strcmp(text, "null") == 0) {
            if (v < (1ULL << 40)) snprintf(item, sizeof item, "%llu", v); else snprintf(item, sizeof item, "addr");
            text = item;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "," : "", text);
    }
    trace(path, r, "cuLaunchKernel %s g=%ux%ux%u b=%ux%ux%u sh=%u %s a=%s%s", known ? kernel_names[fn->kind] : "?",
          gx, gy, gz, bx, by, bz, shared, stream_ref(s, stream), list, extra ? " extra" : "");
    return r;
}
CUresult cuMemHostAlloc(void **p, size_t bytes, unsigned int flags) {
    CUresult r = fake_cuMemHostAlloc(p, bytes, flags);
    char a[32];
    PATH_OR_RETURN(r);
    if (r == 0) name_in_context('h', *p, bytes);
    trace(path, r, "cuMemHostAlloc %zu flags=%u = %s", bytes, flags, r ? "-" : ref(a, *p));
    return r;
}
CUresult cuMemFreeHost(void *p) { ENDING("cuMemFreeHost", p, fake_cuMemFreeHost(p)); }
CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr *d, void *p, unsigned int flags) {
    CUresult r = fake_cuMemHostGetDevicePointer_v2(d, p, flags);
    char a[32], b[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemHostGetDevicePointer_v2 %s flags=%u = %s", ref(a, p), flags, r ? "-" : dref(b, *d));
    return r;
}
CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, void *stream) {
    CUresult r = fake_cuMemcpyDtoDAsync_v2(dst, src, bytes, stream);
    char a[32], b[32], s[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemcpyDtoDAsync_v2 %s <- %s %zu %s", dref(a, dst), dref(b, src), bytes, stream_ref(s, stream));
    return r;
}
CUresult cuStreamWaitEvent(void *stream, void *e, unsigned int flags) {
    CUresult r = fake_cuStreamWaitEvent(stream, e, flags);
    char a[32], s[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuStreamWaitEvent %s %s flags=%u", stream_ref(s, stream), ref(a, e), flags);
    return r;
}
CUresult cuDeviceCanAccessPeer(int *can, CUdevice d, CUdevice peer) {
    CUresult r = fake_cuDeviceCanAccessPeer(can, d, peer);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceCanAccessPeer dev=%d peer=%d", d, peer);
    return r;
}
CUresult cuCtxEnablePeerAccess(CUcontext peer, unsigned int flags) {
    CUresult r = fake_cuCtxEnablePeerAccess(peer, flags);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuCtxEnablePeerAccess %s flags=%u", ref(a, peer), flags);
    return r;
}
CUresult cuMemcpyPeerAsync(CUdeviceptr dst, CUcontext dc, CUdeviceptr src, CUcontext sc, size_t bytes, void *stream) {
    CUresult r = fake_cuMemcpyPeerAsync(dst, dc, src, sc, bytes, stream);
    char a[32], b[32], c[32], d[32], s[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuMemcpyPeerAsync %s@%s <- %s@%s %zu %s", dref(a, dst), ref(b, dc), dref(c, src), ref(d, sc), bytes,
          stream_ref(s, stream));
    return r;
}
CUresult cuDeviceGetP2PAttribute(int *v, int attr, CUdevice a, CUdevice b) {
    CUresult r = fake_cuDeviceGetP2PAttribute(v, attr, a, b);
    PATH_OR_RETURN(r);
    trace(path, r, "cuDeviceGetP2PAttribute attr=%d dev=%d peer=%d", attr, a, b);
    return r;
}
CUresult cuCtxDisablePeerAccess(CUcontext peer) {
    CUresult r = fake_cuCtxDisablePeerAccess(peer);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuCtxDisablePeerAccess %s", ref(a, peer));
    return r;
}
CUresult cuStreamQuery(void *stream) {
    CUresult r = fake_cuStreamQuery(stream);
    char s[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuStreamQuery %s", stream_ref(s, stream));
    return r;
}
CUresult cuPointerGetAttribute(void *data, int attribute, CUdeviceptr p) {
    CUresult r = fake_cuPointerGetAttribute(data, attribute, p);
    char a[32];
    PATH_OR_RETURN(r);
    trace(path, r, "cuPointerGetAttribute attr=%d %s", attribute, dref(a, p));
    return r;
}

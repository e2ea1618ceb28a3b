/* Shared helpers for the fake CUDA driver and NVML used by the tests on machines without a GPU.
 * Settings are read at every call from fake-gpu.conf beside the library (KEY=VALUE lines), then from
 * the environment. A file, because .NET on Unix keeps its own copy of the environment: $env:X set in
 * PowerShell never reaches getenv() in native code. One test process can switch scenarios between
 * tests by rewriting the file, without reloading the library. */
#ifndef FAKE_COMMON_H
#define FAKE_COMMON_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

static inline const char *fake_setting_in(const char *path, const char *name, char *buf, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char line[1024];
    size_t len = strlen(name);
    const char *found = NULL;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, name, len) == 0 && line[len] == '=') {
            char *v = line + len + 1;
            v[strcspn(v, "\r\n")] = 0;
            strncpy(buf, v, n - 1);
            buf[n - 1] = 0;
            found = buf;
        }
    }
    fclose(f);
    return found;
}

/* fake-gpu.conf beside the library, or one folder up (the fake cuDNN installs live in sub-folders). */
static inline const char *fake_setting(const char *name, char *buf, size_t n) {
    Dl_info info;
    if (dladdr((void *)&fake_setting, &info) && info.dli_fname) {
        char path[4096];
        strncpy(path, info.dli_fname, sizeof path - 32);
        path[sizeof path - 32] = 0;
        char *slash = strrchr(path, '/');
        if (slash) {
            strcpy(slash + 1, "fake-gpu.conf");
            const char *found = fake_setting_in(path, name, buf, n);
            if (found) return found;
            *slash = 0;
            char *parent = strrchr(path, '/');
            if (parent) {
                strcpy(parent + 1, "fake-gpu.conf");
                found = fake_setting_in(path, name, buf, n);
                if (found) return found;
            }
        }
    }
    return getenv(name);
}

static inline int fake_env_int(const char *name, int fallback) {
    char buf[64];
    const char *v = fake_setting(name, buf, sizeof buf);
    return (v && *v) ? atoi(v) : fallback;
}

/* FAILVAR="fnA=code,fnB@1=code": returns the code to fail `fn` with (for device `dev`, or any device
 * when the entry has no @), or 0 to succeed. */
static inline int fake_fail_code(const char *var, const char *fn, int dev) {
    char buf[1024];
    const char *spec = fake_setting(var, buf, sizeof buf);
    if (!spec || !*spec) return 0;
    if (spec != buf) { strncpy(buf, spec, sizeof buf - 1); buf[sizeof buf - 1] = 0; }
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq) continue;
        *eq = 0;
        int code = atoi(eq + 1);
        char *at = strchr(item, '@');
        int want = -1;
        if (at) { *at = 0; want = atoi(at + 1); }
        if (strcmp(item, fn) == 0 && (want < 0 || want == dev)) return code;
    }
    return 0;
}

/* Device i's identity, shared by both fakes so the module can join them by UUID and PCI bus id. */
static inline void fake_uuid_bytes(int i, unsigned char out[16]) {
    for (int b = 0; b < 16; b++) out[b] = (unsigned char)(0x10 * (b % 16) + (i & 0xF));
    out[0] = 0xfa; out[1] = 0x4e; out[2] = (unsigned char)i;
}

static inline void fake_uuid_text(int i, char *out, size_t n) {
    unsigned char u[16];
    fake_uuid_bytes(i, u);
    snprintf(out, n, "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

static inline int fake_pci_bus(int i) { return 0x17 + 0x10 * i; }

/* ---- MIG (shared by the fake driver and the fake NVML, so both show the same instances) ----
 *   FAKENVML_MIG  GPU 0 is in MIG mode with these MIG devices, in NVML's index order: "3g.40gb,1g.10gb" (a
 *                 profile as nvidia-smi names it, optionally with a compute-instance share, "1c.3g.40gb");
 *                 "on": MIG mode on and no instance made yet. Unset: MIG off (the real H100s we test on). */
#define FAKE_MIG_MAX 7
typedef struct { int gpu_slices, compute_slices, gb; } fake_mig_profile;

/* The MIG devices of GPU 0 (-1: MIG off); fills `out` with up to FAKE_MIG_MAX profiles. */
static inline int fake_mig_devices(fake_mig_profile *out) {
    char buf[256];
    const char *v = fake_setting("FAKENVML_MIG", buf, sizeof buf);
    if (!v || !*v) return -1;
    if (strcmp(v, "on") == 0) return 0;
    int n = 0;
    for (const char *p = v; *p && n < FAKE_MIG_MAX;) {
        int a = 0, b = 0, c = 0;
        fake_mig_profile m;
        if (sscanf(p, "%dc.%dg.%dgb", &a, &b, &c) == 3) { m.compute_slices = a; m.gpu_slices = b; m.gb = c; }
        else if (sscanf(p, "%dg.%dgb", &b, &c) == 2) { m.compute_slices = b; m.gpu_slices = b; m.gb = c; }
        else break;
        if (out) out[n] = m;
        n++;
        const char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
    }
    return n;
}

/* What an H100 80GB's instance of that size has (nvidia-smi mig -lgip): SMs and usable MiB. */
static inline int fake_mig_sms(const fake_mig_profile *m) {
    int per_ci = m->compute_slices == 7 ? 132 : m->compute_slices == 4 ? 64 : m->compute_slices == 3 ? 60 : 16 * m->compute_slices;
    return per_ci;
}
static inline unsigned long long fake_mig_memory_mib(const fake_mig_profile *m) { return (unsigned long long)m->gb * 1011ULL; }
/* GPU instance ids as the driver hands them out: not the MIG device's index, so a mix-up shows. */
static inline int fake_mig_gpu_instance_id(int k) { return 2 * k + 1; }

/* MIG device k of GPU i: its own UUID, printed with a MIG- prefix (R470 and later drivers). */
static inline void fake_mig_uuid_bytes(int i, int k, unsigned char out[16]) {
    fake_uuid_bytes(i, out);
    out[0] = 0x31; out[3] = (unsigned char)(0xa0 + k);
}
static inline void fake_mig_uuid_text(int i, int k, char *out, size_t n) {
    unsigned char u[16];
    fake_mig_uuid_bytes(i, k, u);
    snprintf(out, n, "MIG-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* ---- Call trace: FAKECUDA_TRACE=<path> (fake-gpu.conf or the environment) ----
 * The fake driver, cuBLASLt and NCCL append one line per call to that file: the call, the arguments that decide
 * what a real library would do, and the status returned; handles and buffers appear as small numbers given in
 * the order they were made, never as addresses, so two runs of the same work give the same lines. Each library
 * keeps one stream on the file behind one lock, opened for appending and line-buffered: a line leaves in one
 * write, so lines of different threads and libraries never mix. Lines longer than 140 characters are cut. */
#include <stdarg.h>
#include <pthread.h>
#define FAKE_TRACE_LINE 140
/* 1 when tracing, with the file's path in path (path_size bytes). */
static inline int fake_trace_path(char *path, size_t path_size) {
    const char *p = fake_setting("FAKECUDA_TRACE", path, path_size);
    if (!p || !*p) return 0;
    if (p != path) snprintf(path, path_size, "%s", p);
    return 1;
}
static inline void fake_trace(const char *path, const char *format, ...) __attribute__((format(printf, 2, 3)));
static inline void fake_trace(const char *path, const char *format, ...) {
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static FILE *file;
    static char open_path[512];
    char line[512];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (n < 0) return;
    if (n > FAKE_TRACE_LINE) memcpy(line + FAKE_TRACE_LINE - 3, "...", 4);
    pthread_mutex_lock(&lock);
    if (!file || strcmp(open_path, path) != 0) {
        if (file) fclose(file);
        file = fopen(path, "a");
        if (file) setvbuf(file, NULL, _IOLBF, 1024);
        snprintf(open_path, sizeof open_path, "%s", path);
    }
    if (file) fprintf(file, "%s\n", line);
    pthread_mutex_unlock(&lock);
}

#endif

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

#endif

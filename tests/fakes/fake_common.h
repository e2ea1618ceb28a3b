/* Shared helpers for the fake CUDA driver and NVML used by the tests on machines without a GPU.
 * Behaviour is read from environment variables at every call, so one test process can switch
 * scenarios between tests without reloading the library. */
#ifndef FAKE_COMMON_H
#define FAKE_COMMON_H
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

static inline int fake_env_int(const char *name, int fallback) {
    const char *v = getenv(name);
    return (v && *v) ? atoi(v) : fallback;
}

/* FAILVAR="fnA=code,fnB@1=code": returns the code to fail `fn` with (for device `dev`, or any device
 * when the entry has no @), or 0 to succeed. */
static inline int fake_fail_code(const char *var, const char *fn, int dev) {
    const char *spec = getenv(var);
    if (!spec || !*spec) return 0;
    char buf[1024];
    strncpy(buf, spec, sizeof buf - 1);
    buf[sizeof buf - 1] = 0;
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

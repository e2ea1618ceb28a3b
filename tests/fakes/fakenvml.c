/* A fake NVML (libnvidia-ml.so.1) matching fakecuda's devices by UUID and PCI bus id.
 *   FAKENVML_DEVICES  number of devices (default: FAKECUDA_DEVICES, else 2)
 *   FAKENVML_REVERSE  1: enumerate devices in the opposite order to CUDA (NVML's order is its own)
 *   FAKENVML_FAIL     "nvmlInit_v2=9,nvmlDeviceGetPowerUsage@0=3": calls to fail
 *   FAKENVML_MIG      GPU 0 in MIG mode with these MIG devices, "3g.40gb,1g.10gb" (see fake_common.h and the MIG block)
 * Each device's temperature is 40 + its CUDA index, so a test can tell a wrong join. */
#include <stdint.h>
#include <unistd.h>
#include "fake_common.h"

typedef int nvmlReturn_t;
typedef struct { int cuda_index; } fake_device;
static fake_device g_devices[64];

/* A code of -1 ("nvmlDeviceGetRemappedRows@0=-1") makes the call hang, as on a hung GPU: it sleeps for an hour. */
#define FAIL(fn, dev) do { int c_ = fake_fail_code("FAKENVML_FAIL", fn, dev); if (c_ == -1) sleep(3600); if (c_) return c_; } while (0)

static int devices(void) { return fake_env_int("FAKENVML_DEVICES", fake_env_int("FAKECUDA_DEVICES", 2)); }
static int to_cuda(int nvml_index) { return fake_env_int("FAKENVML_REVERSE", 0) ? devices() - 1 - nvml_index : nvml_index; }
static int idx(void *h) { return ((fake_device *)h)->cuda_index; }

/* MIG device handles (FAKENVML_MIG, see fake_common.h) start like a GPU's, with the parent's CUDA index, so the
 * GPU-wide calls below answer for the parent; the calls real NVML answers per instance check is_mig() first. */
typedef struct { int cuda_index; int index; } fake_mig_device;
static fake_mig_device g_mig[FAKE_MIG_MAX];
static int is_mig(void *h) { return (fake_mig_device *)h >= g_mig && (fake_mig_device *)h < g_mig + FAKE_MIG_MAX; }
static int mig_on(void *h) { return idx(h) == 0 && fake_mig_devices(NULL) >= 0; }

static int init_count;
nvmlReturn_t nvmlInit_v2(void) { FAIL("nvmlInit_v2", -1); init_count++; return 0; }
nvmlReturn_t nvmlShutdown(void) { if (init_count == 0) return 1; init_count--; return 0; }
int fakenvml_init_count(void) { return init_count; }

const char *nvmlErrorString(nvmlReturn_t r) {
    switch (r) {
    case 0: return "Success";
    case 3: return "Not Supported";
    case 9: return "Driver Not Loaded";
    case 18: return "Driver/library version mismatch";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int n) {
    FAIL("nvmlSystemGetDriverVersion", -1);
    snprintf(v, n, "580.159.04");
    return 0;
}
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v) { *v = fake_env_int("FAKECUDA_VERSION", 13000); return 0; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { FAIL("nvmlDeviceGetCount_v2", -1); *n = (unsigned)devices(); return 0; }

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **h) {
    if ((int)i >= devices()) return 2;
    g_devices[i].cuda_index = to_cuda((int)i);
    *h = &g_devices[i];
    return 0;
}

nvmlReturn_t nvmlDeviceGetUUID(void *h, char *s, unsigned int n) {
    FAIL("nvmlDeviceGetUUID", idx(h));
    if (is_mig(h)) fake_mig_uuid_text(idx(h), ((fake_mig_device *)h)->index, s, n);
    else fake_uuid_text(idx(h), s, n);
    return 0;
}

typedef struct {
    char busIdLegacy[16];
    unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
    char busId[32];
} pci_info;

nvmlReturn_t nvmlDeviceGetPciInfo_v3(void *h, pci_info *p) {
    memset(p, 0, sizeof *p);
    p->bus = (unsigned)fake_pci_bus(idx(h));
    snprintf(p->busId, sizeof p->busId, "00000000:%02X:00.0", p->bus);
    return 0;
}

nvmlReturn_t nvmlDeviceGetTemperature(void *h, int sensor, unsigned int *t) {
    (void)sensor;
    FAIL("nvmlDeviceGetTemperature", idx(h));
    *t = idx(h) == 0 && fake_env_int("FAKENVML_TEMPERATURE", 0) ? (unsigned)fake_env_int("FAKENVML_TEMPERATURE", 0)
                                                                 : 40u + (unsigned)idx(h);
    return 0;
}
/* Board power is the whole GPU's: a MIG device's handle gets NOT_SUPPORTED, as from real NVML. */
nvmlReturn_t nvmlDeviceGetPowerUsage(void *h, unsigned int *mw) {
    FAIL("nvmlDeviceGetPowerUsage", idx(h));
    if (is_mig(h)) return 3;
    *mw = 72500;
    return 0;
}
/*   FAKENVML_POWER_LIMIT_W  GPU 0's enforced power limit (default 700 W, the default limit) */
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(void *h, unsigned int *mw) {
    FAIL("nvmlDeviceGetEnforcedPowerLimit", idx(h));
    *mw = 1000u * (unsigned)(idx(h) == 0 ? fake_env_int("FAKENVML_POWER_LIMIT_W", 700) : 700);
    return 0;
}

typedef struct { unsigned int gpu, memory; } utilization;
nvmlReturn_t nvmlDeviceGetUtilizationRates(void *h, utilization *u) {
    FAIL("nvmlDeviceGetUtilizationRates", idx(h));
    if (is_mig(h) || mig_on(h)) return 3; /* no utilization per MIG instance, nor for a GPU in MIG mode (nvidia-smi: N/A) */
    u->gpu = 3; u->memory = 1;
    return 0;
}
nvmlReturn_t nvmlDeviceGetPersistenceMode(void *h, unsigned int *m) { FAIL("nvmlDeviceGetPersistenceMode", idx(h)); *m = 1; return 0; }
nvmlReturn_t nvmlDeviceGetMigMode(void *h, unsigned int *c, unsigned int *p) {
    FAIL("nvmlDeviceGetMigMode", idx(h));
    if (idx(h) % 2) return 3;
    *c = (unsigned)mig_on(h);
    *p = *c || (idx(h) == 0 && fake_env_int("FAKENVML_MIG_PENDING", 0));
    return 0;
}
nvmlReturn_t nvmlDeviceGetEccMode(void *h, unsigned int *c, unsigned int *p) {
    FAIL("nvmlDeviceGetEccMode", idx(h));
    *c = idx(h) % 2 == 0;
    *p = *c;
    return 0;
}
/*   FAKENVML_SLOT_PCIE_GEN  the generation GPU 0's slot allows (default 5, the GPU's own): a BIOS, riser or slot cap; the
 *                           link then trains no higher. nvmlDeviceGetGpuMaxPcieLinkGeneration is the GPU's own (5). */
static unsigned slot_generation(void *h) { return idx(h) == 0 ? (unsigned)fake_env_int("FAKENVML_SLOT_PCIE_GEN", 5) : 5; }
nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(void *h, unsigned int *v) { *v = slot_generation(h); return 0; }
nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(void *h, unsigned int *v) { *v = slot_generation(h); return 0; }
nvmlReturn_t nvmlDeviceGetGpuMaxPcieLinkGeneration(void *h, unsigned int *v) {
    FAIL("nvmlDeviceGetGpuMaxPcieLinkGeneration", idx(h));
    if (!v) return 2; /* NVML_ERROR_INVALID_ARGUMENT */
    *v = 5;
    return 0;
}
/*   FAKENVML_PCIE_WIDTH  the current link width of GPU 0 (default 16, the maximum): a degraded link */
nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(void *h, unsigned int *v) {
    *v = idx(h) == 0 ? (unsigned)fake_env_int("FAKENVML_PCIE_WIDTH", 16) : 16;
    return 0;
}
nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(void *h, unsigned int *v) { (void)h; *v = 16; return 0; }
nvmlReturn_t nvmlDeviceGetMaxClockInfo(void *h, int type, unsigned int *mhz) { (void)h; *mhz = type == 2 ? 2619 : 1980; return 0; }

typedef struct { unsigned long long total, free, used; } memory;
static int mig_memory(void *h, unsigned long long *total, unsigned long long *used);
nvmlReturn_t nvmlDeviceGetMemoryInfo(void *h, memory *m) {
    FAIL("nvmlDeviceGetMemoryInfo", idx(h));
    if (mig_memory(h, &m->total, &m->used)) { m->free = m->total - m->used; return 0; }
    m->total = (idx(h) % 2 == 0 ? 81559ULL : 24576ULL) * 1024 * 1024;
    m->used = 1024ULL * 1024 * 1024;
    m->free = m->total - m->used;
    return 0;
}

typedef struct { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gi, ci; } process_info;
/* Device 0 runs two processes (ask with room for one and the module must retry); others none.
 *   FAKENVML_GPU0_PROCESSES  how many run on device 0 instead (0: an idle node)
 *   FAKENVML_GPU0_PID        the pid they report instead of 1 (a test's own process with a hostile name) */
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(void *h, unsigned int *count, process_info *infos) {
    FAIL("nvmlDeviceGetComputeRunningProcesses_v3", idx(h));
    unsigned int have = idx(h) == 0 ? (unsigned)fake_env_int("FAKENVML_GPU0_PROCESSES", 2) : 0;
    if (is_mig(h) && ((fake_mig_device *)h)->index != 0) have = 0; /* under MIG they all run in MIG device 0 */
    if (*count < have) { *count = have; return 7; }
    for (unsigned int i = 0; i < have; i++) {
        /* init exists on every Linux box, so the name lookup is exercised */
        infos[i].pid = (unsigned)fake_env_int("FAKENVML_GPU0_PID", 1);
        infos[i].usedGpuMemory = (i + 1) * 512ULL * 1024 * 1024;
        infos[i].gi = infos[i].ci = 0xFFFFFFFF;
        if (mig_on(h)) { infos[i].gi = (unsigned)fake_mig_gpu_instance_id(0); infos[i].ci = 0; }
    }
    *count = have;
    return 0;
}

/* ---- Bandwidth and topology (Measure-GpuBandwidth, Get-GpuTopology) ----
 * GPU i is on NUMA node i % 2; its close CPUs are 0-7,16-23 (node 0) or 8-15,24-31 (node 1).
 *   FAKENVML_CPU_MASK  every GPU's close CPUs instead, as a mask of 64 (strtoul base 0: "0x5")
 *   FAKENVML_CPU_WORD  which 64 CPUs that mask covers (default 0: CPUs 0-63; 15: CPUs 960-1023)
 *   FAKENVML_NO_NUMA  1: nvmlDeviceGetNumaNodeId is "not supported" (older drivers, some VMs) */
nvmlReturn_t nvmlDeviceGetNumaNodeId(void *h, unsigned int *node) {
    FAIL("nvmlDeviceGetNumaNodeId", idx(h));
    if (fake_env_int("FAKENVML_NO_NUMA", 0)) return 3;
    *node = (unsigned)(idx(h) % 2);
    return 0;
}
nvmlReturn_t nvmlDeviceGetMemoryAffinity(void *h, unsigned int size, unsigned long *set, int scope) {
    FAIL("nvmlDeviceGetMemoryAffinity", idx(h));
    if (size < 1 || scope != 0) return 2; /* the module asks for NUMA nodes (NVML_AFFINITY_SCOPE_NODE) */
    for (unsigned int i = 0; i < size; i++) set[i] = 0;
    set[0] = 1UL << (idx(h) % 2);
    return 0;
}
nvmlReturn_t nvmlDeviceGetCpuAffinity(void *h, unsigned int size, unsigned long *set) {
    char buf[64];
    FAIL("nvmlDeviceGetCpuAffinity", idx(h));
    if (size < 1) return 2;
    for (unsigned int i = 0; i < size; i++) set[i] = 0;
    const char *own = fake_setting("FAKENVML_CPU_MASK", buf, sizeof buf);
    unsigned long mask = own && *own ? strtoul(own, NULL, 0) : idx(h) % 2 == 0 ? 0x0000000000FF00FFUL : 0x00000000FF00FF00UL;
    unsigned int word = (unsigned)fake_env_int("FAKENVML_CPU_WORD", 0);
    if (word >= size) return 2;
    set[word] = mask;
    return 0;
}
/*   FAKENVML_TOPOLOGY_LEVEL  nvmlGpuTopologyLevel_t between any two GPUs (default 20, PXB)
 *   FAKENVML_P2P       0: nvmlDeviceGetP2PStatus says NOT_SUPPORTED (default 1: OK)
 *   FAKENVML_NVLINKS   active NVLinks per GPU (default 0: the GPU has no NVLink), each to the next GPU
 *   FAKENVML_NVSWITCH  1: the NVLinks go to NVSwitches, not to a GPU */
static int fake_nvlink_down(int gpu, unsigned int link); /* in the NVLink health block below */
nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(void *a, void *b, int *level) {
    FAIL("nvmlDeviceGetTopologyCommonAncestor", idx(a));
    if (idx(a) == idx(b)) return 2;
    *level = fake_env_int("FAKENVML_TOPOLOGY_LEVEL", 20);
    return 0;
}
nvmlReturn_t nvmlDeviceGetP2PStatus(void *a, void *b, int caps, int *status) {
    FAIL("nvmlDeviceGetP2PStatus", idx(a));
    if (idx(a) == idx(b) || caps < 0 || caps > 4) return 2;
    int ok = fake_env_int("FAKENVML_P2P", 1);
    if (caps == 2) ok = ok && fake_env_int("FAKENVML_NVLINKS", 0) > 0;
    *status = ok ? 0 : 5;
    return 0;
}
nvmlReturn_t nvmlDeviceGetNvLinkState(void *h, unsigned int link, unsigned int *active) {
    FAIL("nvmlDeviceGetNvLinkState", idx(h));
    int links = fake_env_int("FAKENVML_NVLINKS", 0);
    if (links == 0) return 3;
    if ((int)link >= links) return 2; /* a link the GPU does not have, as real NVML answers */
    *active = !fake_nvlink_down(idx(h), link);
    return 0;
}
nvmlReturn_t nvmlDeviceGetNvLinkRemoteDeviceType(void *h, unsigned int link, unsigned int *type) {
    (void)link;
    FAIL("nvmlDeviceGetNvLinkRemoteDeviceType", idx(h));
    *type = fake_env_int("FAKENVML_NVSWITCH", 0) ? 2 : 0;
    return 0;
}
nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(void *h, unsigned int link, pci_info *p) {
    (void)link;
    FAIL("nvmlDeviceGetNvLinkRemotePciInfo_v2", idx(h));
    memset(p, 0, sizeof *p);
    p->bus = (unsigned)fake_pci_bus((idx(h) + 1) % devices());
    snprintf(p->busId, sizeof p->busId, "00000000:%02X:00.0", p->bus);
    return 0;
}

/* ---- Live monitoring (Get-GpuSample, Get-GpuProcess, Watch-Gpu): values a test sets in fake-gpu.conf ----
 *   FAKENVML_SM_CLOCK / FAKENVML_MEM_CLOCK   current clocks, MHz (default 1755 / 2619), + CUDA index
 *   FAKENVML_CLOCK_EVENTS                    clock-event reasons bit mask (strtoull base 0; default 0)
 *   FAKENVML_PCIE_RX_KBPS / _TX_KBPS         PCIe throughput, KB/s (default 2048 / 1024), from nvmlDeviceGetPcieThroughput
 *                                            and as the byte counters of fields 197/198 (FAKENVML_PCIE_NO_COUNTERS=1: no counters)
 *   FAKENVML_ECC_CORRECTED / _UNCORRECTED    volatile ECC counts; aggregate = volatile + 100 (ECC off on odd GPUs: NOT_SUPPORTED)
 *   FAKENVML_ECC_CORRECTED_STEP              GPU 0's volatile corrected count grows by this much at every read (errors under load)
 *   FAKENVML_MEMORY_USED_MIB                 used memory for nvmlDeviceGetMemoryInfo_v2 (default 2048)
 *   FAKENVML_NVLINKS                         NVLink links per GPU (default 0: none)
 *   FAKENVML_NVLINK_TX_KIBPS / _RX_KIBPS     NVLink counters grow at this many KiB per second of CLOCK_MONOTONIC
 *   FAKENVML_NVLINK_PER_LINK_ONLY            1: refuse the all-links scope (UINT_MAX), answer per link only
 *   FAKENVML_GPM                             0: GPM unsupported on every GPU; "1,0": per GPU by CUDA index (default 1)
 *   FAKENVML_GPM_<metric id>                 GPM metric value in percent; the fake adds the CUDA index
 *   FAKENVML_PROC_SM / FAKENVML_PROC_MEM     process utilization of pid 1 on GPU 0 (default 42 / 17)
 * fakenvml_gpm_live_samples() counts GPM buffers allocated and not freed. */
#include <time.h>

static double fake_env_double(const char *name, double fallback) {
    char buf[64];
    const char *v = fake_setting(name, buf, sizeof buf);
    return (v && *v) ? atof(v) : fallback;
}

static unsigned long long fake_env_ull(const char *name, unsigned long long fallback) {
    char buf[64];
    const char *v = fake_setting(name, buf, sizeof buf);
    return (v && *v) ? strtoull(v, NULL, 0) : fallback;
}

static double fake_now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

nvmlReturn_t nvmlDeviceGetClockInfo(void *h, int type, unsigned int *mhz) {
    FAIL("nvmlDeviceGetClockInfo", idx(h));
    if (type == 2) *mhz = (unsigned)fake_env_int("FAKENVML_MEM_CLOCK", 2619) + (unsigned)idx(h);
    else *mhz = (unsigned)fake_env_int("FAKENVML_SM_CLOCK", 1755) + (unsigned)idx(h);
    return 0;
}

nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(void *h, unsigned long long *reasons) {
    FAIL("nvmlDeviceGetCurrentClocksEventReasons", idx(h));
    *reasons = fake_env_ull("FAKENVML_CLOCK_EVENTS", 0);
    return 0;
}

/* The real call blocks about 20 ms: the hook counts calls, so a test can see that sampling avoids it. */
static int pcie_throughput_calls;
int fakenvml_pcie_throughput_calls(void) { return pcie_throughput_calls; }
nvmlReturn_t nvmlDeviceGetPcieThroughput(void *h, int counter, unsigned int *kbps) {
    pcie_throughput_calls++;
    FAIL("nvmlDeviceGetPcieThroughput", idx(h));
    *kbps = counter == 1 ? (unsigned)fake_env_int("FAKENVML_PCIE_RX_KBPS", 2048) : (unsigned)fake_env_int("FAKENVML_PCIE_TX_KBPS", 1024);
    return 0;
}

nvmlReturn_t nvmlDeviceGetTotalEccErrors(void *h, int errorType, int counterType, unsigned long long *count) {
    FAIL("nvmlDeviceGetTotalEccErrors", idx(h));
    if (idx(h) % 2) return 3; /* ECC is off on odd GPUs (see nvmlDeviceGetEccMode) */
    static unsigned long long corrected_reads;
    unsigned long long v = errorType == 0 ? fake_env_ull("FAKENVML_ECC_CORRECTED", 0) : fake_env_ull("FAKENVML_ECC_UNCORRECTED", 0);
    if (errorType == 0 && counterType == 0 && idx(h) == 0) v += fake_env_ull("FAKENVML_ECC_CORRECTED_STEP", 0) * corrected_reads++;
    /* The lifetime count adds FAKENVML_ECC_HISTORY (default 100) past errors to the recent ones. */
    *count = counterType == 1 ? v + fake_env_ull("FAKENVML_ECC_HISTORY", 100) : v;
    return 0;
}

typedef struct { unsigned int version; unsigned long long total, reserved, free, used; } memory_v2;
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(void *h, memory_v2 *m) {
    FAIL("nvmlDeviceGetMemoryInfo_v2", idx(h));
    if (m->version != (40u | (2u << 24))) return 25; /* NVML_ERROR_ARGUMENT_VERSION_MISMATCH */
    if (mig_memory(h, &m->total, &m->used)) { m->reserved = 0; m->free = m->total - m->used; return 0; }
    m->total = (idx(h) % 2 == 0 ? 81559ULL : 24576ULL) * 1024 * 1024;
    m->reserved = 512ULL * 1024 * 1024;
    m->used = (unsigned long long)fake_env_int("FAKENVML_MEMORY_USED_MIB", 2048) * 1024 * 1024;
    m->free = m->total - m->reserved - m->used;
    return 0;
}

nvmlReturn_t nvmlDeviceGetMinorNumber(void *h, unsigned int *minor) {
    FAIL("nvmlDeviceGetMinorNumber", idx(h));
    *minor = (unsigned)idx(h);
    return 0;
}

typedef struct {
    unsigned int fieldId, scopeId;
    long long timestamp, latencyUsec;
    int valueType, nvmlReturn;
    unsigned long long value;
} field_value;

static int fake_nvlink_health_field(int gpu, field_value *f); /* in the NVLink health block below */
nvmlReturn_t nvmlDeviceGetFieldValues(void *h, int count, field_value *values) {
    FAIL("nvmlDeviceGetFieldValues", idx(h));
    int links = fake_env_int("FAKENVML_NVLINKS", 0);
    double now = fake_now_seconds();
    for (int i = 0; i < count; i++) {
        field_value *f = &values[i];
        f->timestamp = (long long)(now * 1e6);
        f->latencyUsec = 0;
        f->valueType = 3; /* unsigned long long */
        f->nvmlReturn = 0;
        if (f->fieldId == 91) {
            f->valueType = 1;
            f->value = (unsigned)links;
            if (links == 0) f->nvmlReturn = 3; /* as an H100 without NVLink */
        }
        else if ((f->fieldId == 138 || f->fieldId == 139) && links > 0) {
            /* Scope UINT_MAX: all links; a link id: that link's share (refused with FAKENVML_NVLINK_PER_LINK_ONLY=1). */
            int all = f->scopeId == 0xFFFFFFFFu;
            if ((all && fake_env_int("FAKENVML_NVLINK_PER_LINK_ONLY", 0)) || (!all && (int)f->scopeId >= links)) {
                f->nvmlReturn = 2;
                continue;
            }
            double rate = f->fieldId == 138 ? fake_env_double("FAKENVML_NVLINK_TX_KIBPS", 0)
                                            : fake_env_double("FAKENVML_NVLINK_RX_KIBPS", 0);
            if (!all) rate /= links;
            f->value = (unsigned long long)(rate * ((double)f->timestamp / 1e6));
        }
        else if ((f->fieldId == 197 || f->fieldId == 198) && !fake_env_int("FAKENVML_PCIE_NO_COUNTERS", 0)) {
            /* PCIe byte counters growing at the FAKENVML_PCIE_TX/RX_KBPS rates (KiB per second of CLOCK_MONOTONIC). */
            double rate = f->fieldId == 197 ? fake_env_double("FAKENVML_PCIE_TX_KBPS", 1024)
                                            : fake_env_double("FAKENVML_PCIE_RX_KBPS", 2048);
            f->value = (unsigned long long)(rate * 1024.0 * ((double)f->timestamp / 1e6));
        }
        else if (!fake_nvlink_health_field(idx(h), f)) f->nvmlReturn = 3;
    }
    return 0;
}

typedef struct { unsigned int pid; unsigned long long timeStamp; unsigned int smUtil, memUtil, encUtil, decUtil; } process_utilization;
nvmlReturn_t nvmlDeviceGetProcessUtilization(void *h, process_utilization *u, unsigned int *count, unsigned long long lastSeen) {
    (void)lastSeen;
    FAIL("nvmlDeviceGetProcessUtilization", idx(h));
    unsigned int have = idx(h) == 0 ? 1 : 0;
    if (have == 0) return 6; /* NVML_ERROR_NOT_FOUND: no samples since lastSeen */
    if (u == NULL || *count < have) { *count = have; return 7; }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    u[0].pid = 1;
    u[0].timeStamp = (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
    u[0].smUtil = (unsigned)fake_env_int("FAKENVML_PROC_SM", 42);
    u[0].memUtil = (unsigned)fake_env_int("FAKENVML_PROC_MEM", 17);
    u[0].encUtil = u[0].decUtil = 0;
    *count = have;
    return 0;
}

/* GPM: a sample records which device it was taken on and how many samples were taken before it. */
typedef struct { int magic; int device; long serial; int gpu_instance; } gpm_sample;
#define GPM_MAGIC 0x47504d31
static int gpm_live;
static long gpm_serial;
int fakenvml_gpm_live_samples(void) { return gpm_live; }

static int gpm_supported(int cuda_index) {
    char buf[256];
    const char *v = fake_setting("FAKENVML_GPM", buf, sizeof buf);
    if (!v || !*v) return 1;
    if (!strchr(v, ',')) return atoi(v) != 0;
    int i = 0;
    for (const char *p = v; *p; i++) {
        if (i == cuda_index) return atoi(p) != 0;
        const char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
    }
    return 0;
}

typedef struct { unsigned int version, isSupportedDevice; } gpm_support;
nvmlReturn_t nvmlGpmQueryDeviceSupport(void *h, gpm_support *s) {
    FAIL("nvmlGpmQueryDeviceSupport", idx(h));
    if (s->version != 1) return 25;
    s->isSupportedDevice = (unsigned)gpm_supported(idx(h));
    return 0;
}

nvmlReturn_t nvmlGpmSampleAlloc(gpm_sample **out) {
    FAIL("nvmlGpmSampleAlloc", -1);
    gpm_sample *s = calloc(1, sizeof *s);
    s->magic = GPM_MAGIC;
    s->device = -1;
    gpm_live++;
    *out = s;
    return 0;
}

nvmlReturn_t nvmlGpmSampleFree(gpm_sample *s) {
    if (!s || s->magic != GPM_MAGIC) return 2;
    s->magic = 0;
    free(s);
    gpm_live--;
    return 0;
}

nvmlReturn_t nvmlGpmSampleGet(void *h, gpm_sample *s) {
    FAIL("nvmlGpmSampleGet", idx(h));
    if (!s || s->magic != GPM_MAGIC) return 2;
    if (!gpm_supported(idx(h))) return 3;
    s->device = idx(h);
    s->gpu_instance = -1;
    s->serial = ++gpm_serial;
    return 0;
}

typedef struct {
    unsigned int metricId;
    int nvmlReturn;
    double value;
    char *shortName, *longName, *unit;
} gpm_metric;
typedef struct {
    unsigned int version, numMetrics;
    gpm_sample *sample1, *sample2;
    gpm_metric metrics[98];
} gpm_metrics_get;

/* Refuses what real NVML refuses: a wrong version, samples of different GPUs, or sample2 not newer than sample1. */
nvmlReturn_t nvmlGpmMetricsGet(gpm_metrics_get *g) {
    FAIL("nvmlGpmMetricsGet", -1);
    if (g->version != 1) return 25;
    if (g->numMetrics > 98) return 2;
    gpm_sample *a = g->sample1, *b = g->sample2;
    if (!a || !b || a->magic != GPM_MAGIC || b->magic != GPM_MAGIC || a->device < 0 || a->device != b->device
        || a->gpu_instance != b->gpu_instance || b->serial <= a->serial) return 2;
    for (unsigned int i = 0; i < g->numMetrics; i++) {
        char name[48];
        snprintf(name, sizeof name, "FAKENVML_GPM_%u", g->metrics[i].metricId);
        /* The knob, plus the device index, plus the GPU instance id on a MIG instance. */
        g->metrics[i].value = fake_env_double(name, 0) + a->device + (a->gpu_instance > 0 ? a->gpu_instance : 0);
        g->metrics[i].nvmlReturn = 0;
        g->metrics[i].shortName = g->metrics[i].longName = g->metrics[i].unit = NULL;
    }
    return 0;
}

/* ---- Health (Test-GpuHealth) ----
 * Every fault below is on GPU 0 only, so a test also sees that GPU 1 stays healthy.
 *   FAKENVML_REMAP_PENDING 1: a row remap waits for a reset     FAKENVML_REMAP_FAILED 1: a remap failed
 *   FAKENVML_NO_REMAP      1: no row remapping (pre-Ampere): page retirement answers instead
 *   FAKENVML_RETIRE_PENDING 1: with FAKENVML_NO_REMAP, a page retirement is pending
 *   FAKENVML_PCIE_REPLAYS  PCIe replay count                   FAKENVML_TEMPERATURE  GPU 0's temperature (C)
 *   FAKENVML_MIG_PENDING   1: MIG turns on at the next reset
 *   FAKENVML_XID           an Xid number delivered once on GPU 0 to a registered event set
 *   FAKENVML_NO_EVENTS     1: nvmlDeviceRegisterEvents says NOT_SUPPORTED (containers, some VMs) */
nvmlReturn_t nvmlDeviceGetRemappedRows(void *h, unsigned int *corr, unsigned int *unc, unsigned int *pending, unsigned int *failed) {
    FAIL("nvmlDeviceGetRemappedRows", idx(h));
    if (fake_env_int("FAKENVML_NO_REMAP", 0)) return 3;
    int zero = idx(h) == 0;
    *corr = 0;
    *unc = zero && (fake_env_int("FAKENVML_REMAP_PENDING", 0) || fake_env_int("FAKENVML_REMAP_FAILED", 0)) ? 1 : 0;
    *pending = zero && fake_env_int("FAKENVML_REMAP_PENDING", 0);
    *failed = zero && fake_env_int("FAKENVML_REMAP_FAILED", 0);
    return 0;
}
nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(void *h, int *pending) {
    FAIL("nvmlDeviceGetRetiredPagesPendingStatus", idx(h));
    if (!fake_env_int("FAKENVML_NO_REMAP", 0)) return 3; /* Ampere and newer remap rows instead */
    *pending = idx(h) == 0 && fake_env_int("FAKENVML_RETIRE_PENDING", 0);
    return 0;
}
/*   FAKENVML_PCIE_REPLAYS_STEP  GPU 0's replay count grows by this much at every read (a link taking errors now) */
static unsigned int replay_reads;
nvmlReturn_t nvmlDeviceGetPcieReplayCounter(void *h, unsigned int *v) {
    FAIL("nvmlDeviceGetPcieReplayCounter", idx(h));
    if (idx(h) != 0) { *v = 0; return 0; }
    *v = (unsigned)fake_env_int("FAKENVML_PCIE_REPLAYS", 0) + (unsigned)fake_env_int("FAKENVML_PCIE_REPLAYS_STEP", 0) * replay_reads++;
    return 0;
}
nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(void *h, unsigned int *mw) {
    FAIL("nvmlDeviceGetPowerManagementDefaultLimit", idx(h));
    *mw = 700000;
    return 0;
}
nvmlReturn_t nvmlDeviceGetTemperatureThreshold(void *h, int type, unsigned int *t) {
    FAIL("nvmlDeviceGetTemperatureThreshold", idx(h));
    if (type != 1) return 2; /* the module asks for the slowdown threshold */
    *t = 87;
    return 0;
}

typedef struct { void *device; unsigned long long type, data; unsigned int gi, ci; } event_data;
typedef struct { int magic; int registered[64]; int delivered; } event_set;
static int live_event_sets;
int fakenvml_live_event_sets(void) { return live_event_sets; }
nvmlReturn_t nvmlEventSetCreate(event_set **set) {
    FAIL("nvmlEventSetCreate", -1);
    *set = calloc(1, sizeof **set);
    (*set)->magic = 0x4556;
    live_event_sets++;
    return 0;
}
nvmlReturn_t nvmlDeviceRegisterEvents(void *h, unsigned long long types, event_set *set) {
    FAIL("nvmlDeviceRegisterEvents", idx(h));
    if (!set || set->magic != 0x4556) return 2;
    if (fake_env_int("FAKENVML_NO_EVENTS", 0)) return 3;
    if (types & 0x8) set->registered[idx(h)] = 1;
    return 0;
}
nvmlReturn_t nvmlEventSetWait_v2(event_set *set, event_data *data, unsigned int timeout_ms) {
    if (!set || set->magic != 0x4556) return 2;
    int xid = fake_env_int("FAKENVML_XID", 0);
    if (xid && set->registered[0] && !set->delivered) {
        set->delivered = 1;
        memset(data, 0, sizeof *data);
        for (int i = 0; i < devices(); i++) if (g_devices[i].cuda_index == 0) data->device = &g_devices[i];
        data->type = 0x8;
        data->data = (unsigned long long)xid;
        return 0;
    }
    usleep(timeout_ms > 50 ? 50000 : timeout_ms * 1000); /* the real call sleeps until the timeout; the fake shortens it */
    return 10; /* NVML_ERROR_TIMEOUT */
}
nvmlReturn_t nvmlEventSetFree(event_set *set) {
    if (!set || set->magic != 0x4556) return 2;
    set->magic = 0;
    free(set);
    live_event_sets--;
    return 0;
}

/* ---- MIG (FAKENVML_MIG, see fake_common.h): GPU 0 in MIG mode with MIG devices; the other GPUs without MIG
 * (odd ones are not MIG-capable: nvmlDeviceGetMigMode is NOT_SUPPORTED there). Errors as nvml.h documents them. */
static int mig_count(fake_mig_profile *profiles) { return fake_mig_devices(profiles); }

static int mig_memory(void *h, unsigned long long *total, unsigned long long *used) {
    fake_mig_profile profiles[FAKE_MIG_MAX];
    if (!is_mig(h)) return 0;
    int k = ((fake_mig_device *)h)->index;
    if (mig_count(profiles) <= k) return 0;
    *total = fake_mig_memory_mib(&profiles[k]) * 1024 * 1024;
    *used = (unsigned long long)(k + 1) * 512 * 1024 * 1024; /* each instance a different amount, so a mix-up shows */
    return 1;
}

nvmlReturn_t nvmlDeviceIsMigDeviceHandle(void *h, unsigned int *is) { if (!h || !is) return 2; *is = (unsigned)is_mig(h); return 0; }

/* Zero where MIG is off or unsupported, as documented; a MIG handle is not a parent. */
nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(void *h, unsigned int *count) {
    FAIL("nvmlDeviceGetMaxMigDeviceCount", idx(h));
    if (!count || is_mig(h)) return 2;
    *count = mig_on(h) ? FAKE_MIG_MAX : 0;
    return 0;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(void *h, unsigned int index, void **out) {
    FAIL("nvmlDeviceGetMigDeviceHandleByIndex", idx(h));
    if (!out || is_mig(h) || index >= FAKE_MIG_MAX) return 2;
    if (idx(h) % 2) return 3;      /* not MIG-capable */
    if (!mig_on(h)) return 2;      /* MIG off */
    if ((int)index >= mig_count(NULL)) return 6; /* NVML_ERROR_NOT_FOUND: no MIG device there (yet) */
    g_mig[index].cuda_index = idx(h);
    g_mig[index].index = (int)index;
    *out = &g_mig[index];
    return 0;
}

nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(void *h, void **parent) {
    if (!parent || !is_mig(h)) return 2;
    for (int i = 0; i < devices(); i++) if (g_devices[i].cuda_index == idx(h)) { *parent = &g_devices[i]; return 0; }
    return 2;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(void *h, unsigned int *id) {
    FAIL("nvmlDeviceGetGpuInstanceId", idx(h));
    if (!id) return 2;
    if (!is_mig(h)) return 3;
    *id = (unsigned)fake_mig_gpu_instance_id(((fake_mig_device *)h)->index);
    return 0;
}

nvmlReturn_t nvmlDeviceGetComputeInstanceId(void *h, unsigned int *id) {
    FAIL("nvmlDeviceGetComputeInstanceId", idx(h));
    if (!id) return 2;
    if (!is_mig(h)) return 3;
    *id = 0;
    return 0;
}

typedef struct {
    unsigned int multiprocessorCount, sharedCopyEngineCount, sharedDecoderCount, sharedEncoderCount, sharedJpegCount, sharedOfaCount;
    unsigned int gpuInstanceSliceCount, computeInstanceSliceCount;
    unsigned long long memorySizeMB;
} device_attributes;

/* "This API currently only supports MIG device handles" (nvml.h). */
nvmlReturn_t nvmlDeviceGetAttributes_v2(void *h, device_attributes *a) {
    FAIL("nvmlDeviceGetAttributes_v2", idx(h));
    fake_mig_profile profiles[FAKE_MIG_MAX];
    if (!a) return 2;
    if (!is_mig(h)) return 3;
    int k = ((fake_mig_device *)h)->index;
    if (mig_count(profiles) <= k) return 2;
    memset(a, 0, sizeof *a);
    a->multiprocessorCount = (unsigned)fake_mig_sms(&profiles[k]);
    a->sharedCopyEngineCount = (unsigned)profiles[k].gpu_slices;
    a->gpuInstanceSliceCount = (unsigned)profiles[k].gpu_slices;
    a->computeInstanceSliceCount = (unsigned)profiles[k].compute_slices;
    a->memorySizeMB = fake_mig_memory_mib(&profiles[k]);
    return 0;
}

/* GPM per GPU instance: sampled on the parent GPU's handle with the instance's id. */
nvmlReturn_t nvmlGpmMigSampleGet(void *h, unsigned int gpuInstanceId, gpm_sample *s) {
    FAIL("nvmlGpmMigSampleGet", idx(h));
    if (!s || s->magic != GPM_MAGIC || is_mig(h)) return 2;
    if (!gpm_supported(idx(h))) return 3;
    if (!mig_on(h)) return 2;
    int found = 0;
    for (int k = 0; k < mig_count(NULL); k++) found |= fake_mig_gpu_instance_id(k) == (int)gpuInstanceId;
    if (!found) return 6;
    s->device = idx(h);
    s->gpu_instance = (int)gpuInstanceId;
    s->serial = ++gpm_serial;
    return 0;
}
/* ---- NVLink and recovery health (Test-GpuHealth) ----
 * Faults on GPU 0 only, like the health block above. FAKENVML_NVLINKS (default 0) gives every GPU its links; a GPU
 * with none answers NOT_SUPPORTED for link state and error counters, as PCIe cards do, and a link id beyond its
 * count is INVALID_ARGUMENT.
 *   FAKENVML_NVLINK_DOWN            links of GPU 0 that are down: "3" or "3,7"
 *   FAKENVML_NVLINK_ERRORS          every error counter of GPU 0's link 0 starts at this count (errors of the past)
 *   FAKENVML_NVLINK_CRC_PER_S       GPU 0's link 0 CRC flit count grows at this many a second of CLOCK_MONOTONIC
 *   FAKENVML_NVLINK_REPLAY_PER_S    ... its replay count        FAKENVML_NVLINK_RECOVERY_PER_S  ... its recovery count
 *   FAKENVML_NVLINK_NO_ECC_COUNTER  1: the ECC data counter is NOT_SUPPORTED (GPUs before Ampere)
 *   FAKENVML_RECOVERY_ACTION        GPU 0's NVML_FI_DEV_GET_GPU_RECOVERY_ACTION: a number, or none, reset, reboot,
 *                                   drain_p2p, drain_reset; "unknown": an older driver that does not know the
 *                                   field (its status INVALID_ARGUMENT), "unsupported": NOT_SUPPORTED */
static int fake_nvlink_down(int gpu, unsigned int link) {
    char buf[256];
    const char *v = fake_setting("FAKENVML_NVLINK_DOWN", buf, sizeof buf);
    if (gpu != 0 || !v || !*v) return 0;
    for (const char *p = v; *p; ) {
        if (atoi(p) == (int)link) return 1;
        const char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
    }
    return 0;
}

/* The moment of the first counter read: the counters grow from there, so a count is base + rate x seconds since. */
static double nvlink_counters_epoch = -1;

nvmlReturn_t nvmlDeviceGetNvLinkErrorCounter(void *h, unsigned int link, int counter, unsigned long long *value) {
    FAIL("nvmlDeviceGetNvLinkErrorCounter", idx(h));
    int links = fake_env_int("FAKENVML_NVLINKS", 0);
    if (links == 0) return 3;
    if ((int)link >= links || counter < 0 || counter > 4 || !value) return 2;
    if (counter == 4 && fake_env_int("FAKENVML_NVLINK_NO_ECC_COUNTER", 0)) return 3;
    *value = 0;
    if (idx(h) != 0 || link != 0) return 0;
    double now = fake_now_seconds();
    if (nvlink_counters_epoch < 0) nvlink_counters_epoch = now;
    const char *rate = counter == 0 ? "FAKENVML_NVLINK_REPLAY_PER_S" : counter == 1 ? "FAKENVML_NVLINK_RECOVERY_PER_S"
                     : counter == 2 ? "FAKENVML_NVLINK_CRC_PER_S" : NULL;
    *value = fake_env_ull("FAKENVML_NVLINK_ERRORS", 0)
           + (rate ? (unsigned long long)(fake_env_double(rate, 0) * (now - nvlink_counters_epoch)) : 0);
    return 0;
}

static int fake_recovery_action(int *status) {
    char buf[64];
    const char *v = fake_setting("FAKENVML_RECOVERY_ACTION", buf, sizeof buf);
    *status = 0;
    if (!v || !*v || strcmp(v, "none") == 0) return 0;
    if (strcmp(v, "reset") == 0) return 1;
    if (strcmp(v, "reboot") == 0) return 2;
    if (strcmp(v, "drain_p2p") == 0) return 3;
    if (strcmp(v, "drain_reset") == 0) return 4;
    if (strcmp(v, "unknown") == 0) { *status = 2; return 0; }
    if (strcmp(v, "unsupported") == 0) { *status = 3; return 0; }
    return atoi(v);
}

/* The fields this block answers for nvmlDeviceGetFieldValues; 0 for a field it does not know. */
static int fake_nvlink_health_field(int gpu, field_value *f) {
    if (f->fieldId != 230) return 0;
    int status = 0, action = fake_recovery_action(&status);
    f->valueType = 1; /* unsigned int */
    f->nvmlReturn = status;
    f->value = gpu == 0 ? (unsigned)action : 0u;
    if (status == 3 || status == 2) f->value = 0;
    return 1;
}

/* ---- Accounting (Stop-GpuJob): NVML's per-process accounting, off unless a test turns it on ----
 *   FAKENVML_ACCOUNTING        1: accounting mode is on for every GPU (off on GPU 0 in MIG mode, NOT_SUPPORTED on a
 *                              MIG device's handle); "unsupported": NOT_SUPPORTED, as on a GPU without accounting
 *   FAKENVML_ACCOUNTING_PROCS  GPU 0's accounted processes, "pid/util%/maxMiB/startedMsAgo/activeMs" comma-separated
 *                              (activeMs 0: still running), the start counted back from the wall clock at each call */
typedef struct {
    unsigned int gpuUtilization, memoryUtilization;
    unsigned long long maxMemoryUsage, time, startTime;
    unsigned int isRunning;
    unsigned int reserved[5];
} accounting_stats;
_Static_assert(sizeof(accounting_stats) == 56, "nvmlAccountingStats_t is 56 bytes");

typedef struct { unsigned int pid, util; unsigned long long max_mib, ago_ms, active_ms; } fake_accounted;

static int accounting_state(void) {
    char buf[64];
    const char *v = fake_setting("FAKENVML_ACCOUNTING", buf, sizeof buf);
    if (v && strcmp(v, "unsupported") == 0) return -1;
    return v && *v ? atoi(v) != 0 : 0;
}

static int accounted(void *h, fake_accounted *out, int max) {
    if (idx(h) != 0) return 0;
    char buf[1024];
    const char *spec = fake_setting("FAKENVML_ACCOUNTING_PROCS", buf, sizeof buf);
    if (!spec || !*spec) return 0;
    if (spec != buf) { strncpy(buf, spec, sizeof buf - 1); buf[sizeof buf - 1] = 0; }
    int n = 0;
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item && n < max; item = strtok_r(NULL, ",", &save)) {
        fake_accounted a;
        if (sscanf(item, "%u/%u/%llu/%llu/%llu", &a.pid, &a.util, &a.max_mib, &a.ago_ms, &a.active_ms) == 5) out[n++] = a;
    }
    return n;
}

nvmlReturn_t nvmlDeviceGetAccountingMode(void *h, int *mode) {
    FAIL("nvmlDeviceGetAccountingMode", idx(h));
    if (mode == NULL) return 2;
    int state = accounting_state();
    if (state < 0 || is_mig(h)) return 3; /* accounting is per GPU: a MIG device's handle has none */
    *mode = mig_on(h) ? 0 : state;        /* "On MIG-enabled GPUs, accounting mode would be set to DISABLED" (nvml.h) */
    return 0;
}

nvmlReturn_t nvmlDeviceGetAccountingPids(void *h, unsigned int *count, unsigned int *pids) {
    FAIL("nvmlDeviceGetAccountingPids", idx(h));
    if (count == NULL) return 2;
    if (accounting_state() != 1 || is_mig(h) || mig_on(h)) return 3; /* NOT_SUPPORTED: no support, mode off, or MIG */
    fake_accounted list[32];
    unsigned int have = (unsigned)accounted(h, list, 32);
    if (pids == NULL || *count < have) { *count = have; return have == 0 && pids != NULL ? 0 : 7; }
    for (unsigned int i = 0; i < have; i++) pids[i] = list[i].pid;
    *count = have;
    return 0;
}

nvmlReturn_t nvmlDeviceGetAccountingStats(void *h, unsigned int pid, accounting_stats *stats) {
    FAIL("nvmlDeviceGetAccountingStats", idx(h));
    if (stats == NULL) return 2;
    if (accounting_state() != 1 || is_mig(h) || mig_on(h)) return 3;
    fake_accounted list[32];
    int have = accounted(h, list, 32);
    for (int i = 0; i < have; i++) {
        if (list[i].pid != pid) continue;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long now_us = (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
        memset(stats, 0, sizeof *stats);
        stats->gpuUtilization = list[i].util;
        stats->memoryUtilization = list[i].util / 2;
        stats->maxMemoryUsage = list[i].max_mib * 1024ULL * 1024ULL;
        stats->startTime = now_us - list[i].ago_ms * 1000ULL;
        stats->isRunning = list[i].active_ms == 0;
        stats->time = list[i].active_ms;
        return 0;
    }
    return 6; /* NOT_FOUND: the circular buffer no longer holds it */
}
/* ---- Energy (the energy figures of Measure-GpuMatMul, Measure-GpuBandwidth and Test-GpuHealth; Get-GpuSample) ----
 * nvmlDeviceGetTotalEnergyConsumption: millijoules since "the driver loaded" (CLOCK_MONOTONIC's zero), growing at the
 * 72.5 W nvmlDeviceGetPowerUsage reports, and moving in steps as the real counter does (it updates when the driver
 * samples power), so a bracket around real work gives a plausible figure and sees an update period.
 *   FAKENVML_ENERGY            0: NOT_SUPPORTED on every GPU (as before Volta); "1,0": per GPU by CUDA index (default 1)
 *   FAKENVML_ENERGY_UPDATE_MS  the counter's update period in ms (default 20; 0: it moves at every read)
 *   FAKENVML_ENERGY_RELOADED   1: GPU 0's counter counts only from the last whole second, as just after a driver reload
 *                              (a test sets it between two reads to see the counter go back) */
static const double fake_board_power_w = 72.5; /* nvmlDeviceGetPowerUsage's 72500 mW */

static int energy_supported(int cuda_index) {
    char buf[256];
    const char *v = fake_setting("FAKENVML_ENERGY", buf, sizeof buf);
    if (!v || !*v) return 1;
    if (!strchr(v, ',')) return atoi(v) != 0;
    const char *p = v;
    for (int i = 0; i < cuda_index && p; i++) {
        p = strchr(p, ',');
        if (p) p++;
    }
    return p ? atoi(p) != 0 : 0;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(void *h, unsigned long long *energy) {
    FAIL("nvmlDeviceGetTotalEnergyConsumption", idx(h));
    if (!energy) return 2; /* NVML_ERROR_INVALID_ARGUMENT */
    if (!energy_supported(idx(h)) || is_mig(h)) return 3; /* the board's counter: not per MIG device */
    double period = fake_env_double("FAKENVML_ENERGY_UPDATE_MS", 20) / 1e3;
    double now = fake_now_seconds();
    /* The value of the last update: the counter stands still between the driver's power samples. */
    if (period > 0) now = (double)(long long)(now / period) * period;
    if (idx(h) == 0 && fake_env_int("FAKENVML_ENERGY_RELOADED", 0)) now -= (double)(long long)now;
    *energy = (unsigned long long)(now * fake_board_power_w * 1000.0);
    return 0;
}

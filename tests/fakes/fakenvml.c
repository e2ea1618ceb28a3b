/* A fake NVML (libnvidia-ml.so.1) matching fakecuda's devices by UUID and PCI bus id.
 *   FAKENVML_DEVICES  number of devices (default: FAKECUDA_DEVICES, else 2)
 *   FAKENVML_REVERSE  1: enumerate devices in the opposite order to CUDA (NVML's order is its own)
 *   FAKENVML_FAIL     "nvmlInit_v2=9,nvmlDeviceGetPowerUsage@0=3": calls to fail
 * Each device's temperature is 40 + its CUDA index, so a test can tell a wrong join. */
#include <stdint.h>
#include "fake_common.h"

typedef int nvmlReturn_t;
typedef struct { int cuda_index; } fake_device;
static fake_device g_devices[64];

#define FAIL(fn, dev) do { int c_ = fake_fail_code("FAKENVML_FAIL", fn, dev); if (c_) return c_; } while (0)

static int devices(void) { return fake_env_int("FAKENVML_DEVICES", fake_env_int("FAKECUDA_DEVICES", 2)); }
static int to_cuda(int nvml_index) { return fake_env_int("FAKENVML_REVERSE", 0) ? devices() - 1 - nvml_index : nvml_index; }
static int idx(void *h) { return ((fake_device *)h)->cuda_index; }

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

nvmlReturn_t nvmlSystemGetDriverVersion(char *v, unsigned int n) { FAIL("nvmlSystemGetDriverVersion", -1); snprintf(v, n, "580.159.04"); return 0; }
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *v) { *v = fake_env_int("FAKECUDA_VERSION", 13000); return 0; }
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { FAIL("nvmlDeviceGetCount_v2", -1); *n = (unsigned)devices(); return 0; }

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **h) {
    if ((int)i >= devices()) return 2;
    g_devices[i].cuda_index = to_cuda((int)i);
    *h = &g_devices[i];
    return 0;
}

nvmlReturn_t nvmlDeviceGetUUID(void *h, char *s, unsigned int n) { FAIL("nvmlDeviceGetUUID", idx(h)); fake_uuid_text(idx(h), s, n); return 0; }

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

nvmlReturn_t nvmlDeviceGetTemperature(void *h, int sensor, unsigned int *t) { (void)sensor; FAIL("nvmlDeviceGetTemperature", idx(h)); *t = 40u + (unsigned)idx(h); return 0; }
nvmlReturn_t nvmlDeviceGetPowerUsage(void *h, unsigned int *mw) { FAIL("nvmlDeviceGetPowerUsage", idx(h)); *mw = 72500; return 0; }
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(void *h, unsigned int *mw) { FAIL("nvmlDeviceGetEnforcedPowerLimit", idx(h)); *mw = 700000; return 0; }

typedef struct { unsigned int gpu, memory; } utilization;
nvmlReturn_t nvmlDeviceGetUtilizationRates(void *h, utilization *u) { FAIL("nvmlDeviceGetUtilizationRates", idx(h)); u->gpu = 3; u->memory = 1; return 0; }
nvmlReturn_t nvmlDeviceGetPersistenceMode(void *h, unsigned int *m) { FAIL("nvmlDeviceGetPersistenceMode", idx(h)); *m = 1; return 0; }
nvmlReturn_t nvmlDeviceGetMigMode(void *h, unsigned int *c, unsigned int *p) { FAIL("nvmlDeviceGetMigMode", idx(h)); if (idx(h) % 2) return 3; *c = 0; *p = 0; return 0; }
nvmlReturn_t nvmlDeviceGetEccMode(void *h, unsigned int *c, unsigned int *p) { FAIL("nvmlDeviceGetEccMode", idx(h)); *c = idx(h) % 2 == 0; *p = *c; return 0; }
nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(void *h, unsigned int *v) { (void)h; *v = 5; return 0; }
nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(void *h, unsigned int *v) { (void)h; *v = 5; return 0; }
nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(void *h, unsigned int *v) { (void)h; *v = 16; return 0; }
nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(void *h, unsigned int *v) { (void)h; *v = 16; return 0; }
nvmlReturn_t nvmlDeviceGetMaxClockInfo(void *h, int type, unsigned int *mhz) { (void)h; *mhz = type == 2 ? 2619 : 1980; return 0; }

typedef struct { unsigned long long total, free, used; } memory;
nvmlReturn_t nvmlDeviceGetMemoryInfo(void *h, memory *m) {
    FAIL("nvmlDeviceGetMemoryInfo", idx(h));
    m->total = (idx(h) % 2 == 0 ? 81559ULL : 24576ULL) * 1024 * 1024;
    m->used = 1024ULL * 1024 * 1024;
    m->free = m->total - m->used;
    return 0;
}

typedef struct { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gi, ci; } process_info;
/* Device 0 runs two processes (ask with room for one and the module must retry); others none. */
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(void *h, unsigned int *count, process_info *infos) {
    FAIL("nvmlDeviceGetComputeRunningProcesses_v3", idx(h));
    unsigned int have = idx(h) == 0 ? 2 : 0;
    if (*count < have) { *count = have; return 7; }
    for (unsigned int i = 0; i < have; i++) {
        infos[i].pid = 1; /* init exists on every Linux box, so the name lookup is exercised */
        infos[i].usedGpuMemory = (i + 1) * 512ULL * 1024 * 1024;
        infos[i].gi = infos[i].ci = 0xFFFFFFFF;
    }
    *count = have;
    return 0;
}

/* ---- Bandwidth and topology (Measure-GpuBandwidth, Get-GpuTopology) ----
 * GPU i is on NUMA node i % 2; its close CPUs are 0-7,16-23 (node 0) or 8-15,24-31 (node 1).
 *   FAKENVML_NO_NUMA  1: nvmlDeviceGetNumaNodeId is "not supported" (older drivers, some VMs) */
nvmlReturn_t nvmlDeviceGetNumaNodeId(void *h, unsigned int *node) {
    FAIL("nvmlDeviceGetNumaNodeId", idx(h));
    if (fake_env_int("FAKENVML_NO_NUMA", 0)) return 3;
    *node = (unsigned)(idx(h) % 2);
    return 0;
}
nvmlReturn_t nvmlDeviceGetCpuAffinity(void *h, unsigned int size, unsigned long *set) {
    FAIL("nvmlDeviceGetCpuAffinity", idx(h));
    if (size < 1) return 2;
    for (unsigned int i = 0; i < size; i++) set[i] = 0;
    set[0] = idx(h) % 2 == 0 ? 0x0000000000FF00FFUL : 0x00000000FF00FF00UL;
    return 0;
}
/*   FAKENVML_TOPOLOGY_LEVEL  nvmlGpuTopologyLevel_t between any two GPUs (default 20, PXB)
 *   FAKENVML_P2P       0: nvmlDeviceGetP2PStatus says NOT_SUPPORTED (default 1: OK)
 *   FAKENVML_NVLINKS   active NVLinks per GPU (default 0: the GPU has no NVLink), each to the next GPU
 *   FAKENVML_NVSWITCH  1: the NVLinks go to NVSwitches, not to a GPU */
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
    if (link >= 18) return 2;
    *active = (int)link < links;
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

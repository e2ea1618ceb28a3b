/* A fake NCCL 2 (libnccl.so.2) for tests without GPUs. It does the collectives' arithmetic on the fake driver's
 * memory (host memory behind device pointers), through that driver's own calls: each rank's stream is
 * synchronised (cuStreamSynchronize) before its buffers are read or written, so the fake stays right if the fake
 * driver ever defers stream work, and copies go through cuMemcpyDtoH/HtoD, which skip its pretend allocations.
 * It behaves like the real library where a caller can go wrong:
 *   - ncclCommInitAll makes one communicator per device in this process. A collective completes when every rank
 *     of the communicator has posted it: inside ncclGroupStart/End one thread may post for all ranks; outside a
 *     group, a call on a multi-rank communicator waits for the other ranks to post from other threads, as the
 *     real one blocks (FAKENCCL_TIMEOUT_MS later it gives up with ncclInvalidUsage where the real one would hang).
 *   - ncclGetUniqueId names a POSIX shared-memory segment (with a random token); ncclCommInitRank joins it with
 *     a barrier, and collectives exchange data through it with barriers, so ranks in separate processes really
 *     reduce each other's data. A rank that never joins or never posts: the others fail after FAKENCCL_TIMEOUT_MS
 *     with ncclSystemError (at the join) or ncclRemoteError (in a collective, also as the asynchronous error).
 *   - Arguments are checked: a null or destroyed communicator, a bad count, type, operation, root or peer, a null
 *     buffer, a buffer on another GPU (cuPointerGetAttribute) give ncclInvalidArgument; duplicate devices and
 *     mismatched calls across ranks ncclInvalidUsage; ncclCommAbort ends every wait on the communicator.
 * Knobs (fake-gpu.conf beside the library, see fake_common.h):
 *   FAKENCCL_VERSION     ncclGetVersion (default 22703, NCCL 2.27.3)
 *   FAKENCCL_CORRUPT=k   element k of one rank's output is off by one after every collective
 *   FAKENCCL_CORRUPT_RANK  that rank (default 0)
 *   FAKENCCL_STALL_MS    every group end (or ungrouped call) hangs this long before doing its work; an abort ends it
 *   FAKENCCL_TIMEOUT_MS  how long a rank waits for its peers (default 10000)
 *   FAKENCCL_SHM_MB      bytes a rank may publish per collective through the shared segment (default 64)
 *   FAKENCCL_FAIL        "ncclCommInitAll=2,ncclAllReduce=4": calls to fail with that ncclResult_t
 * Timing: the work is done on the host inside the call, so the fake driver's events time it; FAKECUDA_EVENT_MS
 * and FAKECUDA_SLOW_GPU set the figures a test expects.
 * Built with -DFAKE_OLD_NCCL it is NCCL 2.6.4: no ncclSend/ncclRecv and no ncclGetLastError. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "fake_common.h"

/* The calls are written under their own names and made as fake_<name>: the exported names are the tracing
 * wrappers at the end of the file (see "Call trace"). */
#define ncclGetVersion fake_ncclGetVersion
#define ncclGetErrorString fake_ncclGetErrorString
#define ncclGetLastError fake_ncclGetLastError
#define ncclGetUniqueId fake_ncclGetUniqueId
#define ncclCommInitAll fake_ncclCommInitAll
#define ncclCommInitRank fake_ncclCommInitRank
#define ncclCommDestroy fake_ncclCommDestroy
#define ncclCommAbort fake_ncclCommAbort
#define ncclCommGetAsyncError fake_ncclCommGetAsyncError
#define ncclCommCount fake_ncclCommCount
#define ncclCommCuDevice fake_ncclCommCuDevice
#define ncclCommUserRank fake_ncclCommUserRank
#define ncclGroupStart fake_ncclGroupStart
#define ncclGroupEnd fake_ncclGroupEnd
#define ncclAllReduce fake_ncclAllReduce
#define ncclAllGather fake_ncclAllGather
#define ncclReduceScatter fake_ncclReduceScatter
#define ncclBroadcast fake_ncclBroadcast
#define ncclReduce fake_ncclReduce
#define ncclSend fake_ncclSend
#define ncclRecv fake_ncclRecv

typedef enum { ok = 0, cudaErr = 1, systemErr = 2, internalErr = 3, invalidArg = 4, invalidUsage = 5, remoteErr = 6 } ncclResult_t;
enum { K_ALLREDUCE, K_ALLGATHER, K_REDUCESCATTER, K_BROADCAST, K_REDUCE, K_SEND, K_RECV };
#define MAX_RANKS 64
#define MAX_CALLS 256
#define COMM_MAGIC 0x4e43434cu
#define ID_MAGIC "FAKENCCL"

/* From the fake CUDA driver this library is linked against. */
extern int cuStreamSynchronize(void *s);
extern int cuMemcpyDtoH_v2(void *dst, unsigned long long src, size_t bytes);
extern int cuMemcpyHtoD_v2(unsigned long long dst, const void *src, size_t bytes);
extern int cuPointerGetAttribute(void *data, int attribute, unsigned long long p);
extern int cuCtxGetDevice(int *d);
extern int cuDeviceGetCount(int *n);
extern int cuDevicePrimaryCtxRetain(void **context, int device);
extern int cuDevicePrimaryCtxRelease_v2(int device);
extern int cuCtxPushCurrent_v2(void *context);
extern int cuCtxPopCurrent_v2(void **context);

typedef struct { int kind; const void *send; void *recv; size_t count; int type, op, root, peer; void *stream; } call;
typedef struct unit { int ncalls; call calls[MAX_CALLS]; int done; ncclResult_t result; struct unit *next; } unit;

typedef struct shm_header {
    char token[16];
    int ready, nranks, joined, attached, failed;
    unsigned arrived, generation;
    size_t slot_bytes;
    pthread_mutex_t m;
    pthread_cond_t c;
} shm_header;

struct clique;
typedef struct comm {
    unsigned magic;
    int rank, nranks, device, aborted;
    int busy, orphan, released; /* threads inside a call on it; ended while busy: the last one out frees it */
    ncclResult_t async_error;
    struct clique *clique;
    shm_header *shm;
    size_t shm_size;
} comm;

typedef struct clique {
    pthread_mutex_t m;
    pthread_cond_t c;
    int n, refs, aborted, waiters, freed;
    comm *comms[MAX_RANKS];
    unit *head[MAX_RANKS], *tail[MAX_RANKS];
} clique;

static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static int live_comms;
int fakenccl_live_comms(void) { return live_comms; }
static __thread char last_error[512];
static __thread int group_depth;
static __thread int group_count;
static __thread comm *group_comms[MAX_CALLS];
static __thread call group_calls[MAX_CALLS];

static ncclResult_t fail_with(ncclResult_t r, const char *text) { snprintf(last_error, sizeof last_error, "%s", text); return r; }
#define FAILCALL(fn) do { int c_ = fake_fail_code("FAKENCCL_FAIL", fn, -1); \
    if (c_) return fail_with((ncclResult_t)c_, fn " failed (FAKENCCL_FAIL)"); } while (0)

static int timeout_ms(void) { return fake_env_int("FAKENCCL_TIMEOUT_MS", 10000); }
static void deadline_in(struct timespec *t, int ms) {
    clock_gettime(CLOCK_REALTIME, t);
    t->tv_sec += ms / 1000;
    t->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) { t->tv_sec++; t->tv_nsec -= 1000000000L; }
}

/* ---- element arithmetic ---- */
static size_t type_size(int t) { return t == 7 ? 4 : 2; }
static float half_to_float(uint16_t h) {
    int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    float v = e == 0 ? m * (1.0f / 16777216.0f)
            : e == 31 ? (m ? 0.0f / 0.0f : 1.0f / 0.0f)
            : (1.0f + m / 1024.0f) * (float)(1 << e) / 32768.0f;
    return s ? -v : v;
}
static uint16_t float_to_half(float f) {
    uint32_t x; memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000, mant = x & 0x7fffff;
    int e = (int)((x >> 23) & 0xff) - 127 + 15;
    if (((x >> 23) & 0xff) == 0xff) return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 : 0));
    if (e >= 31) return (uint16_t)(sign | 0x7c00);
    if (e <= 0) {
        if (e < -10) return (uint16_t)sign;
        mant |= 0x800000;
        int shift = 14 - e;
        uint32_t v = mant >> shift, rest = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rest > half || (rest == half && (v & 1))) v++;
        return (uint16_t)(sign | v);
    }
    uint32_t v = sign | ((uint32_t)e << 10) | (mant >> 13), rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (v & 1))) v++;
    return (uint16_t)v;
}
static float load(const unsigned char *p, size_t i, int t) {
    if (t == 7) { float f; memcpy(&f, p + 4 * i, 4); return f; }
    uint16_t h; memcpy(&h, p + 2 * i, 2);
    if (t == 6) return half_to_float(h);
    uint32_t x = (uint32_t)h << 16; float f; memcpy(&f, &x, 4); return f;
}
static void store(unsigned char *p, size_t i, int t, float v) {
    if (t == 7) { memcpy(p + 4 * i, &v, 4); return; }
    uint16_t h;
    if (t == 6) h = float_to_half(v);
    else { uint32_t x; memcpy(&x, &v, 4); x += 0x7fff + ((x >> 16) & 1); h = (uint16_t)(x >> 16); }
    memcpy(p + 2 * i, &h, 2);
}

static size_t input_elements(const call *k, int n) { return k->kind == K_REDUCESCATTER ? k->count * (size_t)n : k->count; }
static size_t output_elements(const call *k, int n) { return k->kind == K_ALLGATHER ? k->count * (size_t)n : k->count; }

/* One rank's output of a collective from every rank's input (host copies), as the real reduction would leave it. */
static void compute(const call *k, int n, int me, unsigned char *const *in, unsigned char *out) {
    size_t es = type_size(k->type), count = k->count;
    switch (k->kind) {
    case K_ALLREDUCE:
    case K_REDUCE:
        if (k->kind == K_REDUCE && me != k->root) return;
        for (size_t i = 0; i < count; i++) {
            float s = 0;
            for (int r = 0; r < n; r++) s += load(in[r], i, k->type);
            store(out, i, k->type, s);
        }
        break;
    case K_REDUCESCATTER:
        for (size_t i = 0; i < count; i++) {
            float s = 0;
            for (int r = 0; r < n; r++) s += load(in[r], (size_t)me * count + i, k->type);
            store(out, i, k->type, s);
        }
        break;
    case K_ALLGATHER:
        for (int r = 0; r < n; r++) memcpy(out + (size_t)r * count * es, in[r], count * es);
        break;
    case K_BROADCAST:
        memcpy(out, in[k->root], count * es);
        break;
    }
    int bad = fake_env_int("FAKENCCL_CORRUPT", -1);
    if (bad >= 0 && me == fake_env_int("FAKENCCL_CORRUPT_RANK", 0) && (size_t)bad < output_elements(k, n)
        && !(k->kind == K_REDUCE && me != k->root))
        store(out, (size_t)bad, k->type, load(out, (size_t)bad, k->type) + 1.0f);
}

/* NCCL works on its communicator's GPU whatever context the caller has current (none, in a group ended on
 * another thread), and the driver's copies need one: each copy runs in the primary context of the GPU that
 * holds the device buffer, made current for the copy alone. */
static int copy_in_buffer_context(int to_device, const void *device_buffer, void *host, const void *source, size_t bytes) {
    int dev = -1;
    void *context = NULL, *popped = NULL;
    unsigned long long address = (unsigned long long)(uintptr_t)device_buffer;
    if (cuPointerGetAttribute(&dev, 9, address) || cuDevicePrimaryCtxRetain(&context, dev)) return -1;
    int r = cuCtxPushCurrent_v2(context);
    if (r == 0) {
        r = to_device ? cuMemcpyHtoD_v2(address, source, bytes) : cuMemcpyDtoH_v2(host, address, bytes);
        cuCtxPopCurrent_v2(&popped);
    }
    cuDevicePrimaryCtxRelease_v2(dev);
    return r ? -1 : 0;
}
static int read_device(void *stream, const void *src, void *dst, size_t bytes) {
    if (!bytes) return 0;
    if (cuStreamSynchronize(stream)) return -1;
    return copy_in_buffer_context(0, src, dst, NULL, bytes);
}
static int write_device(void *stream, void *dst, const void *src, size_t bytes) {
    if (!bytes) return 0;
    if (cuStreamSynchronize(stream)) return -1;
    return copy_in_buffer_context(1, dst, NULL, src, bytes);
}

static int same_collective(const call *a, const call *b) {
    return a->kind == b->kind && a->count == b->count && a->type == b->type && a->op == b->op && a->root == b->root;
}

/* ---- one process, several ranks: a round runs when every rank has a unit queued (clique lock held) ---- */
static ncclResult_t run_round(clique *q, unit **u) {
    int n = q->n;
    int p2p = u[0]->calls[0].kind == K_SEND || u[0]->calls[0].kind == K_RECV;
    for (int r = 1; r < n; r++) {
        int other = u[r]->calls[0].kind == K_SEND || u[r]->calls[0].kind == K_RECV;
        if (other != p2p || (!p2p && !same_collective(&u[0]->calls[0], &u[r]->calls[0])))
            return fail_with(invalidUsage, "ranks posted different collectives (operation, count, type or root differ)");
    }
    if (!p2p) {
        const call *k0 = &u[0]->calls[0];
        size_t es = type_size(k0->type), inb = input_elements(k0, n) * es, outb = output_elements(k0, n) * es;
        unsigned char *in[MAX_RANKS];
        ncclResult_t res = ok;
        for (int r = 0; r < n; r++) {
            in[r] = calloc(1, inb ? inb : 1);
            if (read_device(u[r]->calls[0].stream, u[r]->calls[0].send, in[r], inb)) res = cudaErr;
        }
        unsigned char *out = calloc(1, outb ? outb : 1);
        for (int r = 0; r < n && res == ok; r++) {
            compute(&u[r]->calls[0], n, r, in, out);
            if (!(k0->kind == K_REDUCE && r != k0->root)
                && write_device(u[r]->calls[0].stream, u[r]->calls[0].recv, out, outb)) res = cudaErr;
        }
        free(out);
        for (int r = 0; r < n; r++) free(in[r]);
        return res;
    }
    /* Point to point: the k-th receive of rank r from peer p takes the k-th send of p to r. All sends are read
     * before any receive is written. */
    ncclResult_t res = ok;
    unsigned char *data[MAX_RANKS][MAX_CALLS];
    memset(data, 0, sizeof data);
    for (int r = 0; r < n; r++)
        for (int i = 0; i < u[r]->ncalls; i++) {
            call *k = &u[r]->calls[i];
            if (k->kind != K_SEND) continue;
            size_t b = k->count * type_size(k->type);
            data[r][i] = calloc(1, b ? b : 1);
            if (read_device(k->stream, k->send, data[r][i], b)) res = cudaErr;
        }
    for (int r = 0; r < n && res == ok; r++) {
        int seen[MAX_RANKS] = { 0 };
        for (int i = 0; i < u[r]->ncalls && res == ok; i++) {
            call *k = &u[r]->calls[i];
            if (k->kind != K_RECV) continue;
            int p = k->peer, nth = seen[p]++, found = -1;
            for (int j = 0, m = 0; j < u[p]->ncalls && found < 0; j++)
                if (u[p]->calls[j].kind == K_SEND && u[p]->calls[j].peer == r && m++ == nth) found = j;
            if (found < 0 || u[p]->calls[found].count != k->count || u[p]->calls[found].type != k->type)
                res = fail_with(invalidUsage, "a receive has no matching send of the same count and type");
            else if (write_device(k->stream, k->recv, data[p][found], k->count * type_size(k->type))) res = cudaErr;
        }
    }
    for (int r = 0; r < n; r++) for (int i = 0; i < MAX_CALLS; i++) free(data[r][i]);
    return res;
}

static void clique_progress(clique *q) {
    for (;;) {
        unit *u[MAX_RANKS];
        for (int r = 0; r < q->n; r++) if (!q->head[r]) return;
        for (int r = 0; r < q->n; r++) { u[r] = q->head[r]; q->head[r] = u[r]->next; if (!q->head[r]) q->tail[r] = NULL; }
        ncclResult_t res = run_round(q, u);
        for (int r = 0; r < q->n; r++) { u[r]->result = res; u[r]->done = 1; }
        pthread_cond_broadcast(&q->c);
    }
}

/* ---- several processes: the shared segment ---- */
static ncclResult_t shm_barrier(comm *c, ncclResult_t on_timeout) {
    shm_header *h = c->shm;
    pthread_mutex_lock(&h->m);
    if (h->failed || c->aborted) { pthread_mutex_unlock(&h->m); return remoteErr; }
    unsigned gen = h->generation;
    if (++h->arrived == (unsigned)h->nranks) {
        h->arrived = 0;
        h->generation++;
        pthread_cond_broadcast(&h->c);
        pthread_mutex_unlock(&h->m);
        return ok;
    }
    struct timespec t;
    deadline_in(&t, timeout_ms());
    while (gen == h->generation && !h->failed && !c->aborted) {
        if (pthread_cond_timedwait(&h->c, &h->m, &t) == ETIMEDOUT) {
            h->failed = 1;
            pthread_cond_broadcast(&h->c);
            pthread_mutex_unlock(&h->m);
            return fail_with(on_timeout, "a peer rank did not arrive within FAKENCCL_TIMEOUT_MS");
        }
    }
    ncclResult_t r = gen == h->generation ? remoteErr : ok;
    pthread_mutex_unlock(&h->m);
    return r;
}

static unsigned char *slot(comm *c, int r) { return (unsigned char *)(c->shm + 1) + (size_t)r * c->shm->slot_bytes; }

/* One unit of a rank in its own process: publish, meet, take, meet. A slot starts with the unit's first call
 * (so ranks can check they posted the same) and, for point to point, a table of the sends. */
typedef struct { call first; int nsends; struct { int peer; size_t bytes, offset; } sends[MAX_CALLS]; } slot_head;
static ncclResult_t shm_run(comm *c, unit *u) {
    int n = c->nranks;
    const call *k0 = &u->calls[0];
    int p2p = k0->kind == K_SEND || k0->kind == K_RECV;
    unsigned char *mine = slot(c, c->rank);
    slot_head *head = (slot_head *)mine;
    size_t used = sizeof(slot_head);
    memset(head, 0, sizeof *head);
    head->first = *k0;
    if (p2p) {
        for (int i = 0; i < u->ncalls; i++) {
            call *k = &u->calls[i];
            if (k->kind != K_SEND) continue;
            size_t b = k->count * type_size(k->type);
            if (used + b > c->shm->slot_bytes)
                return fail_with(systemErr, "the fake's shared segment is too small (raise FAKENCCL_SHM_MB)");
            if (read_device(k->stream, k->send, mine + used, b)) return cudaErr;
            head->sends[head->nsends].peer = k->peer;
            head->sends[head->nsends].bytes = b;
            head->sends[head->nsends].offset = used;
            head->nsends++;
            used += b;
        }
    } else {
        size_t b = input_elements(k0, n) * type_size(k0->type);
        if (used + b > c->shm->slot_bytes) return fail_with(systemErr, "the fake's shared segment is too small (raise FAKENCCL_SHM_MB)");
        if (read_device(k0->stream, k0->send, mine + used, b)) return cudaErr;
    }
    ncclResult_t res = shm_barrier(c, remoteErr);
    if (res != ok) { c->async_error = res; return res; }
    for (int r = 0; r < n; r++) {
        const slot_head *other = (const slot_head *)slot(c, r);
        int other_p2p = other->first.kind == K_SEND || other->first.kind == K_RECV;
        if (other_p2p != p2p || (!p2p && !same_collective(&other->first, k0)))
            res = fail_with(invalidUsage, "ranks posted different collectives");
    }
    if (res == ok && !p2p) {
        unsigned char *in[MAX_RANKS];
        for (int r = 0; r < n; r++) in[r] = slot(c, r) + sizeof(slot_head);
        size_t outb = output_elements(k0, n) * type_size(k0->type);
        unsigned char *out = calloc(1, outb ? outb : 1);
        compute(k0, n, c->rank, in, out);
        if (!(k0->kind == K_REDUCE && c->rank != k0->root) && write_device(k0->stream, k0->recv, out, outb)) res = cudaErr;
        free(out);
    } else if (res == ok) {
        int seen[MAX_RANKS] = { 0 };
        for (int i = 0; i < u->ncalls && res == ok; i++) {
            call *k = &u->calls[i];
            if (k->kind != K_RECV) continue;
            const slot_head *from = (const slot_head *)slot(c, k->peer);
            int nth = seen[k->peer]++, found = -1;
            for (int j = 0, m = 0; j < from->nsends && found < 0; j++) if (from->sends[j].peer == c->rank && m++ == nth) found = j;
            if (found < 0 || from->sends[found].bytes != k->count * type_size(k->type))
                res = fail_with(invalidUsage, "a receive has no matching send");
            else if (write_device(k->stream, k->recv, slot(c, k->peer) + from->sends[found].offset, from->sends[found].bytes))
                res = cudaErr;
        }
    }
    ncclResult_t after = shm_barrier(c, remoteErr);
    if (after != ok) c->async_error = after;
    return res != ok ? res : after;
}

/* ---- posting and waiting ---- */
static void stall(comm *const *comms, int n) {
    int ms = fake_env_int("FAKENCCL_STALL_MS", 0);
    for (int waited = 0; waited < ms; waited += 5) {
        for (int i = 0; i < n; i++) if (comms[i]->aborted) return;
        usleep(5000);
    }
}

static int is_p2p(const call *k) { return k->kind == K_SEND || k->kind == K_RECV; }
static void release_comm(comm *c);
static void release_clique(clique *q);

/* Runs the calls each communicator was given (grouped, or one ungrouped call), in posting order per
 * communicator: each collective is one unit, and a communicator's consecutive sends and receives one more. The
 * communicators (and their clique) are kept alive while this runs, even if another thread aborts them. */
static ncclResult_t execute(comm **comms, call *calls, int count) {
    comm *uniq[MAX_CALLS];
    int nuniq = 0;
    for (int i = 0; i < count; i++) {
        int seen = 0;
        for (int j = 0; j < nuniq; j++) seen |= uniq[j] == comms[i];
        if (!seen) { uniq[nuniq++] = comms[i]; __atomic_add_fetch(&comms[i]->busy, 1, __ATOMIC_SEQ_CST); }
    }
    clique *q = comms[0]->clique;
    if (q) { pthread_mutex_lock(&q->m); q->waiters++; pthread_mutex_unlock(&q->m); }
    stall(comms, count);
    unit *units[MAX_CALLS];
    comm *owner[MAX_CALLS];
    int nunits = 0;
    for (int i = 0; i < count; i++) {
        int last = -1;
        for (int j = nunits - 1; j >= 0 && last < 0; j--) if (owner[j] == comms[i]) last = j;
        if (last < 0 || !is_p2p(&calls[i]) || !is_p2p(&units[last]->calls[0])) {
            units[nunits] = calloc(1, sizeof(unit));
            owner[nunits] = comms[i];
            last = nunits++;
        }
        units[last]->calls[units[last]->ncalls++] = calls[i];
    }
    ncclResult_t res = ok;
    if (q) {
        pthread_mutex_lock(&q->m);
        for (int k = 0; k < nunits; k++) {
            int r = owner[k]->rank;
            if (q->tail[r]) q->tail[r]->next = units[k]; else q->head[r] = units[k];
            q->tail[r] = units[k];
        }
        clique_progress(q);
        struct timespec t;
        deadline_in(&t, timeout_ms());
        for (int k = 0; k < nunits; k++) {
            while (!units[k]->done && !q->aborted)
                if (pthread_cond_timedwait(&q->c, &q->m, &t) == ETIMEDOUT) break;
            if (!units[k]->done) {
                /* Take it back out of its queue, so nothing later runs it on freed memory. */
                int r = owner[k]->rank;
                unit *prev = NULL;
                for (unit *p = q->head[r]; p; prev = p, p = p->next)
                    if (p == units[k]) {
                        if (prev) prev->next = p->next; else q->head[r] = p->next;
                        if (q->tail[r] == p) q->tail[r] = prev;
                        break;
                    }
                if (res == ok) res = q->aborted ? remoteErr
                    : fail_with(invalidUsage, "a collective on a multi-rank communicator waited for ranks that never posted it: "
                                              "one thread driving several GPUs must group its calls (real NCCL hangs here)");
            } else if (res == ok && units[k]->result != ok) res = units[k]->result;
        }
        q->waiters--;
        pthread_mutex_unlock(&q->m);
    } else {
        for (int k = 0; k < nunits && res == ok; k++) res = owner[k]->aborted ? remoteErr : shm_run(owner[k], units[k]);
    }
    for (int k = 0; k < nunits; k++) free(units[k]);
    for (int j = 0; j < nuniq; j++)
        if (__atomic_sub_fetch(&uniq[j]->busy, 1, __ATOMIC_SEQ_CST) == 0 && uniq[j]->orphan) release_comm(uniq[j]);
    if (q) release_clique(q);
    return res;
}

static int live_comm(const comm *c) { return c && c->magic == COMM_MAGIC; }

static ncclResult_t post(comm *c, call k) {
    if (!live_comm(c)) return fail_with(invalidArg, "invalid communicator (null or destroyed)");
    if (c->aborted) return fail_with(invalidUsage, "communicator was aborted");
    if (c->async_error != ok) return c->async_error;
    if (k.type != 6 && k.type != 7 && k.type != 9) return fail_with(invalidArg, "invalid data type");
    if (k.op < 0 || k.op > 4) return fail_with(invalidArg, "invalid reduction operation");
    if ((k.kind == K_BROADCAST || k.kind == K_REDUCE) && (k.root < 0 || k.root >= c->nranks)) return fail_with(invalidArg, "invalid root");
    if ((k.kind == K_SEND || k.kind == K_RECV) && (k.peer < 0 || k.peer >= c->nranks)) return fail_with(invalidArg, "invalid peer");
    if (k.count > ((size_t)1 << 40)) return fail_with(invalidArg, "invalid count");
    const void *buffers[2] = { k.kind == K_RECV ? NULL : k.send, k.kind == K_SEND ? NULL : k.recv };
    if (k.count > 0)
        for (int b = 0; b < 2; b++) {
            if (!buffers[b]) {
                if ((b == 0 && k.kind != K_RECV && !(k.kind == K_BROADCAST && c->rank != k.root)) || (b == 1 && k.kind != K_SEND))
                    return fail_with(invalidArg, "null buffer");
                continue;
            }
            int dev = -1;
            if (cuPointerGetAttribute(&dev, 9, (unsigned long long)(uintptr_t)buffers[b]) != 0)
                return fail_with(invalidArg, "buffer is not device memory");
            if (dev != c->device) return fail_with(invalidArg, "buffer is on another GPU than the communicator's");
        }
    if (k.count == 0) return ok;
    FAILCALL(k.kind == K_ALLREDUCE ? "ncclAllReduce" : "ncclCollective");
    if (group_depth > 0) {
        if (group_count == MAX_CALLS) return fail_with(invalidUsage, "too many calls in one group for the fake");
        group_comms[group_count] = c;
        group_calls[group_count++] = k;
        return ok;
    }
    comm *one[1] = { c };
    return execute(one, &k, 1);
}

/* ---- the API ---- */
ncclResult_t ncclGetVersion(int *v) { if (!v) return invalidArg; *v = fake_env_int("FAKENCCL_VERSION",
#ifdef FAKE_OLD_NCCL
    2604
#else
    22703
#endif
    ); return ok; }

const char *ncclGetErrorString(ncclResult_t r) {
    switch (r) {
    case ok: return "no error";
    case cudaErr: return "unhandled cuda error (run with NCCL_DEBUG=INFO for details)";
    case systemErr: return "unhandled system error (run with NCCL_DEBUG=INFO for details)";
    case internalErr: return "internal error - please report this issue to the NCCL developers";
    case invalidArg: return "invalid argument (run with NCCL_DEBUG=WARN for details)";
    case invalidUsage: return "invalid usage (run with NCCL_DEBUG=WARN for details)";
    case remoteErr: return "remote process exited or there was a network error";
    default: return "unknown result code";
    }
}

#ifndef FAKE_OLD_NCCL
const char *ncclGetLastError(comm *c) { (void)c; return last_error; }
#endif

ncclResult_t ncclGetUniqueId(unsigned char *id) {
    FAILCALL("ncclGetUniqueId");
    if (!id) return fail_with(invalidArg, "null id");
    memset(id, 0, 128);
    memcpy(id, ID_MAGIC, 8);
    unsigned long long token = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(&token, sizeof token, 1, f) != 1) token = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
    if (f) fclose(f);
    snprintf((char *)id + 8, 64, "/fakenccl.%d.%016llx", (int)getpid(), token);
    memcpy(id + 72, &token, sizeof token);
    return ok;
}

static comm *new_comm(int rank, int nranks, int device) {
    comm *c = calloc(1, sizeof(comm));
    c->magic = COMM_MAGIC; c->rank = rank; c->nranks = nranks; c->device = device;
    pthread_mutex_lock(&live_lock); live_comms++; pthread_mutex_unlock(&live_lock);
    return c;
}

ncclResult_t ncclCommInitAll(comm **comms, int ndev, const int *devlist) {
    FAILCALL("ncclCommInitAll");
    if (!comms || ndev < 1 || ndev > MAX_RANKS) return fail_with(invalidArg, "invalid communicator array or device count");
    int visible = 0;
    cuDeviceGetCount(&visible);
    for (int i = 0; i < ndev; i++) {
        int d = devlist ? devlist[i] : i;
        if (d < 0 || d >= visible) return fail_with(invalidArg, "invalid device ordinal");
        for (int j = 0; j < i; j++) if ((devlist ? devlist[j] : j) == d) return fail_with(invalidUsage, "duplicate GPU in the device list");
    }
    clique *q = calloc(1, sizeof(clique));
    pthread_mutex_init(&q->m, NULL);
    pthread_cond_init(&q->c, NULL);
    q->n = ndev; q->refs = ndev;
    for (int i = 0; i < ndev; i++) {
        comms[i] = new_comm(i, ndev, devlist ? devlist[i] : i);
        comms[i]->clique = q;
        q->comms[i] = comms[i];
    }
    return ok;
}

/* ncclUniqueId travels by value (a 128-byte struct, on the stack), as in nccl.h. */
typedef struct { unsigned char internal[128]; } ncclUniqueId;
ncclResult_t ncclCommInitRank(comm **out, int nranks, ncclUniqueId uid, int rank) {
    const unsigned char *id = uid.internal;
    FAILCALL("ncclCommInitRank");
    if (!out) return fail_with(invalidArg, "null communicator pointer");
    *out = NULL;
    if (nranks < 1 || nranks > MAX_RANKS || rank < 0 || rank >= nranks) return fail_with(invalidArg, "invalid rank or rank count");
    if (memcmp(id, ID_MAGIC, 8) != 0) return fail_with(invalidArg, "not a unique id from ncclGetUniqueId");
    char name[65];
    memcpy(name, id + 8, 64);
    name[64] = 0;
    size_t slot_bytes = (size_t)fake_env_int("FAKENCCL_SHM_MB", 64) * 1024 * 1024;
    size_t size = sizeof(shm_header) + (size_t)nranks * slot_bytes;
    int creator = 1;
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0 && errno == EEXIST) { creator = 0; fd = shm_open(name, O_RDWR, 0600); }
    if (fd < 0) return fail_with(systemErr, "shm_open failed");
    if (creator && ftruncate(fd, (off_t)size) != 0) {
        close(fd);
        shm_unlink(name);
        return fail_with(systemErr, "ftruncate of the shared segment failed");
    }
    struct stat st;
    int waited = 0;
    while (!creator && (fstat(fd, &st) != 0 || (size_t)st.st_size < size)) {
        if (waited >= timeout_ms()) {
            close(fd);
            return fail_with(systemErr, "the shared segment never reached its size (rank count differs?)");
        }
        usleep(1000); waited++;
    }
    shm_header *h = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (h == MAP_FAILED) return fail_with(systemErr, "mmap of the shared segment failed");
    if (creator) {
        pthread_mutexattr_t ma; pthread_condattr_t ca;
        pthread_mutexattr_init(&ma); pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
        pthread_condattr_init(&ca); pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
        pthread_mutex_init(&h->m, &ma); pthread_cond_init(&h->c, &ca);
        memcpy(h->token, id + 72, 8);
        h->nranks = nranks; h->slot_bytes = slot_bytes;
        __atomic_store_n(&h->ready, 1, __ATOMIC_RELEASE);
    }
    for (waited = 0; !__atomic_load_n(&h->ready, __ATOMIC_ACQUIRE); waited++) {
        if (waited >= timeout_ms()) { munmap(h, size); return fail_with(systemErr, "the shared segment was never initialised"); }
        usleep(1000);
    }
    if (memcmp(h->token, id + 72, 8) != 0 || h->nranks != nranks) {
        munmap(h, size);
        return fail_with(invalidUsage, "the unique id's segment belongs to another run or rank count");
    }
    int device = 0;
    if (cuCtxGetDevice(&device) != 0) device = 0;
    comm *c = new_comm(rank, nranks, device);
    c->shm = h; c->shm_size = size;
    pthread_mutex_lock(&h->m); h->attached++; pthread_mutex_unlock(&h->m);
    ncclResult_t r = shm_barrier(c, systemErr);
    /* Everyone has joined (or given up): the name is no longer needed; the mappings stay. */
    shm_unlink(name);
    if (r != ok) {
        pthread_mutex_lock(&h->m); h->attached--; pthread_mutex_unlock(&h->m);
        munmap(h, size);
        c->magic = 0; free(c);
        pthread_mutex_lock(&live_lock); live_comms--; pthread_mutex_unlock(&live_lock);
        return r == remoteErr ? fail_with(systemErr, "a peer rank never joined") : r;
    }
    *out = c;
    return ok;
}

/* Frees a clique once no communicator refers to it and no thread waits in it. */
static void release_clique(clique *q) {
    pthread_mutex_lock(&q->m);
    int gone = q->refs == 0 && q->waiters == 0 && !q->freed;
    if (gone) q->freed = 1;
    pthread_mutex_unlock(&q->m);
    if (gone) { pthread_mutex_destroy(&q->m); pthread_cond_destroy(&q->c); free(q); }
}

static void release_comm(comm *c) {
    if (__atomic_exchange_n(&c->released, 1, __ATOMIC_SEQ_CST)) return;
    if (c->shm) {
        pthread_mutex_lock(&c->shm->m); c->shm->attached--; pthread_mutex_unlock(&c->shm->m);
        munmap(c->shm, c->shm_size);
    }
    free(c);
    pthread_mutex_lock(&live_lock); live_comms--; pthread_mutex_unlock(&live_lock);
}

static ncclResult_t end_comm(comm *c, int abort) {
    if (!live_comm(c)) return fail_with(invalidArg, "invalid communicator (null or destroyed)");
    c->magic = 0;
    if (abort) {
        c->aborted = 1;
        if (c->shm) {
            pthread_mutex_lock(&c->shm->m);
            c->shm->failed = 1;
            pthread_cond_broadcast(&c->shm->c);
            pthread_mutex_unlock(&c->shm->m);
        }
        if (c->clique) {
            pthread_mutex_lock(&c->clique->m);
            c->clique->aborted = 1;
            pthread_cond_broadcast(&c->clique->c);
            pthread_mutex_unlock(&c->clique->m);
        }
    }
    clique *q = c->clique;
    if (q) { pthread_mutex_lock(&q->m); q->refs--; pthread_mutex_unlock(&q->m); }
    c->orphan = 1;
    if (__atomic_load_n(&c->busy, __ATOMIC_SEQ_CST) == 0) release_comm(c);
    if (q) release_clique(q);
    return ok;
}
ncclResult_t ncclCommDestroy(comm *c) { return end_comm(c, 0); }
ncclResult_t ncclCommAbort(comm *c) { return end_comm(c, 1); }

ncclResult_t ncclCommGetAsyncError(comm *c, ncclResult_t *e) {
    if (!live_comm(c) || !e) return fail_with(invalidArg, "invalid communicator or pointer");
    *e = c->async_error;
    return ok;
}
ncclResult_t ncclCommCount(const comm *c, int *n) { if (!live_comm(c) || !n) return invalidArg; *n = c->nranks; return ok; }
ncclResult_t ncclCommCuDevice(const comm *c, int *d) { if (!live_comm(c) || !d) return invalidArg; *d = c->device; return ok; }
ncclResult_t ncclCommUserRank(const comm *c, int *r) { if (!live_comm(c) || !r) return invalidArg; *r = c->rank; return ok; }

ncclResult_t ncclGroupStart(void) { group_depth++; return ok; }
ncclResult_t ncclGroupEnd(void) {
    if (group_depth == 0) return fail_with(invalidUsage, "ncclGroupEnd without ncclGroupStart");
    if (--group_depth > 0 || group_count == 0) return ok;
    int n = group_count;
    comm *comms[MAX_CALLS];
    call calls[MAX_CALLS];
    memcpy(comms, group_comms, sizeof(comm *) * (size_t)n);
    memcpy(calls, group_calls, sizeof(call) * (size_t)n);
    group_count = 0;
    return execute(comms, calls, n);
}

static call make(int kind, const void *s, void *r, size_t count, int type, int op, int root, int peer, void *stream) {
    call k = { kind, s, r, count, type, op, root, peer, stream };
    return k;
}
ncclResult_t ncclAllReduce(const void *s, void *r, size_t count, int type, int op, comm *c, void *stream) {
    return post(c, make(K_ALLREDUCE, s, r, count, type, op, 0, 0, stream));
}
ncclResult_t ncclAllGather(const void *s, void *r, size_t count, int type, comm *c, void *stream) {
    return post(c, make(K_ALLGATHER, s, r, count, type, 0, 0, 0, stream));
}
ncclResult_t ncclReduceScatter(const void *s, void *r, size_t count, int type, int op, comm *c, void *stream) {
    return post(c, make(K_REDUCESCATTER, s, r, count, type, op, 0, 0, stream));
}
ncclResult_t ncclBroadcast(const void *s, void *r, size_t count, int type, int root, comm *c, void *stream) {
    return post(c, make(K_BROADCAST, s, r, count, type, 0, root, 0, stream));
}
ncclResult_t ncclReduce(const void *s, void *r, size_t count, int type, int op, int root, comm *c, void *stream) {
    return post(c, make(K_REDUCE, s, r, count, type, op, root, 0, stream));
}
#ifndef FAKE_OLD_NCCL
ncclResult_t ncclSend(const void *s, size_t count, int type, int peer, comm *c, void *stream) {
    return post(c, make(K_SEND, s, NULL, count, type, 0, 0, peer, stream));
}
ncclResult_t ncclRecv(void *r, size_t count, int type, int peer, comm *c, void *stream) {
    return post(c, make(K_RECV, NULL, r, count, type, 0, 0, peer, stream));
}
#endif

/* ---- Call trace (FAKECUDA_TRACE=<path>, see fake_common.h) ----
 * One line per call: a communicator as rank/ranks@device, the collective's count, data type, operation, root
 * and peer, and its buffers and stream by the names the fake driver gives them. The driver calls this library
 * makes itself are muted: they are how the fake works, not calls the caller made. */
#undef ncclGetVersion
#undef ncclGetErrorString
#undef ncclGetLastError
#undef ncclGetUniqueId
#undef ncclCommInitAll
#undef ncclCommInitRank
#undef ncclCommDestroy
#undef ncclCommAbort
#undef ncclCommGetAsyncError
#undef ncclCommCount
#undef ncclCommCuDevice
#undef ncclCommUserRank
#undef ncclGroupStart
#undef ncclGroupEnd
#undef ncclAllReduce
#undef ncclAllGather
#undef ncclReduceScatter
#undef ncclBroadcast
#undef ncclReduce
#undef ncclSend
#undef ncclRecv

extern void fakecuda_trace_quiet(int delta) __attribute__((weak));
extern void fakecuda_trace_stream(const void *s, char *out) __attribute__((weak));
extern void fakecuda_trace_memory(const void *p, char *out) __attribute__((weak));
static void trace_mute_driver(int delta) { if (fakecuda_trace_quiet) fakecuda_trace_quiet(delta); }
static const char *trace_comm(char *out, const comm *c) {
    if (live_comm(c)) snprintf(out, 32, "r%d/%d@%d", c->rank, c->nranks, c->device);
    else snprintf(out, 32, "%s", c ? "ended" : "null");
    return out;
}
static const char *trace_memory(char *out, const void *p) {
    if (fakecuda_trace_memory) fakecuda_trace_memory(p, out); else snprintf(out, 32, "?");
    return out;
}
static const char *trace_stream(char *out, const void *s) {
    if (fakecuda_trace_stream) fakecuda_trace_stream(s, out); else snprintf(out, 32, "?");
    return out;
}
extern void fakecuda_trace_context(char *out) __attribute__((weak));
/* The driver's name for the context current on this thread, for the line (thread-local, so one call may use it). */
static const char *trace_context(void) {
    static __thread char name[32];
    if (fakecuda_trace_context) fakecuda_trace_context(name); else snprintf(name, sizeof name, "?");
    return name;
}
#define TRACE_PATH_OR_RETURN(r) char path[512]; if (!fake_trace_path(path, sizeof path)) return (r)
/* A collective or point-to-point call: made with the driver muted, then traced. */
static ncclResult_t trace_call(ncclResult_t r, const char *name, const void *s, const void *rb, size_t count, int type, int op,
                               int root, int peer, const comm *c, const char *before, const void *stream) {
    char cm[32], a[32], b[32], st[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl %s %s count=%zu type=%d op=%d root=%d peer=%d %s<-%s %s ctx=%s -> %d", name,
               live_comm(c) ? trace_comm(cm, c) : before, count, type, op, root, peer, trace_memory(b, rb), trace_memory(a, s),
               trace_stream(st, stream), trace_context(), r);
    return r;
}
#define TRACE_COLLECTIVE(name, made, s, rb, count, type, op, root, peer, c, stream) do { \
        char before_[32]; trace_comm(before_, c); \
        trace_mute_driver(1); ncclResult_t r_ = (made); trace_mute_driver(-1); \
        return trace_call(r_, name, s, rb, count, type, op, root, peer, c, before_, stream); \
    } while (0)

ncclResult_t ncclGetVersion(int *v) {
    ncclResult_t r = fake_ncclGetVersion(v);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclGetVersion ctx=%s -> %d", trace_context(), r);
    return r;
}
const char *ncclGetErrorString(ncclResult_t e) {
    const char *text = fake_ncclGetErrorString(e);
    char path[512];
    if (fake_trace_path(path, sizeof path)) fake_trace(path, "nccl ncclGetErrorString %d", e);
    return text;
}
#ifndef FAKE_OLD_NCCL
const char *ncclGetLastError(comm *c) {
    const char *text = fake_ncclGetLastError(c);
    char path[512];
    if (fake_trace_path(path, sizeof path)) fake_trace(path, "nccl ncclGetLastError");
    return text;
}
#endif
ncclResult_t ncclGetUniqueId(unsigned char *id) {
    ncclResult_t r = fake_ncclGetUniqueId(id);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclGetUniqueId ctx=%s -> %d", trace_context(), r);
    return r;
}
ncclResult_t ncclCommInitAll(comm **comms, int ndev, const int *devlist) {
    trace_mute_driver(1);
    ncclResult_t r = fake_ncclCommInitAll(comms, ndev, devlist);
    trace_mute_driver(-1);
    char list[96] = "";
    TRACE_PATH_OR_RETURN(r);
    for (int i = 0; i < ndev && i < 16; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", i ? "," : "", devlist ? devlist[i] : i);
    fake_trace(path, "nccl ncclCommInitAll ndev=%d devices=%s ctx=%s -> %d", ndev, devlist ? list : "null", trace_context(), r);
    return r;
}
ncclResult_t ncclCommInitRank(comm **out, int nranks, ncclUniqueId uid, int rank) {
    trace_mute_driver(1);
    ncclResult_t r = fake_ncclCommInitRank(out, nranks, uid, rank);
    trace_mute_driver(-1);
    char cm[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclCommInitRank nranks=%d rank=%d = %s ctx=%s -> %d", nranks, rank,
               r == ok && out ? trace_comm(cm, *out) : "-", trace_context(), r);
    return r;
}
ncclResult_t ncclCommDestroy(comm *c) {
    char cm[32];
    trace_comm(cm, c);
    trace_mute_driver(1);
    ncclResult_t r = fake_ncclCommDestroy(c);
    trace_mute_driver(-1);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclCommDestroy %s ctx=%s -> %d", cm, trace_context(), r);
    return r;
}
ncclResult_t ncclCommAbort(comm *c) {
    char cm[32];
    trace_comm(cm, c);
    trace_mute_driver(1);
    ncclResult_t r = fake_ncclCommAbort(c);
    trace_mute_driver(-1);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclCommAbort %s ctx=%s -> %d", cm, trace_context(), r);
    return r;
}
ncclResult_t ncclCommGetAsyncError(comm *c, ncclResult_t *e) {
    ncclResult_t r = fake_ncclCommGetAsyncError(c, e);
    char cm[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclCommGetAsyncError %s = %d ctx=%s -> %d", trace_comm(cm, c), r == ok ? (int)*e : -1, trace_context(), r);
    return r;
}
ncclResult_t ncclCommCount(const comm *c, int *n) {
    ncclResult_t r = fake_ncclCommCount(c, n);
    char cm[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclCommCount %s ctx=%s -> %d", trace_comm(cm, c), trace_context(), r);
    return r;
}
ncclResult_t ncclCommCuDevice(const comm *c, int *d) {
    ncclResult_t r = fake_ncclCommCuDevice(c, d);
    char cm[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclCommCuDevice %s ctx=%s -> %d", trace_comm(cm, c), trace_context(), r);
    return r;
}
ncclResult_t ncclCommUserRank(const comm *c, int *rank) {
    ncclResult_t r = fake_ncclCommUserRank(c, rank);
    char cm[32];
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclCommUserRank %s ctx=%s -> %d", trace_comm(cm, c), trace_context(), r);
    return r;
}
ncclResult_t ncclGroupStart(void) {
    ncclResult_t r = fake_ncclGroupStart();
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclGroupStart ctx=%s -> %d", trace_context(), r);
    return r;
}
ncclResult_t ncclGroupEnd(void) {
    trace_mute_driver(1);
    ncclResult_t r = fake_ncclGroupEnd();
    trace_mute_driver(-1);
    TRACE_PATH_OR_RETURN(r);
    fake_trace(path, "nccl ncclGroupEnd ctx=%s -> %d", trace_context(), r);
    return r;
}
ncclResult_t ncclAllReduce(const void *s, void *r, size_t count, int type, int op, comm *c, void *stream) {
    TRACE_COLLECTIVE("ncclAllReduce", fake_ncclAllReduce(s, r, count, type, op, c, stream), s, r, count, type, op, -1, -1, c, stream);
}
ncclResult_t ncclAllGather(const void *s, void *r, size_t count, int type, comm *c, void *stream) {
    TRACE_COLLECTIVE("ncclAllGather", fake_ncclAllGather(s, r, count, type, c, stream), s, r, count, type, -1, -1, -1, c, stream);
}
ncclResult_t ncclReduceScatter(const void *s, void *r, size_t count, int type, int op, comm *c, void *stream) {
    TRACE_COLLECTIVE("ncclReduceScatter", fake_ncclReduceScatter(s, r, count, type, op, c, stream), s, r, count, type, op, -1, -1, c,
                     stream);
}
ncclResult_t ncclBroadcast(const void *s, void *r, size_t count, int type, int root, comm *c, void *stream) {
    TRACE_COLLECTIVE("ncclBroadcast", fake_ncclBroadcast(s, r, count, type, root, c, stream), s, r, count, type, -1, root, -1, c, stream);
}
ncclResult_t ncclReduce(const void *s, void *r, size_t count, int type, int op, int root, comm *c, void *stream) {
    TRACE_COLLECTIVE("ncclReduce", fake_ncclReduce(s, r, count, type, op, root, c, stream), s, r, count, type, op, root, -1, c, stream);
}
#ifndef FAKE_OLD_NCCL
ncclResult_t ncclSend(const void *s, size_t count, int type, int peer, comm *c, void *stream) {
    TRACE_COLLECTIVE("ncclSend", fake_ncclSend(s, count, type, peer, c, stream), s, NULL, count, type, -1, -1, peer, c, stream);
}
ncclResult_t ncclRecv(void *r, size_t count, int type, int peer, comm *c, void *stream) {
    TRACE_COLLECTIVE("ncclRecv", fake_ncclRecv(r, count, type, peer, c, stream), NULL, r, count, type, -1, -1, peer, c, stream);
}
#endif

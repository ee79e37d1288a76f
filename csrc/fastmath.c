/*
 * chainrule._fastmath: fused float32 kernels for the activations and the softmax family.
 *
 * Why this file exists: NumPy's float32 exp runs at ~4 ns an element on our machines and every
 * NumPy formula is several passes over memory, so sigmoid, gelu, softmax and cross-entropy on
 * large arrays were 2-8x slower than PyTorch. These kernels compute the *same formulas* as the
 * NumPy code in chainrule/ops (which stays the readable definition and the fallback), in one
 * pass, with an 8-lane AVX2/FMA exp, on several threads. Nothing here is a new derivative:
 * each kernel names the Python function whose math it computes.
 *
 * Contract with chainrule/ops/_kernels.py, which validates every argument before calling:
 * float32, C-contiguous, non-overlapping buffers of the stated lengths. Only x86-64 CPUs with
 * AVX2 and FMA run the kernels (`simd()` says whether this one does); elsewhere the Python side
 * keeps NumPy. Each lane computes an element identically whatever its position (array tails go
 * through a padded 8-lane block), so results never depend on alignment or thread count.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CR_X86 1
#include <immintrin.h>
#else
#define CR_X86 0
#endif

/* ------------------------------------------------------------------------------------------ */
/* Threads: a job is split into contiguous spans of "units" (elements or rows), one per thread. */

typedef struct job job;
typedef void (*span_fn)(const job *, Py_ssize_t begin, Py_ssize_t end);

struct job {
    span_fn fn;
    const float *a, *b; /* inputs */
    float *out;         /* output (may be NULL where a kernel only reduces) */
    float *r1, *r2;     /* per-row outputs (softmax_rows: shift and log-sum) */
    Py_ssize_t cols;    /* row length for row kernels */
};

typedef struct {
    const job *j;
    Py_ssize_t begin, end;
} span;

static int n_threads = 1;
#define MAX_THREADS 64
/* below this much work per thread (in elements) a thread costs more than it saves */
#define MIN_ELEMS_PER_THREAD 65536

static void run_span(const span *s) { s->j->fn(s->j, s->begin, s->end); }

/* A persistent pool of worker threads: starting a thread per call cost ~40 us, 4% of a 1M-element
 * kernel. Worker i (1 ≤ i < t) runs spans[i] of each job; the calling thread runs spans[0] and
 * waits for the rest. One job at a time (dispatch_mu): two Python threads calling kernels with
 * the GIL released take turns. After fork() the child has no workers: pool_reset starts afresh. */
static pthread_mutex_t dispatch_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_go = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
static int pool_workers = 0;           /* workers 1..pool_workers are running */
static unsigned long pool_gen = 0;     /* bumped once per job */
static unsigned long start_gen[MAX_THREADS];
static span pool_spans[MAX_THREADS];
static int pool_active = 0;            /* this job uses workers 1..pool_active-1 */
static int pool_pending = 0;           /* ... of which this many have not finished */

static void *worker(void *arg) {
    int id = (int)(intptr_t)arg;
    pthread_mutex_lock(&pool_mu);
    unsigned long seen = start_gen[id];
    for (;;) {
        while (pool_gen == seen) pthread_cond_wait(&pool_go, &pool_mu);
        seen = pool_gen;
        if (id < pool_active) {
            span s = pool_spans[id];
            pthread_mutex_unlock(&pool_mu);
            run_span(&s);
            pthread_mutex_lock(&pool_mu);
            if (--pool_pending == 0) pthread_cond_signal(&pool_done);
        }
    }
    return NULL;
}

static void pool_reset(void) {
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    dispatch_mu = m;
    pool_mu = m;
    pool_go = c;
    pool_done = c;
    pool_workers = 0;
    pool_active = pool_pending = 0;
}

/* Start workers up to t - 1 (pool_mu held); returns how many threads the job can use. */
static int pool_grow(int t) {
    while (pool_workers < t - 1) {
        int id = pool_workers + 1;
        pthread_t tid;
        start_gen[id] = pool_gen;
        if (pthread_create(&tid, NULL, worker, (void *)(intptr_t)id) != 0) break;
        pthread_detach(tid);
        pool_workers = id;
    }
    return pool_workers + 1 < t ? pool_workers + 1 : t;
}

/* Run j->fn over [0, units) where one unit is `unit_elems` elements; the GIL is released. */
static void run_job(const job *j, Py_ssize_t units, Py_ssize_t unit_elems) {
    Py_ssize_t work = units * (unit_elems > 0 ? unit_elems : 1);
    Py_ssize_t want = work / MIN_ELEMS_PER_THREAD;
    if (want > n_threads) want = n_threads;
    if (want > units) want = units;
    if (want < 1) want = 1;
    Py_BEGIN_ALLOW_THREADS
    if (want == 1) {
        j->fn(j, 0, units);
    } else {
        pthread_mutex_lock(&dispatch_mu);
        pthread_mutex_lock(&pool_mu);
        int t = pool_grow((int)want);
        /* element kernels get spans of whole 8-lane blocks, so no block straddles two threads */
        Py_ssize_t step = (units + t - 1) / t;
        if (unit_elems == 1) step = (step + 7) & ~(Py_ssize_t)7;
        for (int i = 0; i < t; i++) {
            pool_spans[i].j = j;
            pool_spans[i].begin = i * step < units ? i * step : units;
            pool_spans[i].end = (i + 1) * step < units ? (i + 1) * step : units;
        }
        span mine = pool_spans[0];
        pool_active = t;
        pool_pending = t - 1;
        if (t > 1) {
            pool_gen++;
            pthread_cond_broadcast(&pool_go);
        }
        pthread_mutex_unlock(&pool_mu);
        run_span(&mine);
        pthread_mutex_lock(&pool_mu);
        while (pool_pending > 0) pthread_cond_wait(&pool_done, &pool_mu);
        pthread_mutex_unlock(&pool_mu);
        pthread_mutex_unlock(&dispatch_mu);
    }
    Py_END_ALLOW_THREADS
}

#if CR_X86
#define TARGET __attribute__((target("avx2,fma")))
#define V8 __m256
#define SET(c) _mm256_set1_ps(c)

/* e^x = 2^n · e^r with n = round(x / ln 2) and |r| ≤ ln2 / 2; ln 2 is split in two (Cody–Waite) so
 * r is exact, e^r is a degree-7 polynomial (Cephes' expf coefficients, < 1 ulp on the whole range),
 * and 2^n is applied as two powers of two so results down to the smallest subnormal stay exact.
 * x is clamped to [-104, 89] first: beyond it e^x is 0 or inf in float32, which the clamped value
 * also gives. max(lo, x) and min(hi, x) return x when x is NaN, so NaN propagates. */
TARGET static inline V8 exp8(V8 x) {
    x = _mm256_min_ps(SET(89.0f), _mm256_max_ps(SET(-104.0f), x));
    V8 n = _mm256_round_ps(_mm256_mul_ps(x, SET(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    V8 r = _mm256_fnmadd_ps(n, SET(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, SET(-2.12194440e-4f), r);
    V8 p = SET(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, SET(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, SET(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, SET(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, SET(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, SET(5.0000001201e-1f));
    p = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), SET(1.0f)); /* 1 + (r + r²P): one rounding at the end */
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i bias = _mm256_set1_epi32(127);
    /* n in [-126, 127]: 2^n is one normal float, built from its exponent bits */
    V8 outside = _mm256_or_ps(_mm256_cmp_ps(n, SET(-126.0f), _CMP_LT_OQ), _mm256_cmp_ps(n, SET(127.0f), _CMP_GT_OQ));
    if (__builtin_expect(_mm256_testz_ps(outside, outside), 1))
        return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(ni, bias), 23)));
    /* else 2^n as 2^⌊n/2⌋ · 2^(n − ⌊n/2⌋): subnormal results round once, 2^128·p overflows to inf */
    __m256i half = _mm256_srai_epi32(ni, 1);
    V8 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, bias), 23));
    V8 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

/* σ(x) = 1 / (1 + e^(−x))   (chainrule.ops._special.sigmoid) */
TARGET static inline V8 sigmoid8(V8 x) {
    V8 one = SET(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

/* Φ(x) and e^(−x²/2), as chainrule.ops._special.normal_cdf's float32 branch: the tail
 * Φ(−|x|) = e^(−x²/2) · t·P(t), t = 1/(1 + 0.425·|x|/√2), P of degree 7 fitted to ½·erfcx(|x|/√2)
 * (relative error < 1.4e-7 for |x| ≤ 14), and Φ(x) = 1 − tail for x ≥ 0. t comes from the
 * reciprocal estimate and one Newton step (~1 ulp; vdivps costs a fifth of this function here). */
TARGET static inline V8 normal_cdf8(V8 x, V8 *gauss) {
    /* |x| capped at 1e10 (t ≈ 0 there anyway) so that t's Newton step never meets inf·0 */
    V8 ax = _mm256_min_ps(SET(1e10f), _mm256_andnot_ps(SET(-0.0f), x));
    V8 d = _mm256_fmadd_ps(ax, SET(0.3005203820042827f), SET(1.0f));
    V8 t = _mm256_rcp_ps(d);
    t = _mm256_mul_ps(t, _mm256_fnmadd_ps(d, t, SET(2.0f)));
    V8 p = SET(0.03580909222364426f);
    p = _mm256_fmadd_ps(p, t, SET(-0.15686944127082825f));
    p = _mm256_fmadd_ps(p, t, SET(0.20430918037891388f));
    p = _mm256_fmadd_ps(p, t, SET(-0.05208486691117287f));
    p = _mm256_fmadd_ps(p, t, SET(0.1277855932712555f));
    p = _mm256_fmadd_ps(p, t, SET(0.10027983784675598f));
    p = _mm256_fmadd_ps(p, t, SET(0.12093198299407959f));
    p = _mm256_fmadd_ps(p, t, SET(0.11983855813741684f));
    p = _mm256_mul_ps(p, t);
    V8 e = exp8(_mm256_mul_ps(_mm256_mul_ps(x, x), SET(-0.5f)));
    *gauss = e;
    V8 tail = _mm256_mul_ps(p, e);
    V8 upper = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
    return _mm256_blendv_ps(tail, _mm256_sub_ps(SET(1.0f), tail), upper);
}

/* ---- element kernels: out[i] = f(a[i]) or f(a[i], b[i]); tails run through a padded block ---- */

#define ELEMENTWISE1(NAME, EXPR)                                                        \
    TARGET static inline V8 NAME##_8(V8 x) { return EXPR; }                            \
    TARGET static void NAME##_span(const job *j, Py_ssize_t i0, Py_ssize_t i1) {        \
        Py_ssize_t i = i0;                                                              \
        for (; i + 16 <= i1; i += 16) { /* two independent chains: the latency overlaps */ \
            V8 r0 = NAME##_8(_mm256_loadu_ps(j->a + i));                                \
            V8 r1 = NAME##_8(_mm256_loadu_ps(j->a + i + 8));                            \
            _mm256_storeu_ps(j->out + i, r0);                                           \
            _mm256_storeu_ps(j->out + i + 8, r1);                                       \
        }                                                                               \
        for (; i + 8 <= i1; i += 8) _mm256_storeu_ps(j->out + i, NAME##_8(_mm256_loadu_ps(j->a + i))); \
        if (i < i1) {                                                                   \
            float buf[8] = {0};                                                         \
            memcpy(buf, j->a + i, (size_t)(i1 - i) * sizeof(float));                    \
            _mm256_storeu_ps(buf, NAME##_8(_mm256_loadu_ps(buf)));                      \
            memcpy(j->out + i, buf, (size_t)(i1 - i) * sizeof(float));                  \
        }                                                                               \
    }

#define ELEMENTWISE2(NAME, EXPR)                                                        \
    TARGET static inline V8 NAME##_8(V8 g, V8 y) { return EXPR; }                      \
    TARGET static void NAME##_span(const job *j, Py_ssize_t i0, Py_ssize_t i1) {        \
        Py_ssize_t i = i0;                                                              \
        for (; i + 16 <= i1; i += 16) {                                                 \
            V8 r0 = NAME##_8(_mm256_loadu_ps(j->a + i), _mm256_loadu_ps(j->b + i));     \
            V8 r1 = NAME##_8(_mm256_loadu_ps(j->a + i + 8), _mm256_loadu_ps(j->b + i + 8)); \
            _mm256_storeu_ps(j->out + i, r0);                                           \
            _mm256_storeu_ps(j->out + i + 8, r1);                                       \
        }                                                                               \
        for (; i + 8 <= i1; i += 8)                                                     \
            _mm256_storeu_ps(j->out + i, NAME##_8(_mm256_loadu_ps(j->a + i), _mm256_loadu_ps(j->b + i))); \
        if (i < i1) {                                                                   \
            float ga[8] = {0}, yb[8] = {0};                                             \
            memcpy(ga, j->a + i, (size_t)(i1 - i) * sizeof(float));                     \
            memcpy(yb, j->b + i, (size_t)(i1 - i) * sizeof(float));                     \
            _mm256_storeu_ps(ga, NAME##_8(_mm256_loadu_ps(ga), _mm256_loadu_ps(yb)));   \
            memcpy(j->out + i, ga, (size_t)(i1 - i) * sizeof(float));                   \
        }                                                                               \
    }

/* eˣ */
ELEMENTWISE1(exp, exp8(x))
/* σ(x) */
ELEMENTWISE1(sigmoid, sigmoid8(x))
/* G·(y·(1 − y)), y = σ(x): SigmoidBackward0 */
ELEMENTWISE2(sigmoid_backward, _mm256_mul_ps(g, _mm256_mul_ps(y, _mm256_sub_ps(SET(1.0f), y))))

/* gelu(x) = x·Φ(x) */
TARGET static inline V8 gelu8(V8 x) {
    V8 e;
    return _mm256_mul_ps(normal_cdf8(x, &e), x);
}
ELEMENTWISE1(gelu, gelu8(x))

/* G·(Φ(x) + x·φ(x)), φ(x) = e^(−x²/2)/√(2π): GeluBackward0 (the g argument is G, y is x) */
TARGET static inline V8 gelu_grad8(V8 g, V8 x) {
    V8 e;
    V8 cdf = normal_cdf8(x, &e);
    V8 pdf_x = _mm256_mul_ps(_mm256_mul_ps(e, x), SET(0.3989422804014327f));
    return _mm256_mul_ps(g, _mm256_add_ps(pdf_x, cdf));
}
ELEMENTWISE2(gelu_backward, gelu_grad8(g, y))

/* ---- row kernels: a (rows, cols) matrix, each row reduced; masked loads cover the row tail ---- */

TARGET static inline __m256i tail_mask(Py_ssize_t left) {
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)left), lane);
}

TARGET static inline float hsum(V8 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

TARGET static inline float hmax(V8 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* the row's max, which softmax_array shifts by. A row with +inf, or all −inf, becomes NaN through
 * inf − inf, as PyTorch's does; a NaN lost by max_ps still reaches every output through the sum. */
TARGET static float row_shift(const float *x, Py_ssize_t n) {
    V8 m = SET(-INFINITY);
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    if (i < n) {
        __m256i k = tail_mask(n - i);
        V8 v = _mm256_blendv_ps(SET(-INFINITY), _mm256_maskload_ps(x + i, k), _mm256_castsi256_ps(k));
        m = _mm256_max_ps(m, v);
    }
    return hmax(m);
}

/* Σ e^(x − shift) over a row, also writing e^(x − shift) to e when it is not NULL */
TARGET static float row_exp_sum(const float *x, float *e, Py_ssize_t n, float shift) {
    V8 sh = SET(shift), acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    Py_ssize_t i = 0;
    for (; i + 16 <= n; i += 16) {
        V8 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), sh));
        V8 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), sh));
        if (e) {
            _mm256_storeu_ps(e + i, e0);
            _mm256_storeu_ps(e + i + 8, e1);
        }
        acc0 = _mm256_add_ps(acc0, e0);
        acc1 = _mm256_add_ps(acc1, e1);
    }
    for (; i < n; i += 8) {
        __m256i k = tail_mask(n - i);
        V8 e0 = _mm256_and_ps(exp8(_mm256_sub_ps(_mm256_maskload_ps(x + i, k), sh)), _mm256_castsi256_ps(k));
        if (e) _mm256_maskstore_ps(e + i, k, e0);
        acc0 = _mm256_add_ps(acc0, e0);
    }
    return hsum(_mm256_add_ps(acc0, acc1));
}

/* y = e^(x − m) · (1 / Σ e^(x − m)) per row (softmax_array); r1/r2, when given, get the row's shift m and
 * log Σ e^(x − m), which cross_entropy needs for its loss without a log_softmax pass */
TARGET static void softmax_rows_span(const job *j, Py_ssize_t r0, Py_ssize_t r1) {
    Py_ssize_t n = j->cols;
    for (Py_ssize_t r = r0; r < r1; r++) {
        const float *x = j->a + r * n;
        float *y = j->out ? j->out + r * n : NULL;
        float m = row_shift(x, n);
        float s = row_exp_sum(x, y, n, m);
        if (j->r1) j->r1[r] = m;
        if (j->r2) j->r2[r] = logf(s);
        if (!y) continue;
        /* one division per row, then products (as PyTorch's kernel): within an ulp of e / Σ */
        float inv = 1.0f / s;
        V8 iv = SET(inv);
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), iv));
        for (; i < n; i++) y[i] = y[i] * inv;
    }
}

/* y = (x − m) − log Σ e^(x − m) per row (log_softmax_array) */
TARGET static void log_softmax_rows_span(const job *j, Py_ssize_t r0, Py_ssize_t r1) {
    Py_ssize_t n = j->cols;
    for (Py_ssize_t r = r0; r < r1; r++) {
        const float *x = j->a + r * n;
        float *y = j->out + r * n;
        float m = row_shift(x, n);
        V8 mv = SET(m), lv = SET(logf(row_exp_sum(x, NULL, n, m)));
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(y + i, _mm256_sub_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv), lv));
        for (; i < n; i++) y[i] = (x[i] - m) - _mm256_cvtss_f32(lv);
    }
}

/* ∂L/∂x = y ⊙ (G − Σ G⊙y) per row (SoftmaxBackward0); a is G, b is y */
TARGET static void softmax_backward_rows_span(const job *j, Py_ssize_t r0, Py_ssize_t r1) {
    Py_ssize_t n = j->cols;
    for (Py_ssize_t r = r0; r < r1; r++) {
        const float *g = j->a + r * n, *y = j->b + r * n;
        float *o = j->out + r * n;
        V8 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        Py_ssize_t i = 0;
        for (; i + 16 <= n; i += 16) {
            acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(g + i), _mm256_loadu_ps(y + i), acc0);
            acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(g + i + 8), _mm256_loadu_ps(y + i + 8), acc1);
        }
        for (; i < n; i += 8) {
            __m256i k = tail_mask(n - i);
            acc0 = _mm256_fmadd_ps(_mm256_maskload_ps(g + i, k), _mm256_maskload_ps(y + i, k), acc0);
        }
        V8 dot = SET(hsum(_mm256_add_ps(acc0, acc1)));
        for (i = 0; i + 8 <= n; i += 8)
            _mm256_storeu_ps(o + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), _mm256_sub_ps(_mm256_loadu_ps(g + i), dot)));
        for (; i < n; i++) o[i] = y[i] * (g[i] - _mm256_cvtss_f32(dot));
    }
}

/* ∂L/∂x = G − e^y · Σ G per row (LogSoftmaxBackward0); a is G, b is y */
TARGET static void log_softmax_backward_rows_span(const job *j, Py_ssize_t r0, Py_ssize_t r1) {
    Py_ssize_t n = j->cols;
    for (Py_ssize_t r = r0; r < r1; r++) {
        const float *g = j->a + r * n, *y = j->b + r * n;
        float *o = j->out + r * n;
        V8 acc = _mm256_setzero_ps();
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8) acc = _mm256_add_ps(acc, _mm256_loadu_ps(g + i));
        if (i < n) acc = _mm256_add_ps(acc, _mm256_maskload_ps(g + i, tail_mask(n - i)));
        V8 sg = SET(hsum(acc));
        for (i = 0; i < n; i += 8) {
            __m256i k = tail_mask(n - i);
            V8 gv = _mm256_maskload_ps(g + i, k), yv = _mm256_maskload_ps(y + i, k);
            _mm256_maskstore_ps(o + i, k, _mm256_fnmadd_ps(exp8(yv), sg, gv));
        }
    }
}

static int cpu_has_simd(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#else
static int cpu_has_simd(void) { return 0; }
#endif /* CR_X86 */

/* ------------------------------------------------------------------------------------------ */
/* Output buffers that keep their pages. A fresh multi-megabyte array from malloc is fresh pages
 * from the kernel (glibc gives large blocks back to the OS on free): its first write page-faults
 * once per 4 KiB, which doubled the time of a sigmoid forward+backward on 1M floats. Kernel
 * outputs are therefore Blocks: buffer objects that NumPy arrays are made over (np.frombuffer),
 * whose memory goes to a small cache when the last array over them dies, and is handed to the
 * next output of the same size. The cache is bounded (CACHE_SLOTS blocks, CACHE_BYTES in all);
 * everything runs under the GIL. */

#define CACHE_SLOTS 8
#define CACHE_BYTES ((Py_ssize_t)64 << 20)

typedef struct {
    PyObject_HEAD
    void *ptr;
    Py_ssize_t size;
} Block;

static struct {
    void *ptr;
    Py_ssize_t size;
} cache[CACHE_SLOTS];
static Py_ssize_t cached_bytes = 0;

static void *take_cached(Py_ssize_t size) {
    for (int k = 0; k < CACHE_SLOTS; k++) {
        if (cache[k].ptr && cache[k].size == size) {
            void *p = cache[k].ptr;
            cache[k].ptr = NULL;
            cached_bytes -= size;
            return p;
        }
    }
    return NULL;
}

static void give_back(void *p, Py_ssize_t size) {
    if (size <= CACHE_BYTES) {
        /* make room: drop the oldest-filled slots until this one fits */
        for (int k = 0; k < CACHE_SLOTS && cached_bytes + size > CACHE_BYTES; k++) {
            if (cache[k].ptr) {
                free(cache[k].ptr);
                cached_bytes -= cache[k].size;
                cache[k].ptr = NULL;
            }
        }
        for (int k = 0; k < CACHE_SLOTS; k++) {
            if (!cache[k].ptr) {
                cache[k].ptr = p;
                cache[k].size = size;
                cached_bytes += size;
                return;
            }
        }
        /* all slots full: replace slot 0 */
        free(cache[0].ptr);
        cached_bytes += size - cache[0].size;
        cache[0].ptr = p;
        cache[0].size = size;
        return;
    }
    free(p);
}

static void block_dealloc(Block *self) {
    if (self->ptr) give_back(self->ptr, self->size);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int block_getbuffer(Block *self, Py_buffer *view, int flags) {
    return PyBuffer_FillInfo(view, (PyObject *)self, self->ptr, self->size, 0, flags);
}

static PyBufferProcs block_as_buffer = {(getbufferproc)block_getbuffer, NULL};

static PyTypeObject BlockType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "chainrule._fastmath.Block",
    .tp_basicsize = sizeof(Block),
    .tp_dealloc = (destructor)block_dealloc,
    .tp_as_buffer = &block_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Memory for one kernel output (recycled through a small cache when freed).",
};

static PyObject *py_block(PyObject *self, PyObject *arg) {
    Py_ssize_t size = PyLong_AsSsize_t(arg);
    if (size == -1 && PyErr_Occurred()) return NULL;
    if (size <= 0) {
        PyErr_SetString(PyExc_ValueError, "chainrule._fastmath.block: size must be positive");
        return NULL;
    }
    void *p = take_cached(size);
    if (!p && posix_memalign(&p, 64, (size_t)size) != 0) return PyErr_NoMemory();
    Block *b = PyObject_New(Block, &BlockType);
    if (!b) {
        give_back(p, size);
        return NULL;
    }
    b->ptr = p;
    b->size = size;
    return (PyObject *)b;
}

static PyObject *py_cached_bytes(PyObject *self, PyObject *noargs) { return PyLong_FromSsize_t(cached_bytes); }

static PyObject *py_empty_cache(PyObject *self, PyObject *noargs) {
    for (int k = 0; k < CACHE_SLOTS; k++) {
        free(cache[k].ptr);
        cache[k].ptr = NULL;
    }
    cached_bytes = 0;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------------------------------------ */
/* Python bindings. Buffers come in through the buffer protocol; _kernels.py has checked dtype,
 * contiguity and shapes, so here only the lengths are re-checked (a mismatch is a bug there). */

static int simd_ok = 0;

static int get_buf(PyObject *o, Py_buffer *b, int writable) {
    return PyObject_GetBuffer(o, b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0));
}

static PyObject *not_available(void) {
    PyErr_SetString(PyExc_RuntimeError, "chainrule._fastmath: this CPU has no AVX2/FMA; use the NumPy path");
    return NULL;
}

#if CR_X86
/* fn(a, out) or fn(a, b, out) over equal-length float32 buffers */
static PyObject *elementwise(PyObject *args, span_fn fn, int n_in) {
    PyObject *oa, *ob = NULL, *oo;
    if (n_in == 1 ? !PyArg_ParseTuple(args, "OO", &oa, &oo) : !PyArg_ParseTuple(args, "OOO", &oa, &ob, &oo))
        return NULL;
    if (!simd_ok) return not_available();
    Py_buffer a, b, o;
    if (get_buf(oa, &a, 0) < 0) return NULL;
    if (ob && get_buf(ob, &b, 0) < 0) { PyBuffer_Release(&a); return NULL; }
    if (get_buf(oo, &o, 1) < 0) { PyBuffer_Release(&a); if (ob) PyBuffer_Release(&b); return NULL; }
    PyObject *res = NULL;
    if (a.len != o.len || (ob && b.len != o.len)) {
        PyErr_SetString(PyExc_ValueError, "chainrule._fastmath: buffers differ in length");
    } else {
        job j = {fn, (const float *)a.buf, ob ? (const float *)b.buf : NULL, (float *)o.buf, NULL, NULL, 0};
        run_job(&j, a.len / (Py_ssize_t)sizeof(float), 1);
        res = Py_NewRef(Py_None);
    }
    PyBuffer_Release(&a);
    if (ob) PyBuffer_Release(&b);
    PyBuffer_Release(&o);
    return res;
}

#define BIND1(NAME) static PyObject *py_##NAME(PyObject *self, PyObject *args) { return elementwise(args, NAME##_span, 1); }
#define BIND2(NAME) static PyObject *py_##NAME(PyObject *self, PyObject *args) { return elementwise(args, NAME##_span, 2); }
BIND1(exp)
BIND1(sigmoid)
BIND2(sigmoid_backward)
BIND1(gelu)
BIND2(gelu_backward)

/* fn over a (rows, cols) matrix: a [, b], out (None allowed for softmax_rows) [, r1, r2 (rows,)] */
static PyObject *rows(PyObject *args, span_fn fn, int n_in, int with_stats) {
    PyObject *oa, *ob = NULL, *oo, *o1 = Py_None, *o2 = Py_None;
    Py_ssize_t cols;
    int ok = n_in == 1 ? (with_stats ? PyArg_ParseTuple(args, "OnOOO", &oa, &cols, &oo, &o1, &o2)
                                     : PyArg_ParseTuple(args, "OnO", &oa, &cols, &oo))
                       : PyArg_ParseTuple(args, "OOnO", &oa, &ob, &cols, &oo);
    if (!ok) return NULL;
    if (!simd_ok) return not_available();
    Py_buffer bufs[5];
    PyObject *objs[5] = {oa, ob, oo == Py_None ? NULL : oo, o1 == Py_None ? NULL : o1, o2 == Py_None ? NULL : o2};
    int got[5] = {0};
    PyObject *res = NULL;
    for (int k = 0; k < 5; k++) {
        if (!objs[k]) continue;
        if (get_buf(objs[k], &bufs[k], k >= 2) < 0) goto done;
        got[k] = 1;
    }
    Py_ssize_t n = bufs[0].len / (Py_ssize_t)sizeof(float);
    if (cols <= 0 || n % cols || (got[1] && bufs[1].len != bufs[0].len) || (got[2] && bufs[2].len != bufs[0].len) ||
        (got[3] && bufs[3].len / (Py_ssize_t)sizeof(float) != n / cols) ||
        (got[4] && bufs[4].len / (Py_ssize_t)sizeof(float) != n / cols)) {
        PyErr_SetString(PyExc_ValueError, "chainrule._fastmath: buffer lengths do not match the rows");
        goto done;
    }
    job j = {fn, (const float *)bufs[0].buf, got[1] ? (const float *)bufs[1].buf : NULL,
             got[2] ? (float *)bufs[2].buf : NULL, got[3] ? (float *)bufs[3].buf : NULL,
             got[4] ? (float *)bufs[4].buf : NULL, cols};
    run_job(&j, n / cols, cols);
    res = Py_NewRef(Py_None);
done:
    for (int k = 0; k < 5; k++)
        if (got[k]) PyBuffer_Release(&bufs[k]);
    return res;
}

static PyObject *py_softmax_rows(PyObject *self, PyObject *args) { return rows(args, softmax_rows_span, 1, 1); }
static PyObject *py_log_softmax_rows(PyObject *self, PyObject *args) { return rows(args, log_softmax_rows_span, 1, 0); }
static PyObject *py_softmax_backward_rows(PyObject *self, PyObject *args) {
    return rows(args, softmax_backward_rows_span, 2, 0);
}
static PyObject *py_log_softmax_backward_rows(PyObject *self, PyObject *args) {
    return rows(args, log_softmax_backward_rows_span, 2, 0);
}
#endif /* CR_X86 */

static PyObject *py_simd(PyObject *self, PyObject *noargs) { return PyBool_FromLong(simd_ok); }

static PyObject *py_set_num_threads(PyObject *self, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    n_threads = n < 1 ? 1 : (n > MAX_THREADS ? MAX_THREADS : (int)n);
    Py_RETURN_NONE;
}

static PyObject *py_get_num_threads(PyObject *self, PyObject *noargs) { return PyLong_FromLong(n_threads); }

static PyMethodDef methods[] = {
    {"block", py_block, METH_O, "block(nbytes): 64-byte aligned memory for an output, recycled when freed."},
    {"cached_bytes", py_cached_bytes, METH_NOARGS, "Bytes held by the output cache."},
    {"empty_cache", py_empty_cache, METH_NOARGS, "Free every cached output buffer."},
    {"simd", py_simd, METH_NOARGS, "Whether this CPU runs the kernels (x86-64 with AVX2 and FMA)."},
    {"set_num_threads", py_set_num_threads, METH_O, "Threads the kernels may use (1 to 64)."},
    {"get_num_threads", py_get_num_threads, METH_NOARGS, "Threads the kernels may use."},
#if CR_X86
    {"exp", py_exp, METH_VARARGS, "exp(x, out): out = e^x."},
    {"sigmoid", py_sigmoid, METH_VARARGS, "sigmoid(x, out): out = 1/(1 + e^-x)."},
    {"sigmoid_backward", py_sigmoid_backward, METH_VARARGS, "sigmoid_backward(g, y, out): out = g*(y*(1-y))."},
    {"gelu", py_gelu, METH_VARARGS, "gelu(x, out): out = x*Phi(x)."},
    {"gelu_backward", py_gelu_backward, METH_VARARGS, "gelu_backward(g, x, out): out = g*(Phi(x) + x*phi(x))."},
    {"softmax_rows", py_softmax_rows, METH_VARARGS,
     "softmax_rows(x, cols, out|None, shift|None, logsum|None): row softmax, its shifts and log-sums."},
    {"log_softmax_rows", py_log_softmax_rows, METH_VARARGS, "log_softmax_rows(x, cols, out): row log_softmax."},
    {"softmax_backward_rows", py_softmax_backward_rows, METH_VARARGS,
     "softmax_backward_rows(g, y, cols, out): out = y*(g - sum(g*y))."},
    {"log_softmax_backward_rows", py_log_softmax_backward_rows, METH_VARARGS,
     "log_softmax_backward_rows(g, y, cols, out): out = g - exp(y)*sum(g)."},
#endif
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "chainrule._fastmath",
    "Fused float32 kernels (AVX2/FMA, multi-threaded) for chainrule's activations and softmax family.", -1, methods,
};

PyMODINIT_FUNC PyInit__fastmath(void) {
    simd_ok = cpu_has_simd();
    if (PyType_Ready(&BlockType) < 0) return NULL;
    pthread_atfork(NULL, NULL, pool_reset);
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddObjectRef(m, "Block", (PyObject *)&BlockType) < 0) Py_CLEAR(m);
    return m;
}

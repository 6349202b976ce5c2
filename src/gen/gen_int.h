/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private header of the synthetic population generator (src/gen): its PRNG
 * (splitmix64 seeding xoshiro256**, integer-only so output is the same on
 * every machine), the buffered file writer with allocation-free formatters
 * for the hot loops, and the synthetic people and delivery points that
 * words.c builds from syllables and renders in the many spellings real mail
 * uses.
 */
#ifndef SEAL_GEN_INT_H
#define SEAL_GEN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sealed/status.h"

/* ---- PRNG -------------------------------------------------------------- */

typedef struct gen_rng {
    uint64_t s[4];
} gen_rng;

static inline uint64_t gen_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A stateless 64-bit hash of (a, b, c); bijective in c for fixed a, b. */
static inline uint64_t gen_hash3(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t x = a ^ (b * 0xd6e8feb86659fd93ull);
    uint64_t k = gen_splitmix(&x);
    uint64_t z = c ^ k;
    z = (z ^ (z >> 32)) * 0xd6e8feb86659fd93ull;
    z = (z ^ (z >> 32)) * 0xd6e8feb86659fd93ull;
    return z ^ (z >> 32);
}

/* Seeds a stream named by (seed, tag, index); streams are independent. */
static inline void gen_rng_seed(gen_rng *r, uint64_t seed, uint64_t tag, uint64_t index)
{
    uint64_t x = gen_hash3(seed, tag, index);
    for (int i = 0; i < 4; i++) {
        r->s[i] = gen_splitmix(&x);
    }
}

static inline uint64_t gen_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna, 2018). */
static inline uint64_t gen_next(gen_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = gen_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = gen_rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n); n > 0. Multiply-shift on 32 bits for small n; the tiny
 * bias of not rejecting is irrelevant for synthetic data and keeps one draw
 * per call. */
static inline uint64_t gen_below(gen_rng *r, uint64_t n)
{
    uint64_t x = gen_next(r);
    if (n <= 0xffffffffull) {
        return ((x >> 32) * n) >> 32;
    }
    return x % n;
}

/* Uniform in [lo, hi]. */
static inline uint64_t gen_range(gen_rng *r, uint64_t lo, uint64_t hi)
{
    return lo + gen_below(r, hi - lo + 1);
}

/* True with probability pct/100. */
static inline bool gen_pct(gen_rng *r, unsigned pct)
{
    return gen_below(r, 100) < pct;
}

/* Index drawn from integer weights (sum > 0). */
size_t seal__gen_pick(gen_rng *r, const unsigned *weights, size_t n);

/* ---- output ------------------------------------------------------------ */

#define GEN_OUT_CAP (1u << 20)

typedef struct gen_out {
    FILE *f;
    char *buf; /* GEN_OUT_CAP bytes, seal_malloc'd */
    size_t len;
    bool failed;
} gen_out;

void seal__gen_out_flush(gen_out *o);

static inline void gen_put(gen_out *o, const char *p, size_t n)
{
    if (n > GEN_OUT_CAP - o->len) {
        seal__gen_out_flush(o);
        if (n > GEN_OUT_CAP) {
            if (fwrite(p, 1, n, o->f) != n) {
                o->failed = true;
            }
            return;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static inline void gen_puts(gen_out *o, const char *s)
{
    gen_put(o, s, strlen(s));
}

static inline void gen_putc(gen_out *o, char c)
{
    if (o->len == GEN_OUT_CAP) {
        seal__gen_out_flush(o);
    }
    o->buf[o->len++] = c;
}

/* Decimal of v; returns length (at most 20) written into out. */
size_t seal__gen_fmt_u64(char *out, uint64_t v);
/* v as exactly `width` zero-padded decimal digits (v < 10^width). */
void seal__gen_fmt_fixed(char *out, uint64_t v, unsigned width);
/* "YYYY-MM-DDTHH:MM:SSZ" (20 bytes, not NUL-terminated). */
void seal__gen_fmt_time(char *out, int64_t t);
/* "YYYY-MM-DD" (10 bytes, not NUL-terminated). */
void seal__gen_fmt_date(char *out, int64_t t);
/* Prefix followed by 13 Crockford base32 digits of v into out (NUL-terminated). */
void seal__gen_fmt_id(char *out, size_t cap, const char *prefix, uint64_t v);

void seal__gen_put_u64(gen_out *o, uint64_t v);
/* A JSON string with quotes; escapes '"', '\\' and control bytes. */
void seal__gen_put_json_str(gen_out *o, const char *s);
/* `,"key":"value"` (first: without the leading comma). */
void seal__gen_put_json_kv(gen_out *o, bool first, const char *key, const char *value);
/* One CSV field, quoted per RFC 4180 when it holds a comma, quote or newline. */
void seal__gen_put_csv(gen_out *o, const char *s);

/* ---- words, places, delivery points ------------------------------------ */

#define GEN_NPLACES 3060u /* 51 states and DC-like areas x 60 places */
#define GEN_NSTREETS 100u

/* A delivery point in canonical parts; render() spells it. */
typedef struct gen_addr {
    uint32_t place;  /* < GEN_NPLACES */
    uint32_t street; /* < GEN_NSTREETS */
    uint32_t number; /* house number 1..4999 */
    int unit;        /* -1 none, else unit index: 0..47 residential, 100..139 suite */
} gen_addr;

typedef struct gen_place_info {
    char city[32];
    const char *state;      /* USPS code */
    const char *state_name; /* full name */
    unsigned zip;           /* 5-digit */
} gen_place_info;

void seal__gen_place(uint32_t place, gen_place_info *out);

/* The canonical street parts of (place, street). */
typedef struct gen_street_info {
    char name[32];
    int predir;  /* -1 or index into directionals */
    int postdir; /* -1 or index */
    int suffix;  /* index into suffixes */
} gen_street_info;

void seal__gen_street(uint32_t place, uint32_t street, gen_street_info *out);

/* A random residential delivery point (house or apartment). */
void seal__gen_addr_home(gen_rng *r, gen_addr *a);
/* A random business delivery point (often a suite). */
void seal__gen_addr_business(gen_rng *r, gen_addr *a);
/* A different delivery point close to a: same street, another number or unit. */
void seal__gen_addr_near(gen_rng *r, const gen_addr *a, gen_addr *out);

/* The 11-digit delivery point code (ZIP, ZIP+4, 2-digit delivery point);
 * distinct delivery points have distinct codes. out: 12 bytes. */
void seal__gen_dpc(const gen_addr *a, char *out);
unsigned seal__gen_zip4(const gen_addr *a);

/* How an address is spelled. Profiles: customer-entered, printed label,
 * hand-written. */
typedef enum { GEN_SPELL_TYPED, GEN_SPELL_PRINTED, GEN_SPELL_HAND } gen_spelling;

/* Renders a as one line into out (NUL-terminated; cap >= 160). */
void seal__gen_addr_render(gen_rng *r, const gen_addr *a, gen_spelling how, char *out, size_t cap);

/* Synthetic names. */
void seal__gen_first_name(gen_rng *r, char *out, size_t cap);
void seal__gen_last_name(gen_rng *r, char *out, size_t cap);
void seal__gen_business_name(gen_rng *r, char *out, size_t cap);
/* A facility name for tracking events and scans, e.g. "KELVARTON OR P&DC". */
void seal__gen_facility(gen_rng *r, uint32_t place, bool processing, char *out, size_t cap);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output side of the generator: a 1 MiB write buffer per file and formatters
 * for integers, times, identifiers, JSON strings and CSV fields that never
 * call printf, because the web-visit loop writes tens of millions of lines.
 */
#include "gen/gen_int.h"

void seal__gen_out_flush(gen_out *o)
{
    if (o->len > 0 && !o->failed && fwrite(o->buf, 1, o->len, o->f) != o->len) {
        o->failed = true;
    }
    o->len = 0;
}

size_t seal__gen_pick(gen_rng *r, const unsigned *weights, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += weights[i];
    }
    uint64_t x = gen_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i]) {
            return i;
        }
        x -= weights[i];
    }
    return n - 1;
}

size_t seal__gen_fmt_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

void seal__gen_fmt_fixed(char *out, uint64_t v, unsigned width)
{
    for (unsigned i = width; i > 0; i--) {
        out[i - 1] = (char) ('0' + v % 10);
        v /= 10;
    }
}

/* Howard Hinnant's days-to-civil algorithm, as in src/core/time.c. */
static void civil(int64_t t, int64_t *y, unsigned *m, unsigned *d, int64_t *rem)
{
    int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    *rem = t - day * 86400;
    int64_t z = day + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned) (z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t) yoe + era * 400 + (*m <= 2);
}

void seal__gen_fmt_date(char *out, int64_t t)
{
    int64_t y, rem;
    unsigned m, d;
    civil(t, &y, &m, &d, &rem);
    seal__gen_fmt_fixed(out, (uint64_t) y, 4);
    out[4] = '-';
    seal__gen_fmt_fixed(out + 5, m, 2);
    out[7] = '-';
    seal__gen_fmt_fixed(out + 8, d, 2);
}

void seal__gen_fmt_time(char *out, int64_t t)
{
    int64_t y, rem;
    unsigned m, d;
    civil(t, &y, &m, &d, &rem);
    seal__gen_fmt_fixed(out, (uint64_t) y, 4);
    out[4] = '-';
    seal__gen_fmt_fixed(out + 5, m, 2);
    out[7] = '-';
    seal__gen_fmt_fixed(out + 8, d, 2);
    out[10] = 'T';
    seal__gen_fmt_fixed(out + 11, (uint64_t) (rem / 3600), 2);
    out[13] = ':';
    seal__gen_fmt_fixed(out + 14, (uint64_t) (rem / 60 % 60), 2);
    out[16] = ':';
    seal__gen_fmt_fixed(out + 17, (uint64_t) (rem % 60), 2);
    out[19] = 'Z';
}

void seal__gen_fmt_id(char *out, size_t cap, const char *prefix, uint64_t v)
{
    static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    size_t n = strlen(prefix);
    if (cap < n + 14) {
        if (cap > 0) {
            out[0] = '\0';
        }
        return;
    }
    memcpy(out, prefix, n);
    for (int i = 12; i >= 0; i--) {
        out[n + (size_t) i] = crockford[v & 31];
        v >>= 5;
    }
    out[n + 13] = '\0';
}

void seal__gen_put_u64(gen_out *o, uint64_t v)
{
    char tmp[20];
    size_t n = seal__gen_fmt_u64(tmp, v);
    gen_put(o, tmp, n);
}

void seal__gen_put_json_str(gen_out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    gen_putc(o, '"');
    const char *run = s;
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char) *p;
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        gen_put(o, run, (size_t) (p - run));
        run = p + 1;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char) c};
            gen_put(o, e, 2);
        } else {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            gen_put(o, e, 6);
        }
    }
    gen_puts(o, run);
    gen_putc(o, '"');
}

void seal__gen_put_json_kv(gen_out *o, bool first, const char *key, const char *value)
{
    gen_put(o, first ? "\"" : ",\"", first ? 1 : 2);
    gen_puts(o, key);
    gen_put(o, "\":", 2);
    seal__gen_put_json_str(o, value);
}

void seal__gen_put_csv(gen_out *o, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        gen_puts(o, s);
        return;
    }
    gen_putc(o, '"');
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"') {
            gen_putc(o, '"');
        }
        gen_putc(o, *p);
    }
    gen_putc(o, '"');
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generator's driver: options, the files, and the records of each
 * person. Person i is a pure function of (seed, i), so records that refer to
 * another person (a parcel to a neighbour, a scanned letter to a customer)
 * regenerate that person instead of keeping anyone in memory; memory stays
 * constant however many people are asked for. Every id is a keyed bijection
 * of a counter, so ids are opaque and never collide.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen/gen_int.h"
#include "sealed/alloc.h"
#include "sealed/buf.h"
#include "sealed/gen.h"
#include "sealed/time.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Stream tags: each names an independent random stream. */
enum {
    TAG_PERSON = 1,
    TAG_HOME,
    TAG_LAST,
    TAG_HOUSEHOLD,
    TAG_ACCOUNT,
    TAG_REC,
    TAG_VISIT,
    TAG_TRACK,
    TAG_PAY,
    TAG_COA,
    TAG_MOVE,
    TAG_SCAN,
    TAG_PIECE,
    TAG_FACILITY,
    TAG_SERIAL,
};

enum { F_ACCOUNT, F_VISIT, F_TRACK, F_PAY, F_COA, F_SCAN, F_TRUTH, F_COUNT };

static const char *const file_names[F_COUNT] = {
    "account.ndjson",        "web_visit.ndjson", "tracking.ndjson",     "payment.ndjson",
    "address_change.ndjson", "mail_scan.csv",    "mail_scan_truth.csv",
};

typedef struct person {
    uint64_t index;
    char first[32];
    char middle; /* '\0' for none */
    char last[64];
    char name[112]; /* as on the account */
    char account_id[20];
    gen_addr home;
    bool has_business;
    gen_addr business;
    char business_name[96];
    int64_t opened, closed; /* closed 0 = open */
    char email[128];        /* "" = none */
    char phone[24];         /* "" = none */
    uint32_t ip4;
    bool has_ip6;
    uint32_t ip6_net[2];
    unsigned ua[2];
    unsigned card_brand[2];
    unsigned card_last4[2];
    uint64_t visits;
} person;

typedef struct ctx {
    const seal_gen_options *opt;
    uint64_t visits_avg;
    int64_t end; /* first second after the window */
    gen_out out[F_COUNT];
    seal_gen_counts counts;
    uint64_t visit_seq, track_seq, pay_seq, coa_seq;
} ctx;

void seal_gen_options_init(seal_gen_options *opt)
{
    opt->seed = 1;
    opt->people = 1000;
    opt->days = 30;
    opt->start = seal_days_from_civil(2026, 1, 1) * 86400;
    opt->scans = SEAL_GEN_AUTO;
    opt->visits_per_person = SEAL_GEN_AUTO;
    opt->truth = false;
}

seal_status seal_gen_options_check(const seal_gen_options *opt, seal_error *err)
{
    if (opt->people > SEAL_GEN_MAX_PEOPLE) {
        return seal_error_set(err, SEAL_INVALID, "people: at most %llu",
                              (unsigned long long) SEAL_GEN_MAX_PEOPLE);
    }
    if (opt->days < 1 || opt->days > SEAL_GEN_MAX_DAYS) {
        return seal_error_set(err, SEAL_INVALID, "days: must be 1 to %u", SEAL_GEN_MAX_DAYS);
    }
    if (opt->start % 86400 != 0 || opt->start < seal_days_from_civil(1990, 1, 1) * 86400 ||
        opt->start > seal_days_from_civil(2200, 1, 1) * 86400) {
        return seal_error_set(err, SEAL_INVALID,
                              "start: must be midnight UTC of a day from 1990 to 2200");
    }
    if (opt->scans != SEAL_GEN_AUTO && opt->scans > SEAL_GEN_MAX_SCANS) {
        return seal_error_set(err, SEAL_INVALID, "scans: at most %llu",
                              (unsigned long long) SEAL_GEN_MAX_SCANS);
    }
    if (opt->visits_per_person != SEAL_GEN_AUTO && opt->visits_per_person > SEAL_GEN_MAX_VISITS) {
        return seal_error_set(err, SEAL_INVALID, "visits per person: at most %llu",
                              (unsigned long long) SEAL_GEN_MAX_VISITS);
    }
    return SEAL_OK;
}

/* ---- people ------------------------------------------------------------ */

static const char *const email_domains[] = {"example.com",  "example.net", "example.org",
                                            "mail.example", "inbox.test",  "post.example"};

static void lower_copy(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] != '\0' && i + 1 < cap; i++) {
        char c = src[i];
        dst[i] = (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
    }
    dst[i] = '\0';
}

/* Letters and digits only, for email local parts. */
static void alnum_copy(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    for (size_t i = 0; src[i] != '\0' && n + 1 < cap; i++) {
        char c = src[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            dst[n++] = c;
        }
    }
    dst[n] = '\0';
}

static void make_email(gen_rng *r, const person *p, char *out, size_t cap)
{
    char f[32], l[64], tmp[32];
    lower_copy(tmp, sizeof(tmp), p->first);
    alnum_copy(f, sizeof(f), tmp);
    char lt[64];
    lower_copy(lt, sizeof(lt), p->last);
    alnum_copy(l, sizeof(l), lt);
    char num[24] = "";
    if (gen_pct(r, 60)) {
        size_t n = seal__gen_fmt_u64(num, gen_range(r, 1, gen_pct(r, 50) ? 99 : 9999));
        num[n] = '\0';
    }
    const char *dom = email_domains[gen_below(r, COUNT(email_domains))];
    unsigned style = (unsigned) gen_below(r, 5);
    char local[112];
    size_t fl = strlen(f), ll = strlen(l), nl = strlen(num);
    size_t n = 0;
    /* first.last, firstlast, f.last, first_last, lastf */
    if (style == 4) {
        memcpy(local, l, ll);
        n = ll;
        local[n++] = f[0];
    } else {
        size_t take = style == 2 ? 1 : fl;
        memcpy(local, f, take);
        n = take;
        if (style != 1) {
            local[n++] = style == 3 ? '_' : '.';
        }
        memcpy(local + n, l, ll);
        n += ll;
    }
    memcpy(local + n, num, nl);
    n += nl;
    local[n] = '\0';
    size_t dl = strlen(dom);
    if (n + 1 + dl + 1 > cap) {
        out[0] = '\0';
        return;
    }
    memcpy(out, local, n);
    out[n] = '@';
    memcpy(out + n + 1, dom, dl + 1);
    if (gen_pct(r, 8)) {
        /* some people type their address with capitals; emails compare caselessly */
        out[0] = (char) (out[0] - 'a' + 'A');
    }
}

static void make_phone(gen_rng *r, char *out)
{
    unsigned area = (unsigned) gen_range(r, 201, 989);
    if (area % 100 == 11) {
        area++; /* N11 codes are not area codes */
    }
    unsigned line = (unsigned) gen_below(r, 10000);
    char a[3], l[4];
    seal__gen_fmt_fixed(a, area, 3);
    seal__gen_fmt_fixed(l, line, 4);
    /* the 555 exchange: fictional, never a real subscriber's number */
    static const char *const fmts[] = {"(AAA) 555-LLLL",  "AAA-555-LLLL", "AAA.555.LLLL",
                                       "+1 AAA 555 LLLL", "AAA555LLLL",   "+1-AAA-555-LLLL"};
    static const unsigned w[] = {35, 30, 8, 10, 12, 5};
    const char *f = fmts[seal__gen_pick(r, w, COUNT(w))];
    size_t ai = 0, li = 0, n = 0;
    for (; *f != '\0'; f++) {
        out[n++] = *f == 'A' ? a[ai++] : *f == 'L' ? l[li++] : *f;
    }
    out[n] = '\0';
}

static uint64_t account_key(const ctx *c, uint64_t i)
{
    return gen_hash3(c->opt->seed, TAG_ACCOUNT, i);
}

static void make_person(const ctx *c, uint64_t i, person *p)
{
    const seal_gen_options *o = c->opt;
    gen_rng r;
    gen_rng_seed(&r, o->seed, TAG_PERSON, i);
    p->index = i;
    /* a quarter of odd-numbered people live with the person before them */
    uint64_t hk = i;
    if ((i & 1) && gen_hash3(o->seed, TAG_HOUSEHOLD, i) % 100 < 25) {
        hk = i - 1;
    }
    gen_rng ra;
    gen_rng_seed(&ra, o->seed, TAG_HOME, hk);
    seal__gen_addr_home(&ra, &p->home);
    gen_rng rl;
    gen_rng_seed(&rl, o->seed, TAG_LAST, hk != i && gen_pct(&r, 75) ? hk : i);
    seal__gen_last_name(&rl, p->last, sizeof(p->last));
    seal__gen_first_name(&r, p->first, sizeof(p->first));
    p->middle = gen_pct(&r, 40) ? (char) ('A' + gen_below(&r, 26)) : '\0';

    size_t fl = strlen(p->first), ll = strlen(p->last), n = 0;
    memcpy(p->name, p->first, fl);
    n = fl;
    p->name[n++] = ' ';
    if (p->middle != '\0') {
        p->name[n++] = p->middle;
        if (gen_pct(&r, 70)) {
            p->name[n++] = '.';
        }
        p->name[n++] = ' ';
    }
    memcpy(p->name + n, p->last, ll);
    n += ll;
    if (gen_pct(&r, 2)) {
        memcpy(p->name + n, " Jr.", 4);
        n += 4;
    }
    p->name[n] = '\0';

    seal__gen_fmt_id(p->account_id, sizeof(p->account_id), "AC", account_key(c, i));

    int64_t start = o->start;
    if (gen_pct(&r, 5)) {
        p->opened = start + (int64_t) gen_below(&r, (uint64_t) (c->end - start));
    } else {
        p->opened = start - 86400 - (int64_t) gen_below(&r, 12ull * 365 * 86400);
    }
    p->closed = 0;
    if (gen_pct(&r, 3)) {
        int64_t from = p->opened > start ? p->opened : start;
        p->closed = from + 1 + (int64_t) gen_below(&r, (uint64_t) (c->end - from));
    }
    p->email[0] = '\0';
    if (gen_pct(&r, 85)) {
        make_email(&r, p, p->email, sizeof(p->email));
    }
    p->phone[0] = '\0';
    if (gen_pct(&r, 70)) {
        make_phone(&r, p->phone);
    }
    p->has_business = gen_pct(&r, 8);
    if (p->has_business) {
        seal__gen_addr_business(&r, &p->business);
        seal__gen_business_name(&r, p->business_name, sizeof(p->business_name));
    }
    /* addresses that reach no real host: CGNAT shared space and the
     * documentation ranges (RFC 6598, RFC 5737, RFC 3849) */
    if (gen_pct(&r, 80)) {
        p->ip4 = (100u << 24) | (64u << 16) | (uint32_t) gen_below(&r, 1u << 22);
    } else {
        static const uint32_t nets[] = {(192u << 24) | (0u << 16) | (2u << 8),
                                        (198u << 24) | (51u << 16) | (100u << 8),
                                        (203u << 24) | (0u << 16) | (113u << 8)};
        p->ip4 = nets[gen_below(&r, 3)] | (uint32_t) gen_range(&r, 1, 254);
    }
    p->has_ip6 = gen_pct(&r, 35);
    p->ip6_net[0] = (uint32_t) gen_below(&r, 1u << 16);
    p->ip6_net[1] = (uint32_t) gen_below(&r, 1u << 16);
    p->ua[0] = (unsigned) gen_next(&r);
    p->ua[1] = (unsigned) gen_next(&r);
    for (int k = 0; k < 2; k++) {
        static const unsigned bw[] = {50, 30, 12, 8};
        p->card_brand[k] = (unsigned) seal__gen_pick(&r, bw, COUNT(bw));
        p->card_last4[k] = (unsigned) gen_below(&r, 10000);
    }
    /* web activity: 30% never sign in; a few are heavy users. Class means are
     * per mille of the average, weighted to 1030 so that the 3% closed
     * accounts (no visits) leave the overall mean on target: see docs/gen.md. */
    static const unsigned class_w[] = {30, 30, 25, 12, 3};
    static const unsigned class_mean[] = {0, 412, 1237, 3093, 7560};
    size_t cls = seal__gen_pick(&r, class_w, COUNT(class_w));
    uint64_t span = 2 * c->visits_avg * class_mean[cls];
    p->visits = (gen_below(&r, span + 1) + gen_below(&r, 1000)) / 1000;
    if (p->closed != 0) {
        p->visits = 0;
    }
}

/* A person's name as someone else wrote it on a piece of mail. */
static void name_variant(gen_rng *r, const person *p, char *out, size_t cap)
{
    char tmp[128];
    size_t n = 0;
    size_t fl = strlen(p->first), ll = strlen(p->last);
    unsigned k = (unsigned) gen_below(r, 100);
    if (k < 12) {
        tmp[n++] = p->first[0];
        if (gen_pct(r, 50)) {
            tmp[n++] = '.';
        }
    } else {
        memcpy(tmp, p->first, fl);
        n = fl;
    }
    tmp[n++] = ' ';
    if (p->middle != '\0' && k >= 50 && k < 80) {
        tmp[n++] = p->middle;
        if (gen_pct(r, 50)) {
            tmp[n++] = '.';
        }
        tmp[n++] = ' ';
    }
    memcpy(tmp + n, p->last, ll);
    n += ll;
    tmp[n] = '\0';
    unsigned caps = (unsigned) gen_below(r, 100);
    for (size_t i = 0; i < n; i++) {
        char ch = tmp[i];
        if (caps < 45 && ch >= 'a' && ch <= 'z') {
            ch = (char) (ch - 'a' + 'A');
        } else if (caps >= 97 && ch >= 'A' && ch <= 'Z') {
            ch = (char) (ch - 'A' + 'a');
        }
        tmp[i] = ch;
    }
    if (n + 1 > cap) {
        n = cap - 1;
    }
    memcpy(out, tmp, n);
    out[n] = '\0';
}

static void random_name(gen_rng *r, char *out, size_t cap)
{
    char f[32], l[64];
    seal__gen_first_name(r, f, sizeof(f));
    seal__gen_last_name(r, l, sizeof(l));
    size_t fl = strlen(f), ll = strlen(l);
    if (fl + 1 + ll + 1 > cap) {
        out[0] = '\0';
        return;
    }
    memcpy(out, f, fl);
    out[fl] = ' ';
    memcpy(out + fl + 1, l, ll + 1);
    if (gen_pct(r, 40)) {
        for (char *s = out; *s != '\0'; s++) {
            if (*s >= 'a' && *s <= 'z') {
                *s = (char) (*s - 'a' + 'A');
            }
        }
    }
}

/* ---- records ----------------------------------------------------------- */

static void put_time_kv(gen_out *o, const char *key, int64_t t)
{
    char buf[20];
    seal__gen_fmt_time(buf, t);
    gen_put(o, ",\"", 2);
    gen_puts(o, key);
    gen_put(o, "\":\"", 3);
    gen_put(o, buf, 20);
    gen_putc(o, '"');
}

static void write_account(ctx *c, const person *p)
{
    gen_out *o = &c->out[F_ACCOUNT];
    gen_rng r;
    gen_rng_seed(&r, c->opt->seed, TAG_REC, p->index);
    char addr[256];
    gen_putc(o, '{');
    seal__gen_put_json_kv(o, true, "account_id", p->account_id);
    seal__gen_put_json_kv(o, false, "name", p->name);
    put_time_kv(o, "opened_at", p->opened);
    if (p->closed != 0) {
        put_time_kv(o, "closed_at", p->closed);
    }
    if (p->email[0] != '\0') {
        seal__gen_put_json_kv(o, false, "email", p->email);
    }
    if (p->phone[0] != '\0') {
        seal__gen_put_json_kv(o, false, "phone", p->phone);
    }
    seal__gen_addr_render(&r, &p->home, GEN_SPELL_TYPED, addr, sizeof(addr));
    seal__gen_put_json_kv(o, false, "mailing_address", addr);
    if (p->has_business) {
        seal__gen_addr_render(&r, &p->business, GEN_SPELL_TYPED, addr, sizeof(addr));
        seal__gen_put_json_kv(o, false, "business_address", addr);
    }
    gen_put(o, "}\n", 2);
    c->counts.accounts++;
}

static const char *const user_agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
    "Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.0.0 Mobile Safari/537.36",
    "USPSMobile/7.4.2 (iOS 17.4; iPhone14,5)",
};

static const char *const pages[] = {
    "/account",
    "/account/profile",
    "/account/payments",
    "/track",
    "/shipping/label/new",
    "/shipping/prices",
    "/money-orders",
    "/po-box/renew",
    "/hold-mail",
    "/change-of-address",
    "/store/stamps",
    "/store/cart",
    "/store/checkout",
    "/informed-delivery/dashboard",
    "/zip-lookup",
    "/help/contact",
    "/sign-out",
};
static const unsigned page_w[] = {10, 4, 3, 20, 6, 5, 3, 2, 3, 2, 6, 3, 2, 15, 4, 2, 4};

static size_t fmt_ip4(char *out, uint32_t ip)
{
    size_t n = 0;
    for (int k = 3; k >= 0; k--) {
        n += seal__gen_fmt_u64(out + n, (ip >> (8 * k)) & 255);
        if (k > 0) {
            out[n++] = '.';
        }
    }
    return n;
}

static size_t fmt_hex16(char *out, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[4];
    size_t n = 0;
    v &= 0xffff;
    do {
        tmp[n++] = hex[v & 15];
        v >>= 4;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

/* 2001:db8:XXXX:XXXX:iiii:iiii:iiii:iiii, the IPv6 documentation prefix. */
static size_t fmt_ip6(char *out, const person *p, uint64_t iid)
{
    memcpy(out, "2001:db8:", 9);
    size_t n = 9;
    n += fmt_hex16(out + n, p->ip6_net[0]);
    out[n++] = ':';
    n += fmt_hex16(out + n, p->ip6_net[1]);
    for (int k = 3; k >= 0; k--) {
        out[n++] = ':';
        n += fmt_hex16(out + n, (uint32_t) (iid >> (16 * k)));
    }
    return n;
}

static void write_visits(ctx *c, const person *p)
{
    if (p->visits == 0) {
        return;
    }
    gen_out *o = &c->out[F_VISIT];
    gen_rng r;
    gen_rng_seed(&r, c->opt->seed, TAG_VISIT, p->index);
    uint64_t window = (uint64_t) (c->end - c->opt->start);
    uint64_t nsess = (p->visits + 2) / 3;
    uint64_t slot = window / nsess;
    uint64_t left = p->visits;
    char ipbuf[48], idbuf[20], tbuf[20];
    for (uint64_t s = 0; s < nsess; s++) {
        uint64_t size = s + 1 == nsess ? left : left / (nsess - s);
        if (size > 1 && s + 1 < nsess && gen_pct(&r, 40)) {
            size--;
        }
        left -= size;
        int64_t t = c->opt->start + (int64_t) (s * slot) +
                    (int64_t) gen_below(&r, slot > 3600 ? slot - 3600 : 1);
        size_t ipn;
        unsigned device;
        unsigned where = (unsigned) gen_below(&r, 100);
        if (where < 70) {
            ipn = fmt_ip4(ipbuf, p->ip4);
            device = 0;
        } else if (p->has_ip6) {
            ipn = fmt_ip6(ipbuf, p, gen_next(&r));
            device = 1;
        } else {
            ipn = fmt_ip4(ipbuf, (100u << 24) | (64u << 16) | (uint32_t) gen_below(&r, 1u << 22));
            device = 1;
        }
        const char *ua = user_agents[p->ua[device] % COUNT(user_agents)];
        bool no_ua = gen_pct(&r, 2);
        for (uint64_t k = 0; k < size; k++) {
            if (t >= c->end) {
                t = c->end - 1;
            }
            seal__gen_fmt_id(idbuf, sizeof(idbuf), "WV",
                             gen_hash3(c->opt->seed, TAG_VISIT, c->visit_seq++));
            gen_put(o, "{\"visit_id\":\"", 13);
            gen_put(o, idbuf, 15);
            gen_put(o, "\",\"account_id\":\"", 16);
            gen_put(o, p->account_id, 15);
            gen_put(o, "\",\"at\":\"", 8);
            seal__gen_fmt_time(tbuf, t);
            gen_put(o, tbuf, 20);
            gen_put(o, "\",\"ip\":\"", 8);
            gen_put(o, ipbuf, ipn);
            gen_put(o, "\",\"page\":\"", 10);
            gen_puts(o, k == 0 && gen_pct(&r, 50)
                            ? "/"
                            : pages[seal__gen_pick(&r, page_w, COUNT(page_w))]);
            if (no_ua) {
                gen_put(o, "\"}\n", 3);
            } else {
                gen_put(o, "\",\"user_agent\":\"", 16);
                gen_puts(o, ua);
                gen_put(o, "\"}\n", 3);
            }
            t += (int64_t) gen_range(&r, 4, 240);
        }
        c->counts.web_visits += size;
    }
}

/* One parcel's events, from acceptance to its last scan. */
static void write_parcel(ctx *c, gen_rng *r, const gen_addr *to, const char *sender_account)
{
    gen_out *o = &c->out[F_TRACK];
    char tn[24] = "94";
    uint64_t v = gen_hash3(c->opt->seed, TAG_TRACK, c->track_seq++);
    seal__gen_fmt_fixed(tn + 2, v, 20);
    tn[22] = '\0';
    char addr[256];
    seal__gen_addr_render(r, to, GEN_SPELL_TYPED, addr, sizeof(addr));
    uint32_t origin = (uint32_t) gen_below(r, GEN_NPLACES);
    uint32_t hub = (uint32_t) gen_below(r, GEN_NPLACES);

    /* statuses in order; facility: 0 origin PO, 1 origin plant, 2 hub, 3 dest plant, 4 dest PO */
    static const char *const st[] = {
        "accepted",  "in_transit",  "arrived_at_facility", "out_for_delivery",
        "delivered", "notice_left", "held_at_post_office", "returned_to_sender"};
    int seq[12], fac[12], n = 0;
    seq[n] = 0, fac[n++] = 0;
    seq[n] = 2, fac[n++] = 1;
    seq[n] = 1, fac[n++] = 1;
    if (gen_pct(r, 40)) {
        seq[n] = 2, fac[n++] = 2;
        seq[n] = 1, fac[n++] = 2;
    }
    seq[n] = 2, fac[n++] = 3;
    unsigned ending = (unsigned) gen_below(r, 100);
    if (ending >= 5) {
        seq[n] = 2, fac[n++] = 4;
        seq[n] = 3, fac[n++] = 4;
        if (ending < 85) {
            seq[n] = 4, fac[n++] = 4;
        } else if (ending < 97) {
            seq[n] = 5, fac[n++] = 4;
            seq[n] = 6, fac[n++] = 4;
            seq[n] = 4, fac[n++] = 4;
        } else {
            seq[n] = 5, fac[n++] = 4;
            seq[n] = 6, fac[n++] = 4;
            seq[n] = 7, fac[n++] = 4;
        }
    }
    int64_t t = c->opt->start + (int64_t) gen_below(r, (uint64_t) (c->end - c->opt->start));
    char facility[128], tbuf[20];
    for (int k = 0; k < n; k++) {
        uint32_t place = fac[k] == 0 || fac[k] == 1 ? origin : fac[k] == 2 ? hub : to->place;
        seal__gen_facility(r, place, fac[k] >= 1 && fac[k] <= 3, facility, sizeof(facility));
        gen_put(o, "{\"tracking_number\":\"", 20);
        gen_put(o, tn, 22);
        gen_put(o, "\",\"event_at\":\"", 14);
        seal__gen_fmt_time(tbuf, t);
        gen_put(o, tbuf, 20);
        gen_put(o, "\"", 1);
        seal__gen_put_json_kv(o, false, "facility", facility);
        seal__gen_put_json_kv(o, false, "status", st[seq[k]]);
        seal__gen_put_json_kv(o, false, "recipient_address", addr);
        if (sender_account != NULL) {
            seal__gen_put_json_kv(o, false, "sender_account_id", sender_account);
        }
        gen_put(o, "}\n", 2);
        c->counts.tracking++;
        t += seq[k] == 3 ? (int64_t) gen_range(r, 3600, 9 * 3600)
                         : (int64_t) gen_range(r, 1800, 20 * 3600);
    }
}

static void write_tracking(ctx *c, const person *p)
{
    gen_rng r;
    gen_rng_seed(&r, c->opt->seed, TAG_TRACK, p->index);
    static const unsigned sent_w[] = {70, 15, 8, 4, 2, 1};
    static const unsigned sent_n[] = {0, 1, 2, 3, 5, 9};
    size_t ns = sent_n[seal__gen_pick(&r, sent_w, COUNT(sent_w))];
    for (size_t k = 0; k < ns; k++) {
        gen_addr to;
        if (c->opt->people > 1 && gen_pct(&r, 40)) {
            person q;
            make_person(c, gen_below(&r, c->opt->people), &q);
            to = q.home;
        } else {
            seal__gen_addr_home(&r, &to);
        }
        write_parcel(c, &r, &to, gen_pct(&r, 85) ? p->account_id : NULL);
    }
    static const unsigned recv_w[] = {60, 25, 10, 4, 1};
    static const unsigned recv_n[] = {0, 1, 2, 4, 7};
    size_t nr = recv_n[seal__gen_pick(&r, recv_w, COUNT(recv_w))];
    for (size_t k = 0; k < nr; k++) {
        const gen_addr *to = p->has_business && gen_pct(&r, 30) ? &p->business : &p->home;
        char other[20];
        const char *sender = NULL;
        if (c->opt->people > 0 && gen_pct(&r, 30)) {
            seal__gen_fmt_id(other, sizeof(other), "AC",
                             account_key(c, gen_below(&r, c->opt->people)));
            sender = other;
        }
        write_parcel(c, &r, to, sender);
    }
}

static const char *const brands[] = {"visa", "mastercard", "amex", "discover"};

static void write_payments(ctx *c, const person *p)
{
    if (p->closed != 0 && p->closed < c->opt->start + 86400) {
        return;
    }
    gen_out *o = &c->out[F_PAY];
    gen_rng r;
    gen_rng_seed(&r, c->opt->seed, TAG_PAY, p->index);
    static const unsigned n_w[] = {35, 30, 20, 10, 5};
    static const unsigned n_n[] = {0, 1, 2, 4, 6};
    size_t n = n_n[seal__gen_pick(&r, n_w, COUNT(n_w))];
    char id[20], addr[256], payee[112], tbuf[20];
    for (size_t k = 0; k < n; k++) {
        static const unsigned type_w[] = {55, 25, 12, 8};
        static const char *const types[] = {"card", "money_order", "cash", "check"};
        size_t type = seal__gen_pick(&r, type_w, COUNT(type_w));
        seal__gen_fmt_id(id, sizeof(id), "PY", gen_hash3(c->opt->seed, TAG_PAY, c->pay_seq++));
        /* walk-in purchases name the purchaser instead of an account */
        bool walk_in = (type == 1 && gen_pct(&r, 50)) || (type >= 2 && gen_pct(&r, 40));
        gen_putc(o, '{');
        seal__gen_put_json_kv(o, true, "payment_id", id);
        if (!walk_in) {
            seal__gen_put_json_kv(o, false, "account_id", p->account_id);
        }
        seal__gen_put_json_kv(o, false, "type", types[type]);
        if (type == 0) {
            unsigned card = (unsigned) gen_below(&r, 2);
            char l4[5];
            seal__gen_fmt_fixed(l4, p->card_last4[card], 4);
            l4[4] = '\0';
            seal__gen_put_json_kv(o, false, "card_brand", brands[p->card_brand[card]]);
            seal__gen_put_json_kv(o, false, "card_last4", l4);
        }
        if (walk_in) {
            char nm[128];
            name_variant(&r, p, nm, sizeof(nm));
            seal__gen_put_json_kv(o, false, "purchaser_name", nm);
            seal__gen_addr_render(&r, &p->home, GEN_SPELL_HAND, addr, sizeof(addr));
            seal__gen_put_json_kv(o, false, "purchaser_address", addr);
        }
        uint64_t cents;
        if (type == 1) {
            if (gen_pct(&r, 50)) {
                seal__gen_business_name(&r, payee, sizeof(payee));
            } else {
                random_name(&r, payee, sizeof(payee));
            }
            seal__gen_put_json_kv(o, false, "payee_name", payee);
            cents = gen_range(&r, 20, 1000) * 100 + (gen_pct(&r, 30) ? gen_below(&r, 100) : 0);
            if (cents > 100000) {
                cents = 100000; /* domestic money orders stop at $1,000 */
            }
        } else {
            cents = gen_pct(&r, 70) ? gen_range(&r, 68, 3000) : gen_range(&r, 3000, 60000);
        }
        gen_put(o, ",\"amount_cents\":", 16);
        seal__gen_put_u64(o, cents);
        if (type == 1) {
            char serial[12];
            seal__gen_fmt_fixed(
                serial, gen_hash3(c->opt->seed, TAG_SERIAL, c->pay_seq) % 100000000000ull, 11);
            serial[11] = '\0';
            seal__gen_put_json_kv(o, false, "serial", serial);
        }
        int64_t lo = p->opened > c->opt->start ? p->opened : c->opt->start;
        int64_t hi = p->closed != 0 ? p->closed : c->end;
        int64_t at = lo < hi ? lo + (int64_t) gen_below(&r, (uint64_t) (hi - lo)) : lo;
        seal__gen_fmt_time(tbuf, at);
        gen_put(o, ",\"at\":\"", 7);
        gen_put(o, tbuf, 20);
        gen_put(o, "\"}\n", 3);
        c->counts.payments++;
    }
}

static void write_address_change(ctx *c, const person *p)
{
    gen_rng r;
    gen_rng_seed(&r, c->opt->seed, TAG_COA, p->index);
    if (!gen_pct(&r, 7)) {
        return;
    }
    gen_out *o = &c->out[F_COA];
    char id[20], addr[256], date[11], tbuf[20];
    seal__gen_fmt_id(id, sizeof(id), "CO", gen_hash3(c->opt->seed, TAG_COA, c->coa_seq++));
    bool business = p->has_business && gen_pct(&r, 30);
    const char *scope = business ? "business" : gen_pct(&r, 45) ? "family" : "individual";
    gen_putc(o, '{');
    seal__gen_put_json_kv(o, true, "coa_id", id);
    seal__gen_put_json_kv(o, false, "name", business ? p->business_name : p->name);
    seal__gen_put_json_kv(o, false, "scope", scope);
    seal__gen_addr_render(&r, business ? &p->business : &p->home, GEN_SPELL_TYPED, addr,
                          sizeof(addr));
    seal__gen_put_json_kv(o, false, "old_address", addr);
    gen_addr to;
    gen_rng rm;
    gen_rng_seed(&rm, c->opt->seed, TAG_MOVE, p->index);
    if (business) {
        seal__gen_addr_business(&rm, &to);
    } else {
        seal__gen_addr_home(&rm, &to);
    }
    seal__gen_addr_render(&r, &to, GEN_SPELL_TYPED, addr, sizeof(addr));
    seal__gen_put_json_kv(o, false, "new_address", addr);
    int64_t eff = c->opt->start + (int64_t) gen_below(&r, c->opt->days) * 86400;
    seal__gen_fmt_date(date, eff);
    date[10] = '\0';
    seal__gen_put_json_kv(o, false, "effective_date", date);
    int64_t filed =
        eff - (int64_t) gen_range(&r, 1, 30) * 86400 + (int64_t) gen_range(&r, 7 * 3600, 22 * 3600);
    seal__gen_fmt_time(tbuf, filed);
    gen_put(o, ",\"filed_at\":\"", 13);
    gen_put(o, tbuf, 20);
    gen_put(o, "\"}\n", 3);
    c->counts.address_changes++;
}

/* ---- mail scans -------------------------------------------------------- */

static void write_scan(ctx *c, uint64_t k, uint64_t total)
{
    gen_out *o = &c->out[F_SCAN];
    const seal_gen_options *opt = c->opt;
    gen_rng r;
    gen_rng_seed(&r, opt->seed, TAG_SCAN, k);
    char id[20], tbuf[20], facility[128];
    char sname[128] = "", saddr[256] = "", rname[128] = "", raddr[256], dpc[12] = "";
    seal__gen_fmt_id(id, sizeof(id), "MP", gen_hash3(opt->seed, TAG_PIECE, k));
    int64_t day = opt->start + ((int64_t) opt->days - 1) * 86400;
    int64_t t = day + (int64_t) (k * 86400 / total);
    seal__gen_fmt_time(tbuf, t);
    uint32_t fplace =
        (uint32_t) (gen_hash3(opt->seed, TAG_FACILITY, gen_below(&r, 6)) % GEN_NPLACES);
    seal__gen_facility(&r, fplace, true, facility, sizeof(facility));

    static const char *const classes[] = {"first_class", "marketing", "periodicals",
                                          "package",     "priority",  "express"};
    static const unsigned class_w[] = {38, 45, 5, 7, 4, 1};
    size_t cls = seal__gen_pick(&r, class_w, COUNT(class_w));
    bool hand = cls == 0 && gen_pct(&r, 45);
    gen_spelling how = hand ? GEN_SPELL_HAND : GEN_SPELL_PRINTED;

    /* sender */
    unsigned sk = (unsigned) gen_below(&r, 100);
    bool bulk = cls == 1 || cls == 2;
    gen_addr a;
    if (bulk || (cls == 0 && sk < 45) || (cls >= 3 && sk < 70)) {
        seal__gen_business_name(&r, sname, sizeof(sname));
        seal__gen_addr_business(&r, &a);
        seal__gen_addr_render(&r, &a, GEN_SPELL_PRINTED, saddr, sizeof(saddr));
    } else if (sk < 88) {
        if (opt->people > 0 && gen_pct(&r, 20)) {
            person s;
            make_person(c, gen_below(&r, opt->people), &s);
            name_variant(&r, &s, sname, sizeof(sname));
            a = s.home;
        } else {
            random_name(&r, sname, sizeof(sname));
            seal__gen_addr_home(&r, &a);
        }
        seal__gen_addr_render(&r, &a, hand ? GEN_SPELL_HAND : GEN_SPELL_TYPED, saddr,
                              sizeof(saddr));
    }

    /* recipient: some generated customers (spelled their own way), some
     * near misses next door, most strangers */
    unsigned rk = (unsigned) gen_below(&r, 100);
    const char *relation = "stranger";
    char who[20] = "";
    if (opt->people > 0 && rk < 17) {
        person p;
        make_person(c, gen_below(&r, opt->people), &p);
        memcpy(who, p.account_id, sizeof(who));
        if (rk < 12) {
            bool biz = p.has_business && gen_pct(&r, 15);
            a = biz ? p.business : p.home;
            relation = biz ? "business" : "home";
            name_variant(&r, &p, rname, sizeof(rname));
        } else {
            relation = "near_miss";
            seal__gen_addr_near(&r, &p.home, &a);
            random_name(&r, rname, sizeof(rname));
        }
    } else {
        seal__gen_addr_home(&r, &a);
        random_name(&r, rname, sizeof(rname));
    }
    if (bulk && gen_pct(&r, 25)) {
        static const char *const generic[] = {"Current Resident", "Resident", "Postal Customer",
                                              "Occupant", "CURRENT RESIDENT"};
        snprintf(rname, sizeof(rname), "%s", generic[gen_below(&r, COUNT(generic))]);
    } else if (cls == 0 && gen_pct(&r, 4)) {
        rname[0] = '\0';
    }
    seal__gen_addr_render(&r, &a, how, raddr, sizeof(raddr));
    unsigned dpc_pct = bulk ? 90 : cls >= 3 ? 80 : hand ? 10 : 70;
    char true_dpc[12];
    seal__gen_dpc(&a, true_dpc);
    if (gen_pct(&r, dpc_pct)) {
        memcpy(dpc, true_dpc, sizeof(dpc));
    }
    if (opt->truth) {
        gen_out *tr = &c->out[F_TRUTH];
        gen_puts(tr, id);
        gen_putc(tr, ',');
        gen_puts(tr, relation);
        gen_putc(tr, ',');
        gen_puts(tr, who);
        gen_putc(tr, ',');
        gen_put(tr, true_dpc, 11);
        gen_putc(tr, '\n');
    }

    gen_put(o, id, strlen(id));
    gen_putc(o, ',');
    gen_put(o, tbuf, 20);
    gen_putc(o, ',');
    seal__gen_put_csv(o, facility);
    gen_putc(o, ',');
    gen_puts(o, classes[cls]);
    gen_putc(o, ',');
    seal__gen_put_csv(o, sname);
    gen_putc(o, ',');
    seal__gen_put_csv(o, saddr);
    gen_putc(o, ',');
    seal__gen_put_csv(o, rname);
    gen_putc(o, ',');
    seal__gen_put_csv(o, raddr);
    gen_putc(o, ',');
    gen_puts(o, dpc);
    gen_putc(o, '\n');
    c->counts.scans++;
}

/* ---- files ------------------------------------------------------------- */

static seal_status path_join(seal_buf *b, const char *dir, const char *name, const char *ext)
{
    seal_buf_reset(b);
    seal_status s = seal_buf_append_str(b, dir);
    if (s == SEAL_OK && b->len > 0 && b->data[b->len - 1] != '/') {
        s = seal_buf_append_byte(b, '/');
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, name);
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(b, ext);
    }
    return s;
}

seal_status seal_gen_write(const seal_gen_options *opt, const char *out_dir,
                           seal_gen_progress_fn cb, void *ud, seal_gen_counts *counts,
                           seal_error *err)
{
    seal_status s = seal_gen_options_check(opt, err);
    if (s != SEAL_OK) {
        return s;
    }
    ctx *c = seal_calloc(1, sizeof(*c));
    seal_buf path, path2;
    seal_buf_init(&path);
    seal_buf_init(&path2);
    bool renamed = false;
    int nfiles = opt->truth ? F_COUNT : F_TRUTH;
    if (c == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "generator: out of memory");
    }
    c->opt = opt;
    c->end = opt->start + (int64_t) opt->days * 86400;
    c->visits_avg = opt->visits_per_person != SEAL_GEN_AUTO
                        ? opt->visits_per_person
                        : (opt->days / 3 > 0 ? opt->days / 3 : 1);
    uint64_t scans = opt->scans == SEAL_GEN_AUTO ? opt->people : opt->scans;

    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        s = seal_error_set(err, SEAL_IO, "%s: cannot create directory: %s", out_dir,
                           strerror(errno));
        goto out;
    }
    for (int f = 0; f < nfiles; f++) {
        s = path_join(&path, out_dir, file_names[f], ".tmp");
        if (s != SEAL_OK) {
            s = seal_error_set(err, s, "generator: out of memory");
            goto out;
        }
        c->out[f].buf = seal_malloc(GEN_OUT_CAP);
        if (c->out[f].buf == NULL) {
            s = seal_error_set(err, SEAL_NOMEM, "generator: out of memory");
            goto out;
        }
        c->out[f].f = fopen(seal_buf_str(&path), "wb");
        if (c->out[f].f == NULL) {
            s = seal_error_set(err, SEAL_IO, "%s: cannot create: %s", seal_buf_str(&path),
                               strerror(errno));
            goto out;
        }
    }

    if (opt->truth) {
        gen_puts(&c->out[F_TRUTH], "piece_id,relation,account_id,dpc\n");
    }
    gen_puts(&c->out[F_SCAN], "piece_id,scanned_at,facility,class,sender_name,sender_address,"
                              "recipient_name,recipient_address,recipient_dpc\n");
    for (uint64_t i = 0; i < opt->people; i++) {
        person p;
        make_person(c, i, &p);
        write_account(c, &p);
        write_visits(c, &p);
        write_tracking(c, &p);
        write_payments(c, &p);
        write_address_change(c, &p);
        if (cb != NULL && ((i + 1) & 16383) == 0) {
            cb("people", i + 1, opt->people, ud);
        }
    }
    if (cb != NULL) {
        cb("people", opt->people, opt->people, ud);
    }
    for (uint64_t k = 0; k < scans; k++) {
        write_scan(c, k, scans);
        if (cb != NULL && ((k + 1) & 16383) == 0) {
            cb("scans", k + 1, scans, ud);
        }
    }
    if (cb != NULL) {
        cb("scans", scans, scans, ud);
    }

    for (int f = 0; f < nfiles; f++) {
        gen_out *o = &c->out[f];
        seal__gen_out_flush(o);
        bool bad = o->failed || ferror(o->f) != 0;
        int e = errno;
        if (fclose(o->f) != 0) {
            bad = true;
            e = errno;
        }
        o->f = NULL;
        if (bad) {
            s = seal_error_set(err, SEAL_IO, "%s: write failed: %s", file_names[f], strerror(e));
            goto out;
        }
    }
    for (int f = 0; f < nfiles; f++) {
        if (path_join(&path, out_dir, file_names[f], ".tmp") != SEAL_OK ||
            path_join(&path2, out_dir, file_names[f], "") != SEAL_OK) {
            s = seal_error_set(err, SEAL_NOMEM, "generator: out of memory");
            goto out;
        }
        if (rename(seal_buf_str(&path), seal_buf_str(&path2)) != 0) {
            s = seal_error_set(err, SEAL_IO, "%s: cannot rename into place: %s",
                               seal_buf_str(&path2), strerror(errno));
            goto out;
        }
    }
    renamed = true;
    if (!opt->truth && path_join(&path, out_dir, file_names[F_TRUTH], "") == SEAL_OK) {
        (void) unlink(seal_buf_str(&path)); /* a stale truth would lie about these scans */
    }
    if (counts != NULL) {
        *counts = c->counts;
    }
    s = SEAL_OK;

out:
    for (int f = 0; f < F_COUNT; f++) {
        if (c->out[f].buf == NULL) {
            continue; /* never opened */
        }
        if (c->out[f].f != NULL) {
            fclose(c->out[f].f);
        }
        if (!renamed && path_join(&path, out_dir, file_names[f], ".tmp") == SEAL_OK) {
            (void) unlink(seal_buf_str(&path));
        }
        seal_free(c->out[f].buf);
    }
    seal_free(c);
    seal_buf_cleanup(&path);
    seal_buf_cleanup(&path2);
    return s;
}

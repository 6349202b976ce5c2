/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The evaluator: a pure function from (policy, parsed request, options) to a
 * decision listing every rule that fires, in LAW.md order. It reads the
 * precomputed tables of policy_int.h and the parsed request's fields, so a
 * decision is a few dozen comparisons (the bench keeps it under 1 us). Rules
 * that need stored state (registered agencies and issuers, delegations,
 * cumulative cover days, protective orders) belong to the lifecycle; the
 * protective-order check is reached through the options' hook.
 */
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"
#include "request/request_int.h"
#include "sealed/time.h"

#define DAY 86400

static void add(seal_decision *d, seal_severity sev, const char *code, const char *rule,
                const char *pointer, const char *message)
{
    if (d->n_reasons >= SEAL_DECISION_MAX_REASONS) {
        d->n_dropped++;
        if (sev == SEAL_SEVERITY_REFUSE) {
            d->verdict = SEAL_VERDICT_REFUSED;
        }
        return;
    }
    seal__reason_set(&d->reasons[d->n_reasons++], sev, code, rule, pointer, message);
    if (sev == SEAL_SEVERITY_REFUSE) {
        d->verdict = SEAL_VERDICT_REFUSED;
    }
}

static void refuse(seal_decision *d, const char *code, const char *rule, const char *pointer,
                   const char *message)
{
    add(d, SEAL_SEVERITY_REFUSE, code, rule, pointer, message);
}

/* ---- signed orders (DESIGN.md "Signed orders") --------------------------- */

static const char *line_pointer(const char *kw, size_t n)
{
    static const struct {
        const char *kw;
        const char *ptr;
    } map[] = {
        {"issuer", "/legal_basis/order"},
        {"agency", "/agency"},
        {"reference", "/legal_basis/reference"},
        {"type", "/legal_basis/type"},
        {"subjects", "/subjects"},
        {"categories", "/categories"},
        {"window", "/window"},
        {"expires", "/legal_basis/expires_at"},
        {"notice-delay-until", "/legal_basis/notice_delay_until"},
        {"cover", "/cover"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strlen(map[i].kw) == n && memcmp(map[i].kw, kw, n) == 0) {
            return map[i].ptr;
        }
    }
    return NULL;
}

/* Finds the line starting with "kw " in text[0..len); its length in *ll. */
static const char *find_line(const char *text, size_t len, const char *kw, size_t kwl, size_t *ll)
{
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl != NULL ? (size_t) (nl - text) : len;
        if (e - i > kwl && memcmp(text + i, kw, kwl) == 0 && text[i + kwl] == ' ') {
            *ll = e - i;
            return text + i;
        }
        i = e + 1;
    }
    return NULL;
}

static void check_order(const seal_request *r, const seal_check_options *o, const char *rule,
                        seal_decision *d)
{
    if (o->skip_signatures) {
        return;
    }
    size_t text_len = 0;
    const seal_note_verifier *signer = NULL;
    for (size_t i = 0; i < o->n_issuers; i++) {
        seal_status s =
            seal_note_verify(r->order, r->order_len, &o->issuers[i], 1, &text_len, NULL);
        if (s == SEAL_OK) {
            signer = o->issuers[i];
            break;
        }
        if (s == SEAL_VERIFY) {
            refuse(d, "order.bad_signature", rule, "/legal_basis/order",
                   "the order's signature does not verify: forged or altered");
            return;
        }
        if (s == SEAL_CORRUPT) {
            refuse(d, "order.malformed", rule, "/legal_basis/order",
                   "the order is not a signed note");
            return;
        }
    }
    if (signer == NULL) {
        refuse(d, "order.unknown_issuer", rule, "/legal_basis/order",
               "the order is not signed by a registered issuer");
        return;
    }
    if (!r->well_formed) {
        return; /* its lines cannot be recomputed; the problems already refuse */
    }
    seal_buf want;
    seal_buf_init(&want);
    if (seal_request_order_text(r, seal_note_verifier_name(signer), &want, NULL) != SEAL_OK) {
        refuse(d, "order.mismatch", rule, "/legal_basis/order",
               "the order's lines cannot be recomputed from the request");
        goto out;
    }
    const char *text = r->order;
    static const char head[] = SEAL_ORDER_FORMAT "\n";
    const size_t hl = sizeof(head) - 1;
    if (text_len >= hl && memcmp(text, "sealed-order/v1\n", hl) == 0) {
        /* PA-2: a v1 order does not name the agency it serves */
        refuse(d, "order.version", rule, "/legal_basis/order",
               "the order is sealed-order/v1, which does not bind the agency: have the issuer "
               "re-sign it as " SEAL_ORDER_FORMAT " (sealctl order sign)");
        goto out;
    }
    if (text_len < hl || memcmp(text, head, hl) != 0) {
        refuse(d, "order.malformed", rule, "/legal_basis/order",
               "the order's text does not start with " SEAL_ORDER_FORMAT);
        goto out;
    }
    /* every expected line must stand in the order, and every order line must
     * be expected: compare by keyword so each mismatch names its field */
    const char *w = (const char *) want.data;
    size_t wl = want.len;
    for (int pass = 0; pass < 2; pass++) {
        const char *a = pass == 0 ? w : text;
        size_t al = pass == 0 ? wl : text_len;
        const char *b = pass == 0 ? text : w;
        size_t bl = pass == 0 ? text_len : wl;
        size_t i = hl;
        while (i < al) {
            const char *nl = memchr(a + i, '\n', al - i);
            size_t e = nl != NULL ? (size_t) (nl - a) : al;
            const char *sp = memchr(a + i, ' ', e - i);
            size_t kwl = sp != NULL ? (size_t) (sp - (a + i)) : e - i;
            const char *ptr = line_pointer(a + i, kwl);
            size_t ll = 0;
            const char *other = ptr != NULL ? find_line(b, bl, a + i, kwl, &ll) : NULL;
            bool same = other != NULL && ll == e - i && memcmp(other, a + i, ll) == 0;
            if (ptr == NULL) {
                refuse(d, "order.malformed", rule, "/legal_basis/order",
                       "the order holds a line " SEAL_ORDER_FORMAT " does not define");
            } else if (!same && (pass == 0 || other == NULL)) {
                char m[SEAL_REASON_MESSAGE_MAX];
                snprintf(m, sizeof(m), "the order's %.*s line does not match the request",
                         (int) kwl, a + i);
                refuse(d, "order.mismatch", rule, ptr, m);
            }
            i = e + 1;
        }
    }
out:
    seal_buf_cleanup(&want);
}

/* ---- the rules --------------------------------------------------------- */

static void basis_rules(const seal_policy *p, const seal_request *r, const seal_check_options *o,
                        seal_decision *d)
{
    int b = r->basis;
    bool cover = b == SEAL_BASIS_MAIL_COVER;
    /* PA-2: the process is in force now: issued <= now < expires (DESIGN.md) */
    if (r->has_issued && r->issued_at > o->now) {
        refuse(d, "basis.not_yet_issued", "PA-2", "/legal_basis/issued_at",
               "the legal process is dated in the future");
    }
    if (r->has_expires && r->expires_at <= o->now) {
        refuse(d, "basis.expired", "PA-2", "/legal_basis/expires_at",
               "the legal process has expired");
    }
    /* MC-3 / PA-2: specific facts, not boilerplate-short */
    if (r->facts != NULL && (int64_t) r->facts_chars < p->facts_min) {
        char m[SEAL_REASON_MESSAGE_MAX];
        snprintf(m, sizeof(m), "the facts must be stated specifically: at least %lld characters",
                 (long long) p->facts_min);
        refuse(d, "facts.too_short", cover ? "MC-3" : "PA-2", "/legal_basis/facts", m);
    }
    /* PA-2 / MC-1: the activity served, with its statute */
    if (r->purpose >= 0 && p->offense_required[r->purpose] && r->offense == NULL &&
        !(cover && r->cover.ground == SEAL_GROUND_CRIME)) {
        refuse(d, "purpose.offense_missing", "PA-2", "/purpose/offense",
               "this purpose cites the statute of the offense");
    }
    /* signed orders: MC-2 for covers, PA-5 where a category needs one, else PA-2 */
    bool emergency_cover = cover && r->emergency_present;
    bool need = p->signed_order[b] && !(emergency_cover && !p->signed_order_in_emergency);
    const char *rule = cover ? "MC-2" : "PA-2";
    if (!need && (r->categories & p->cats_need_order) && !emergency_cover) {
        need = true;
        rule = "PA-5";
    }
    if (r->order != NULL) {
        check_order(r, o, rule, d);
    } else if (need) {
        refuse(d, "order.required", rule, "/legal_basis/order",
               "this policy requires an order signed by a registered issuer");
    }
    /* PA-3: the purpose is compatible with the basis */
    if (r->purpose >= 0) {
        if (!(p->purpose_bases[r->purpose] & (1u << b))) {
            refuse(d, "purpose.basis", "PA-3", "/legal_basis/type",
                   "this legal basis cannot serve this purpose under the policy");
        } else if ((r->categories & p->customer_cats) &&
                   !(p->purpose_customer_bases[r->purpose] & (1u << b))) {
            refuse(d, "purpose.warrant_required", "PA-3", "/legal_basis/type",
                   "this purpose reaches data collected for customer service only with a "
                   "judicial warrant");
        }
    }
    /* PA-5: each category the basis does not unlock, each in its own reason;
     * PA-9: preservation discloses nothing at all */
    if (r->categories == 0 && b != SEAL_BASIS_PRESERVATION && r->n_problems == 0) {
        refuse(d, "categories.empty", "PA-2", "/categories",
               "a request names the particular portion of the record it wants");
    }
    if (b == SEAL_BASIS_PRESERVATION) {
        if (r->categories != 0) {
            refuse(d, "preservation.categories", "PA-9", "/categories",
                   "preservation freezes records and discloses nothing: categories must be empty");
        }
    } else if (r->categories & ~p->unlock[b]) {
        for (int c = 0; c < SEAL_CAT_COUNT; c++) {
            if ((r->categories & ~p->unlock[b]) & (1u << c)) {
                char ptr[32], m[SEAL_REASON_MESSAGE_MAX];
                snprintf(ptr, sizeof(ptr), "/categories/%u", (unsigned) r->cat_index[c]);
                snprintf(m, sizeof(m), "the %s basis does not unlock %s",
                         seal_basis_name((seal_basis) b), seal_category_name((seal_category) c));
                refuse(d, "category.locked", "PA-5", ptr, m);
            }
        }
    }
}

static void particularity(const seal_policy *p, const seal_request *r, seal_decision *d)
{
    /* PA-6: named subjects up to the policy cap, a bounded window. The parser
     * already refuses documents without them; this holds for any caller. */
    if (r->n_problems == 0 && r->n_subjects == 0) {
        refuse(d, "subject.none", "PA-6", "/subjects", "a request names at least one subject");
    }
    if (r->n_problems == 0 && !r->has_window) {
        refuse(d, "window.missing", "PA-6", "/window", "a request names a bounded window");
    }
    if ((int64_t) r->n_subjects > p->subjects_max) {
        char m[SEAL_REASON_MESSAGE_MAX];
        snprintf(m, sizeof(m),
                 "%zu subjects; this policy allows at most %lld per request: refer to a court",
                 r->n_subjects, (long long) p->subjects_max);
        refuse(d, "subjects.too_many", "PA-6", "/subjects", m);
    }
    if (r->has_window) {
        int64_t days = (r->win_to - r->win_from) / DAY + 1;
        if (days > p->window_days_max) {
            char m[SEAL_REASON_MESSAGE_MAX];
            snprintf(m, sizeof(m), "the window is %lld days; this policy allows at most %lld",
                     (long long) days, (long long) p->window_days_max);
            refuse(d, "window.too_long", "PA-6", "/window", m);
        }
    }
}

static void cover_rules(const seal_policy *p, const seal_request *r, const seal_check_options *o,
                        seal_decision *d)
{
    const seal__cover *c = &r->cover;
    /* MC-1: the ground matches the purpose; a crime ground cites the statute */
    if (c->ground >= 0) {
        if (r->purpose >= 0 && p->ground_purpose[c->ground] != r->purpose) {
            refuse(d, "cover.ground_purpose", "MC-1", "/cover/ground",
                   "the cover's ground does not match the purpose's activity");
        }
        if (c->ground == SEAL_GROUND_CRIME && r->offense == NULL) {
            refuse(d, "cover.statute_missing", "MC-1", "/purpose/offense",
                   "a crime ground cites the statute (punishable by more than a year)");
        }
        /* MC-6: no cover on a crime-type ground once the subject is indicted */
        if (c->indicted == 1 && c->ground != SEAL_GROUND_FUGITIVE &&
            c->ground != SEAL_GROUND_FORFEITURE) {
            refuse(d, "cover.indicted", "MC-6", "/cover/indicted",
                   "the subject is indicted: only fugitive and forfeiture covers continue");
        }
    }
    /* MC-3: a supervisor is named (presence is a schema rule) */
    /* MC-4: one subject address, and the named subjects at it */
    if (c->addr_key != SEAL__NO_KEY) {
        const char *ck = seal__req_key(r, c->addr_key);
        bool at = false;
        for (size_t i = 0; i < r->n_subjects; i++) {
            const seal__subject *s = &r->subjects[i];
            char ptr[32];
            snprintf(ptr, sizeof(ptr), "/subjects/%zu", i);
            if (!s->ok) {
                continue;
            }
            if (s->addr_key == SEAL__NO_KEY) {
                refuse(d, "cover.subject_type", "MC-4", ptr,
                       "a cover names persons or the address at the cover address only");
            } else if (strcmp(seal__req_key(r, s->addr_key), ck) != 0) {
                refuse(d, "cover.many_addresses", "MC-4", ptr,
                       "a cover has one subject address; this subject is elsewhere");
            } else {
                at = true;
            }
        }
        if (!at && r->n_subjects > 0) {
            refuse(d, "cover.address_not_subject", "MC-4", "/cover/address",
                   "the cover address is not a named subject's address");
        }
    }
    /* MC-5: period limits, window = cover period, start from today forward */
    if (c->days > 0) {
        int64_t max = c->extends != NULL                           ? p->cover_extension
                      : c->ground == SEAL_GROUND_NATIONAL_SECURITY ? p->ns_first
                      : c->ground == SEAL_GROUND_FUGITIVE          ? p->cover_first_fugitive
                                                                   : p->cover_first;
        if (c->ground == SEAL_GROUND_NATIONAL_SECURITY && c->extends != NULL) {
            max = p->ns_cumulative - p->ns_first;
        }
        if (c->days > max) {
            char m[SEAL_REASON_MESSAGE_MAX];
            snprintf(m, sizeof(m), "%s is at most %lld days under this policy",
                     c->extends != NULL ? "an extension" : "a first period", (long long) max);
            refuse(d, "cover.too_long", "MC-5", "/cover/days", m);
        }
        if (c->has_start) {
            int64_t end = c->start + (c->days - 1) * DAY;
            if (r->has_window && (r->win_from != c->start || r->win_to != end)) {
                refuse(d, "window.cover_mismatch", "MC-5", "/window",
                       "a cover's window equals its period: start to start + days - 1");
            }
            if (c->start < seal_time_day(o->now) * DAY) {
                refuse(d, "cover.start_past", "MC-5", "/cover/start",
                       "a cover records from its start date forward, not in the past");
            }
            if (r->has_expires && end >= r->expires_at) {
                refuse(d, "cover.beyond_expiry", "MC-5", "/cover/days",
                       "the cover period runs past the legal process's expiry");
            }
        }
    }
}

static void emergency_rules(const seal_policy *p, const seal_request *r,
                            const seal_check_options *o, seal_decision *d)
{
    /* PA-7 / MC-9: an attestation of danger of death or serious injury */
    const char *rule = r->basis == SEAL_BASIS_MAIL_COVER ? "MC-9" : "PA-7";
    if (r->attestation != NULL && (int64_t) r->attestation_chars < p->attestation_min) {
        char m[SEAL_REASON_MESSAGE_MAX];
        snprintf(m, sizeof(m),
                 "the danger of death or serious injury must be stated: at least %lld characters",
                 (long long) p->attestation_min);
        refuse(d, "emergency.attestation_short", rule, "/emergency/attestation", m);
    }
    /* PA-7: an emergency disclosure is served before any review, so it is
     * held to what the danger needs: few subjects, a short window that ends
     * by the day it is asked. An emergency mail cover keeps MC-5's period
     * rules instead (a cover records forward from its start). */
    if (r->basis != SEAL_BASIS_EMERGENCY) {
        return;
    }
    if ((int64_t) r->n_subjects > p->emergency_subjects_max) {
        char m[SEAL_REASON_MESSAGE_MAX];
        snprintf(m, sizeof(m),
                 "%zu subjects; an emergency names at most %lld under this policy: the rest "
                 "need proper process",
                 r->n_subjects, (long long) p->emergency_subjects_max);
        refuse(d, "emergency.subjects_too_many", "PA-7", "/subjects", m);
    }
    if (r->has_window) {
        int64_t today = seal_time_day(o->now) * DAY;
        if (r->win_to > today) {
            refuse(d, "emergency.window_future", "PA-7", "/window/to",
                   "an emergency window ends at the latest on the day it is submitted");
        }
        if (r->win_from < today - (p->emergency_window_days_max - 1) * DAY) {
            char m[SEAL_REASON_MESSAGE_MAX];
            snprintf(m, sizeof(m),
                     "an emergency window lies within the %lld days up to the day it is submitted",
                     (long long) p->emergency_window_days_max);
            refuse(d, "emergency.window_too_long", "PA-7", "/window/from", m);
        }
    }
}

static void notice_rules(const seal_policy *p, const seal_request *r, const seal_check_options *o,
                         seal_decision *d)
{
    /* PA-8: each delay at most the policy's days from now (a date, inclusive) */
    if (!r->has_notice) {
        return;
    }
    int64_t today = seal_time_day(o->now) * DAY;
    if (r->notice_until < today) {
        refuse(d, "notice.delay_past", "PA-8", "/legal_basis/notice_delay_until",
               "a delay of notice ends in the future");
    } else if (r->notice_until > today + p->notice_days_max * DAY) {
        char m[SEAL_REASON_MESSAGE_MAX];
        snprintf(m, sizeof(m),
                 "a delay of notice is at most %lld days from today; a renewal needs a new order",
                 (long long) p->notice_days_max);
        refuse(d, "notice.delay_too_long", "PA-8", "/legal_basis/notice_delay_until", m);
    } else {
        d->notice_delay_until = r->notice_until;
    }
}

static unsigned protected_rules(const seal_policy *p, const seal_request *r,
                                const seal_check_options *o, seal_decision *d, int *extra_role)
{
    /* PA-11: protected addresses need the bases the policy names */
    unsigned extra = 0;
    if (o->protect == NULL) {
        return 0;
    }
    for (size_t i = 0; i <= r->n_subjects; i++) {
        uint32_t key = i < r->n_subjects ? r->subjects[i].addr_key : r->cover.addr_key;
        if (key == SEAL__NO_KEY) {
            continue;
        }
        unsigned kinds = o->protect(o->protect_ud, seal__req_key(r, key));
        char ptr[40];
        if (i < r->n_subjects) {
            snprintf(ptr, sizeof(ptr), "/subjects/%zu/address", i);
        } else {
            snprintf(ptr, sizeof(ptr), "/cover/address");
        }
        for (int k = 0; k < SEAL_PROTECT_KIND_COUNT; k++) {
            if (!(kinds & (1u << k))) {
                continue;
            }
            if (!(p->protect[k].bases & (1u << r->basis))) {
                refuse(d, k == SEAL_PROTECT_ORDER ? "address.protected" : "address.sensitive",
                       "PA-11", ptr,
                       k == SEAL_PROTECT_ORDER
                           ? "this address is under a protective order: only a court order or "
                             "warrant reaches it"
                           : "this protected address is not reachable on this legal basis");
            } else if (p->protect[k].extra > extra) {
                extra = p->protect[k].extra;
                *extra_role = p->protect[k].extra_role;
            }
        }
    }
    return extra;
}

void seal_check_options_init(seal_check_options *o, int64_t now)
{
    memset(o, 0, sizeof(*o));
    o->now = now;
}

void seal_policy_check(const seal_policy *p, const seal_request *r, const seal_check_options *o,
                       seal_decision *d)
{
    d->verdict = SEAL_VERDICT_APPROVED;
    d->policy_name = p->name;
    d->policy_sha256 = p->sha256;
    d->approvers = 0;
    d->approver_role = NULL;
    d->extra_approvers = 0;
    d->extra_role = NULL;
    d->follow_up_by = 0;
    d->notice_delay_until = 0;
    d->n_reasons = 0;
    d->n_dropped = r->n_dropped;
    for (size_t i = 0; i < r->n_problems; i++) {
        const seal_reason *x = &r->problems[i];
        if (d->n_reasons < SEAL_DECISION_MAX_REASONS) {
            d->reasons[d->n_reasons++] = *x;
        } else {
            d->n_dropped++;
        }
        d->verdict = SEAL_VERDICT_REFUSED;
    }
    if (r->n_dropped > 0) {
        d->verdict = SEAL_VERDICT_REFUSED;
    }
    if (!r->json_ok || (r->root != NULL && !json_is_object(r->root))) {
        return;
    }
    if (r->basis >= 0) {
        basis_rules(p, r, o, d);
    }
    particularity(p, r, d);
    if (r->basis == SEAL_BASIS_MAIL_COVER && r->cover.present) {
        cover_rules(p, r, o, d);
    }
    if (r->emergency_present) {
        emergency_rules(p, r, o, d);
    }
    notice_rules(p, r, o, d);
    int extra_role = SEAL__ROLE_HQ_APPROVER;
    unsigned extra = r->basis >= 0 ? protected_rules(p, r, o, d, &extra_role) : 0;
    if (d->verdict == SEAL_VERDICT_REFUSED || r->basis < 0) {
        return;
    }
    /* Review (MC-2, PA-2) and emergency follow-up (PA-7, MC-9) */
    int b = r->basis;
    bool cover = b == SEAL_BASIS_MAIL_COVER;
    if (r->emergency_present) {
        char m[SEAL_REASON_MESSAGE_MAX], when[24];
        d->follow_up_by = o->now + p->follow_up_hours * 3600;
        seal_time_format(when, sizeof(when), d->follow_up_by);
        snprintf(m, sizeof(m),
                 "proper written process must follow within %lld hours, by %s, or the %s ends "
                 "and is reported",
                 (long long) p->follow_up_hours, when, cover ? "cover" : "disclosure");
        add(d, SEAL_SEVERITY_NOTE, "emergency.follow_up", cover ? "MC-9" : "PA-7", "/emergency", m);
    }
    d->approvers = p->approvers[b];
    d->approver_role = seal__role_name(p->approver_role[b]);
    if (p->approvers[b] > 0) {
        add(d, SEAL_SEVERITY_REVIEW, "review.required", cover ? "MC-2" : "PA-2", "",
            p->review_msg[b]);
    }
    if (cover && r->cover.all_at_address && p->all_at_address_extra > 0) {
        d->approvers += p->all_at_address_extra;
        add(d, SEAL_SEVERITY_REVIEW, "cover.all_at_address", "MC-4", "/cover/all_at_address",
            "covering everyone at the address needs a further approver");
    }
    if (extra > 0) {
        char m[SEAL_REASON_MESSAGE_MAX];
        d->extra_approvers = extra;
        d->extra_role = seal__role_name(extra_role);
        snprintf(m, sizeof(m), "a protected address: %u further approval%s by %s", extra,
                 extra == 1 ? "" : "s", seal__role_name(extra_role));
        add(d, SEAL_SEVERITY_REVIEW, "address.protected_review", "PA-11", "", m);
    }
    if (d->verdict != SEAL_VERDICT_REFUSED) {
        d->verdict = SEAL_VERDICT_APPROVED;
        for (size_t i = 0; i < d->n_reasons; i++) {
            if (d->reasons[i].severity == SEAL_SEVERITY_REVIEW) {
                d->verdict = SEAL_VERDICT_REVIEW;
            }
        }
    }
}

/* ---- output ------------------------------------------------------------ */

static seal_status json_str(seal_buf *b, const char *s)
{
    seal_status st = seal_buf_append_byte(b, '"');
    for (const unsigned char *q = (const unsigned char *) s; *q != '\0' && st == SEAL_OK; q++) {
        if (*q == '"' || *q == '\\') {
            char e[2] = {'\\', (char) *q};
            st = seal_buf_append(b, e, 2);
        } else if (*q < 0x20) {
            st = seal_buf_printf(b, "\\u%04x", *q);
        } else {
            st = seal_buf_append_byte(b, *q);
        }
    }
    if (st == SEAL_OK) {
        st = seal_buf_append_byte(b, '"');
    }
    return st;
}

seal_status seal_decision_json(const seal_decision *d, seal_buf *out)
{
    seal_status s = seal_buf_printf(
        out, "{\"decision\": \"%s\", \"policy\": {\"name\": ", seal_verdict_name(d->verdict));
    if (s == SEAL_OK) {
        s = json_str(out, d->policy_name);
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(out, ", \"sha256\": \"%s\"}, \"reasons\": [", d->policy_sha256);
    }
    for (size_t i = 0; i < d->n_reasons && s == SEAL_OK; i++) {
        const seal_reason *x = &d->reasons[i];
        s = seal_buf_printf(out, "%s{\"code\": \"%s\", \"rule\": \"%s\", \"pointer\": ",
                            i > 0 ? ", " : "", x->code, x->rule);
        if (s == SEAL_OK) {
            s = json_str(out, x->pointer);
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_str(out, ", \"message\": ");
        }
        if (s == SEAL_OK) {
            s = json_str(out, x->message);
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_byte(out, '}');
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_str(out, "]}");
    }
    return s;
}

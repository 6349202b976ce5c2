/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request lifecycle (issue 4; DESIGN.md "The flow", steps 2-5):
 *
 *   submit -> policy check -> review -> approved / denied -> active
 *          -> expired / closed
 *
 * Submission stores the document exactly as submitted (MC-13), encrypted,
 * and checks it under the policy with the registry's issuers and protected
 * addresses, then the rules that need state: a registered agency and a
 * requester of it valid that day (PA-2), national-security authority (MC-2),
 * extensions of an existing cover within the cumulative cap (MC-5) and not
 * after an indictment (MC-6), follow-ups of emergencies (MC-9, PA-7), and a
 * legal basis serving one accepted request (PA-2, MC-13: basis.reused, kept
 * as keyed hashes; --supersedes for a denied or refused one). Consent waits
 * in consent_pending until the subject confirms it (PA-2). A refused
 * submission keeps its decision and keyed digest, not its document.
 * Review enforces who may approve (MC-2, PA-2); the sweep enforces every
 * deadline by the clock, with no manual override (MC-5, MC-9, PA-7, PA-8,
 * PA-9). Every transition is one ledger event carrying the policy's SHA-256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/crypto.h"
#include "registry/registry_int.h"
#include "request/request_int.h"
#include "sealed/address.h"
#include "sealed/alloc.h"
#include "sealed/retain.h"
#include "sealed/time.h"
#include "store/std.h"

#define DAY SEAL__DAY
#define ROLE(r) (1u << (r))
#define APPROVER_ROLES                                                                             \
    (ROLE(SEAL_ROLE_REVIEWER) | ROLE(SEAL_ROLE_COVER_APPROVER) | ROLE(SEAL_ROLE_HQ_APPROVER) |     \
     ROLE(SEAL_ROLE_PRIVACY_OFFICER))
#define MAX_ISSUERS 64

static void reason(seal_decision *d, seal_severity sev, const char *code, const char *rule,
                   const char *pointer, const char *message)
{
    if (d->n_reasons >= SEAL_DECISION_MAX_REASONS) {
        d->n_dropped++;
    } else {
        seal__reason_set(&d->reasons[d->n_reasons++], sev, code, rule, pointer, message);
    }
    if (sev == SEAL_SEVERITY_REFUSE) {
        d->verdict = SEAL_VERDICT_REFUSED;
    } else if (sev == SEAL_SEVERITY_REVIEW && d->verdict == SEAL_VERDICT_APPROVED) {
        d->verdict = SEAL_VERDICT_REVIEW;
    }
}

static bool is_cover(const seal_reg_request *row)
{
    return row->basis == SEAL_BASIS_MAIL_COVER;
}

static const char *rule_of(const seal_reg_request *row, const char *cover_rule, const char *rule)
{
    return is_cover(row) ? cover_rule : rule;
}

/* ---- trusted issuers and protected addresses from the registry ----------------------- */

typedef struct issuers {
    seal_note_verifier *v[MAX_ISSUERS];
    const seal_note_verifier *all[MAX_ISSUERS];
    size_t n_own, n;
} issuers;

static seal_status add_issuer(const seal_reg_issuer *row, void *ud)
{
    issuers *is = ud;
    if (is->n_own >= MAX_ISSUERS) {
        return SEAL_LIMIT;
    }
    seal_note_verifier *v = NULL;
    if (seal_note_verifier_new(row->vkey, strlen(row->vkey), &v, NULL) == SEAL_OK) {
        is->v[is->n_own++] = v;
    }
    return SEAL_OK;
}

static void issuers_free(issuers *is)
{
    for (size_t i = 0; i < is->n_own; i++) {
        seal_note_verifier_free(is->v[i]);
    }
}

typedef struct protect_set {
    const seal_box *box;
    uint8_t (*hash)[SEAL_REG_HASH];
    size_t n, cap;
} protect_set;

static seal_status add_protect(const seal_reg_protect *row, void *ud)
{
    protect_set *ps = ud;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap == 0 ? 16 : 2 * ps->cap;
        void *p = seal_realloc(ps->hash, cap * sizeof(*ps->hash));
        if (p == NULL) {
            return SEAL_NOMEM;
        }
        ps->hash = p;
        ps->cap = cap;
    }
    memcpy(ps->hash[ps->n++], row->hash, SEAL_REG_HASH);
    return SEAL_OK;
}

/* The evaluator's PA-11 hook: pure, reads the set loaded before the check. */
static unsigned protect_hook(void *ud, const char *address_key)
{
    const protect_set *ps = ud;
    uint8_t h[SEAL_REG_HASH];
    seal_box_hash(ps->box, "protect", address_key, strlen(address_key), h);
    for (size_t i = 0; i < ps->n; i++) {
        if (memcmp(ps->hash[i], h, SEAL_REG_HASH) == 0) {
            return 1u << SEAL_PROTECT_ORDER;
        }
    }
    return 0;
}

/* ---- shared pieces --------------------------------------------------------------------- */

static void policy_hash(const seal_policy *p, uint8_t out[SEAL_REG_HASH])
{
    if (seal_hex_decode(out, SEAL_REG_HASH, seal_policy_sha256(p), 64) != SEAL_OK) {
        memset(out, 0, SEAL_REG_HASH);
    }
}

static seal_status event(seal_registry *reg, const seal_reg_request *row, const char *type,
                         const char *extra_name, const char *extra, seal_error *err)
{
    const char *ids[] = {"request",
                         row->id,
                         "agency",
                         row->agency,
                         "actor",
                         reg->has_principal ? reg->me.id : NULL,
                         "cover",
                         row->cover,
                         "follows",
                         row->link,
                         "basis",
                         seal_basis_name((seal_basis) row->basis),
                         extra_name != NULL ? extra_name : "x",
                         extra};
    return seal__reg_event(reg, type, ids, 7, row->policy_sha, NULL, err);
}

static int64_t days_left(int64_t end, int64_t today)
{
    return end >= today ? (end - today) / DAY + 1 : 0;
}

/* The policy a stored request was checked under; its hash must not have
 * changed since (a decision is only as good as the rules it was made by). */
static seal_status policy_of(seal_registry *reg, const seal_reg_request *row, seal_policy **p,
                             seal_error *err)
{
    /* found by name and hash: shipped, or kept in registry.db when it was
     * of record, so a later `policy set` does not change it */
    seal_status s = seal__reg_policy_of(reg, row->policy, row->policy_sha, p, err);
    if (s != SEAL_OK) {
        s = seal_error_set(err, SEAL_VERIFY, "request %s: policy %s changed since it was checked",
                           row->id, row->policy);
    }
    return s;
}

/* ---- emergencies (PA-7, MC-9) ----------------------------------------------------------- */

/* An emergency still owes its follow-up: not confirmed, not yet a
 * violation, and not closed before any production (a disclosure never made
 * needs no process). Closing after a production, or letting the basis
 * expire, does not end the duty. */
static bool duty_open(const seal_reg_request *e)
{
    if (!(e->flags & SEAL_REQF_EMERGENCY) || (e->flags & SEAL_REQF_CONFIRMED)) {
        return false;
    }
    return e->state == SEAL_RS_ACTIVE || e->state == SEAL_RS_EXPIRED ||
           (e->state == SEAL_RS_CLOSED && (e->flags & SEAL_REQF_PRODUCED));
}

typedef struct pending_ctx {
    const char *id;
    bool found;
} pending_ctx;

static seal_status pending_row(const seal_reg_request *row, void *ud)
{
    pending_ctx *pc = ud;
    if (row->state == SEAL_RS_REVIEW && strcmp(row->link, pc->id) == 0) {
        pc->found = true;
    }
    return SEAL_OK;
}

/* A follow-up of emergency id is under review. */
static seal_status follow_up_pending(seal_registry *reg, const char *id, bool *pending,
                                     seal_error *err)
{
    pending_ctx pc = {id, false};
    seal_status s = reg->ops->request_each(reg->be, pending_row, &pc, err);
    *pending = pc.found;
    return s;
}

static seal_status end_cover(seal_registry *reg, const seal_reg_request *row, int state,
                             seal_error *err);

/* The emergency becomes a violation whatever its state: its productions are
 * quarantined, its cover (if any) ends, and the event reports it; row_json
 * shows the requesting agency the notice. The caller stores the row. */
static seal_status violation(seal_registry *reg, seal_reg_request *row, bool denied,
                             seal_error *err)
{
    row->state = SEAL_RS_VIOLATION;
    row->flags |= SEAL_REQF_QUARANTINED | (denied ? SEAL_REQF_DENIED_FU : 0);
    seal_status s = end_cover(reg, row, SEAL_RS_VIOLATION, err);
    if (s == SEAL_OK) {
        s = event(reg, row, "request.violation", "rule", rule_of(row, "MC-9", "PA-7"), err);
    }
    return s;
}

seal_status seal_request_hold(seal_registry *reg, const char *id, const char **why, seal_error *err)
{
    *why = NULL;
    seal_reg_request row;
    if (!seal_id_valid(id)) {
        return seal_error_set(err, SEAL_INVALID, "not a request id");
    }
    seal_status s = reg->ops->request_get(reg->be, id, &row, NULL, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (row.state == SEAL_RS_VIOLATION || (row.flags & SEAL_REQF_QUARANTINED)) {
        *why = "quarantined";
        return SEAL_OK;
    }
    if (!(row.flags & SEAL_REQF_EMERGENCY) || (row.flags & SEAL_REQF_CONFIRMED)) {
        return SEAL_OK;
    }
    bool pending = false;
    if ((s = follow_up_pending(reg, row.id, &pending, err)) == SEAL_OK) {
        if (pending) {
            *why = "follow_up_in_review";
        } else if (duty_open(&row) && reg->now > row.follow_up_by) {
            *why = "follow_up_overdue";
        }
    }
    return s;
}

seal_status seal_request_mark_produced(seal_registry *reg, const char *id, seal_error *err)
{
    seal_reg_request row;
    seal_status s = seal__reg_require(reg, 0, "produce", err);
    if (s != SEAL_OK || (s = seal__reg_begin(reg, err)) != SEAL_OK) {
        return s;
    }
    if ((s = reg->ops->request_get(reg->be, id, &row, NULL, err)) == SEAL_OK &&
        (row.flags & SEAL_REQF_EMERGENCY) && !(row.flags & SEAL_REQF_PRODUCED)) {
        row.flags |= SEAL_REQF_PRODUCED;
        s = reg->ops->request_update(reg->be, &row, err);
    }
    if (s == SEAL_OK) {
        return seal__reg_commit(reg, err);
    }
    seal__reg_rollback(reg);
    return s;
}

/* Makes a request active: its period, its cover, the notice it owes, and the
 * emergency it confirms. Queues the events. */
static seal_status activate(seal_registry *reg, seal_reg_request *row, const seal_policy *p,
                            seal_error *err)
{
    seal_policy_numbers num;
    seal_policy_get_numbers(p, &num);
    row->state = SEAL_RS_ACTIVE;
    row->decided = reg->now;
    seal_status s = SEAL_OK;
    if (row->basis == SEAL_BASIS_PRESERVATION) {
        row->start = reg->today;
        row->end = reg->today + (num.preservation_days - 1) * DAY;
    } else if (!is_cover(row)) {
        row->start = reg->today;
        row->end = seal_time_day(row->expires_at - 1) * DAY;
    }
    if (is_cover(row)) {
        seal_reg_cover c;
        s = reg->ops->cover_get(reg->be, row->cover, &c, NULL);
        if (s == SEAL_OK) { /* an extension: MC-5 */
            c.end = row->end;
            c.cum_days += row->days;
            c.state = SEAL_RS_ACTIVE;
            row->renewals = 0;
            memcpy(c.latest, row->id, sizeof(c.latest));
            s = reg->ops->cover_update(reg->be, &c, err);
            if (s == SEAL_OK) {
                s = event(reg, row, "cover.extended", NULL, NULL, err);
            }
        } else if (s == SEAL_NOTFOUND) {
            memset(&c, 0, sizeof(c));
            memcpy(c.id, row->cover, sizeof(c.id));
            memcpy(c.origin, row->id, sizeof(c.origin));
            memcpy(c.latest, row->id, sizeof(c.latest));
            memcpy(c.agency, row->agency, sizeof(c.agency));
            c.ground = (int) row->renewals; /* set by submit: the ground */
            c.state = SEAL_RS_ACTIVE;
            c.start = row->start;
            c.end = row->end;
            c.cum_days = row->days;
            c.flags = row->flags & SEAL_REQF_EMERGENCY;
            row->renewals = 0;
            s = reg->ops->cover_put(reg->be, &c, err);
            if (s == SEAL_OK) {
                s = event(reg, row, "cover.opened", NULL, NULL, err);
            }
        } else {
            seal_error_set(err, s, "cover %s: cannot read", row->cover);
        }
    }
    /* PA-8 (and PA-7 under (b)(8)): notice is queued at once unless delayed */
    if (s == SEAL_OK && row->basis != SEAL_BASIS_PRESERVATION && row->notice_until == 0) {
        row->flags |= SEAL_REQF_NOTICE_SENT;
        s = event(reg, row, "notice.queued", NULL, NULL, err);
    }
    /* MC-9 / PA-7: proper process confirms the emergency it follows. It was
     * submitted in time and matched the emergency (follow_up_rules); while it
     * was in review the deadline waited for it. */
    if (s == SEAL_OK && row->link[0] != '\0') {
        seal_reg_request e;
        s = reg->ops->request_get(reg->be, row->link, &e, NULL, err);
        if (s == SEAL_OK && (e.flags & SEAL_REQF_EMERGENCY) && !(e.flags & SEAL_REQF_CONFIRMED) &&
            e.state != SEAL_RS_VIOLATION && e.state != SEAL_RS_REFUSED) {
            bool was_active = e.state == SEAL_RS_ACTIVE;
            e.flags |= SEAL_REQF_CONFIRMED;
            if (was_active) {
                e.state = SEAL_RS_CLOSED; /* superseded by the proper process */
            }
            s = reg->ops->request_update(reg->be, &e, err);
            if (s == SEAL_OK) {
                s = event(reg, &e, "request.confirmed", "by", row->id, err);
            }
            seal_reg_cover c;
            if (s == SEAL_OK && was_active && is_cover(&e) &&
                reg->ops->cover_get(reg->be, e.cover, &c, NULL) == SEAL_OK) {
                c.state = SEAL_RS_CLOSED;
                s = reg->ops->cover_update(reg->be, &c, err);
            }
        }
    }
    return s;
}

/* ---- submit ------------------------------------------------------------------------------ */

static void stateful_rules(seal_registry *reg, const seal_request *r, seal_reg_request *row,
                           const seal_policy *p, seal_decision *d, seal_error *err)
{
    (void) err;
    seal_policy_numbers num;
    seal_policy_get_numbers(p, &num);
    const char *agency = seal_request_agency(r);
    seal_reg_agency a;
    bool registered = false;
    /* PA-2: a registered agency, and the submitter a requester of it */
    if (agency != NULL) {
        registered =
            seal_id_valid(agency) && reg->ops->agency_get(reg->be, agency, &a, NULL) == SEAL_OK;
        if (!registered) {
            reason(d, SEAL_SEVERITY_REFUSE, "agency.unregistered", "PA-2", "/agency",
                   "requests come only from registered agencies");
        } else if (strcmp(agency, reg->me.agency) != 0) {
            reason(d, SEAL_SEVERITY_REFUSE, "requester.agency", "PA-2", "/agency",
                   "the submitting principal is not a requester of this agency");
        } else {
            memcpy(row->agency, a.id, sizeof(row->agency));
        }
    }
    const seal__cover *c = &r->cover;
    if (r->basis == SEAL_BASIS_MAIL_COVER && c->present) {
        /* MC-2: national-security covers need an agency with that authority */
        if (registered && c->ground == SEAL_GROUND_NATIONAL_SECURITY && !a.national_security) {
            reason(d, SEAL_SEVERITY_REFUSE, "cover.national_security_authority", "MC-2",
                   "/cover/ground",
                   "a national-security cover needs an agency flagged with that authority");
        }
        if (c->extends != NULL) {
            seal_reg_cover cv;
            if (!seal_id_valid(c->extends) ||
                reg->ops->cover_get(reg->be, c->extends, &cv, NULL) != SEAL_OK) {
                reason(d, SEAL_SEVERITY_REFUSE, "cover.extends_unknown", "MC-5", "/cover/extends",
                       "an extension references an existing cover");
                return;
            }
            memcpy(row->cover, cv.id, sizeof(row->cover));
            bool exempt = cv.ground == SEAL_GROUND_FUGITIVE || cv.ground == SEAL_GROUND_FORFEITURE;
            if (cv.indicted != 0 && !exempt) {
                reason(d, SEAL_SEVERITY_REFUSE, "cover.indicted_renewal", "MC-6", "/cover/extends",
                       "the subject is indicted: the cover cannot be renewed on this ground");
            } else if (cv.state != SEAL_RS_ACTIVE) {
                reason(d, SEAL_SEVERITY_REFUSE, "cover.not_active", "MC-5", "/cover/extends",
                       "only an active cover can be extended");
            }
            if (strcmp(cv.agency, row->agency) != 0) {
                reason(d, SEAL_SEVERITY_REFUSE, "cover.extends_agency", "MC-5", "/cover/extends",
                       "an extension comes from the cover's own agency");
            }
            if (c->ground >= 0 && c->ground != cv.ground) {
                reason(d, SEAL_SEVERITY_REFUSE, "cover.extends_ground", "MC-5", "/cover/ground",
                       "an extension keeps the cover's ground");
            }
            if (c->has_start && c->start != cv.end + DAY) {
                reason(d, SEAL_SEVERITY_REFUSE, "cover.extension_gap", "MC-5", "/cover/start",
                       "an extension starts the day after the cover's current end");
            }
            bool ns = cv.ground == SEAL_GROUND_NATIONAL_SECURITY;
            int64_t cap = ns ? num.ns_cumulative : num.cover_cumulative;
            if (c->days > 0 && cv.cum_days + c->days > cap) {
                if (ns) {
                    reason(d, SEAL_SEVERITY_REFUSE, "cover.cumulative_cap", "MC-5", "/cover/days",
                           "a national-security cover cannot pass its total cap");
                } else {
                    char m[SEAL_REASON_MESSAGE_MAX];
                    snprintf(m, sizeof(m),
                             "beyond %lld days in total: recording continues only with a "
                             "headquarters-level approval by %s",
                             (long long) cap, seal_role_name(num.beyond_cumulative_role));
                    reason(d, SEAL_SEVERITY_REVIEW, "cover.beyond_cumulative", "MC-5",
                           "/cover/days", m);
                    row->flags |= SEAL_REQF_HQ;
                }
            }
        }
    }
}

static bool same_key(const seal_request *a, uint32_t ka, const seal_request *b, uint32_t kb)
{
    if (ka == SEAL__NO_KEY || kb == SEAL__NO_KEY) {
        return ka == kb;
    }
    return strcmp(seal__req_key(a, ka), seal__req_key(b, kb)) == 0;
}

/* MC-9 / PA-7: a follow-up confirms only the proper process for the same
 * disclosure: the same agency, every subject and category of the emergency,
 * a window that covers its window, submitted by the deadline; the follow-up's
 * own policy check decides that its basis unlocks those categories. An
 * emergency mail cover is followed by a mail cover (MC-5's rules apply to
 * its period). Anything else is refused as a follow-up. */
static void follow_up_rules(seal_registry *reg, const seal_request *r, seal_reg_request *row,
                            const char *follows, seal_decision *d)
{
    seal_reg_request e;
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    seal_request *em = NULL;
    const char *rule = r->basis == SEAL_BASIS_MAIL_COVER ? "MC-9" : "PA-7";
    char m[SEAL_REASON_MESSAGE_MAX];
    if (!seal_id_valid(follows) ||
        reg->ops->request_get(reg->be, follows, &e, &ct, NULL) != SEAL_OK ||
        !(e.flags & SEAL_REQF_EMERGENCY)) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.unknown", rule, "",
               "a follow-up names an emergency request");
        goto out;
    }
    memcpy(row->link, e.id, sizeof(row->link));
    rule = rule_of(&e, "MC-9", "PA-7");
    if (r->emergency_present) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.emergency", rule, "/emergency",
               "proper process is not itself an emergency");
    }
    if (strcmp(e.agency, row->agency) != 0) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.agency", rule, "/agency",
               "a follow-up comes from the emergency's own agency");
    }
    if (e.state == SEAL_RS_REFUSED) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.not_served", rule, "",
               "the emergency was refused: there is nothing to confirm");
        goto out;
    }
    if (e.flags & SEAL_REQF_CONFIRMED) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.confirmed", rule, "",
               "the emergency is already confirmed by proper process");
    } else if (e.state == SEAL_RS_VIOLATION && (e.flags & SEAL_REQF_DENIED_FU)) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.violation", rule, "",
               "the emergency's follow-up was denied: it is a violation already");
    } else if (e.state == SEAL_RS_VIOLATION || reg->now > e.follow_up_by) {
        char when[24];
        seal_time_format(when, sizeof(when), e.follow_up_by);
        snprintf(m, sizeof(m),
                 "proper process was due by %s; it came late and the emergency is a violation",
                 when);
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.late", rule, "", m);
    }
    if (is_cover(&e) && r->basis != SEAL_BASIS_MAIL_COVER) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.cover", "MC-9", "/legal_basis/type",
               "an emergency mail cover is followed by a mail cover");
    }
    if (seal_box_unseal(reg->box, e.id, strlen(e.id), ct.data, ct.len, &pt, NULL) != SEAL_OK ||
        seal_request_parse((const char *) pt.data, pt.len, &em, NULL) != SEAL_OK) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.unreadable", rule, "",
               "the emergency's document cannot be read to compare");
        goto out;
    }
    /* every subject of the emergency, by its standardised identifier */
    for (size_t i = 0; i < em->n_subjects; i++) {
        const seal__subject *x = &em->subjects[i];
        bool found = false;
        for (size_t j = 0; j < r->n_subjects && !found; j++) {
            const seal__subject *y = &r->subjects[j];
            found = y->type == x->type && same_key(em, x->ident_key, r, y->ident_key) &&
                    same_key(em, x->addr_key, r, y->addr_key);
        }
        if (!found) {
            snprintf(m, sizeof(m), "the emergency's subject %zu is not named in the follow-up", i);
            reason(d, SEAL_SEVERITY_REFUSE, "follow_up.subjects", rule, "/subjects", m);
        }
    }
    for (int c = 0; c < SEAL_CAT_COUNT; c++) {
        if ((em->categories & ~r->categories) & (1u << c)) {
            snprintf(m, sizeof(m), "the follow-up does not ask for the emergency's category %s",
                     seal_category_name((seal_category) c));
            reason(d, SEAL_SEVERITY_REFUSE, "follow_up.categories", rule, "/categories", m);
        }
    }
    if (!is_cover(&e) && em->has_window &&
        (!r->has_window || r->win_from > em->win_from || r->win_to < em->win_to)) {
        reason(d, SEAL_SEVERITY_REFUSE, "follow_up.window", rule, "/window",
               "the follow-up's window does not cover the emergency's window");
    }
out:
    seal_request_free(em);
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ct);
}

typedef struct rows_v {
    seal_reg_request *v;
    size_t n, cap;
} rows_v;

static seal_status collect_v(const seal_reg_request *row, void *ud)
{
    rows_v *rs = ud;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap == 0 ? 64 : 2 * rs->cap;
        void *p = seal_realloc(rs->v, cap * sizeof(*rs->v));
        if (p == NULL) {
            return SEAL_NOMEM;
        }
        rs->v = p;
        rs->cap = cap;
    }
    rs->v[rs->n++] = *row;
    return SEAL_OK;
}

/* PA-2 / MC-13: a legal basis serves one request. The keyed hashes of what
 * identifies it: h[0] of (agency, type, reference, issued_by), h[1] of the
 * order's text without its signature lines (so the same order re-signed or
 * with signatures added is the same order). Keyed (sealed/box.h): the
 * registry never holds a reference in clear. */
typedef struct basis_keys {
    uint8_t h[2][SEAL_REG_HASH];
    const char *ptr[2];
    size_t n;
    char supersedes[SEAL_ID_SIZE]; /* the denied or refused request named */
} basis_keys;

/* A basis field as compared: ASCII letters folded to lower case, runs of
 * white space as one space, none at either end ("GJ-2026-118 " is the same
 * reference as "gj-2026-118"). */
static seal_status basis_field(seal_buf *b, const char *s)
{
    seal_status st = SEAL_OK;
    bool space = false, any = false;
    for (; s != NULL && *s != '\0' && st == SEAL_OK; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = any;
            continue;
        }
        if (space) {
            st = seal_buf_append_byte(b, ' ');
            space = false;
        }
        if (st == SEAL_OK) {
            st = seal_buf_append_byte(b, (uint8_t) (c >= 'A' && c <= 'Z' ? c + 32 : c));
        }
        any = true;
    }
    return st == SEAL_OK ? seal_buf_append_byte(b, '\0') : st;
}

static void basis_hashes(const seal_registry *reg, const seal_request *r, basis_keys *k)
{
    const char *parts[] = {r->agency, seal_basis_name((seal_basis) r->basis), r->reference,
                           r->issued_by};
    seal_buf b;
    seal_buf_init(&b);
    bool ok = r->reference != NULL && r->agency != NULL;
    for (size_t i = 0; i < 4 && ok; i++) {
        /* NUL-separated: no field holds a NUL, so the join is unambiguous */
        ok = basis_field(&b, parts[i]) == SEAL_OK;
    }
    if (ok) {
        seal_box_hash(reg->box, "basis", b.data, b.len, k->h[k->n]);
        k->ptr[k->n++] = "/legal_basis/reference";
    }
    seal_buf_cleanup(&b);
    if (r->order != NULL) {
        /* a signed note's text ends at the blank line before its signatures */
        const char *end = NULL;
        for (size_t i = 0; i + 1 < r->order_len; i++) {
            if (r->order[i] == '\n' && r->order[i + 1] == '\n') {
                end = r->order + i + 1;
                break;
            }
        }
        size_t tl = end != NULL ? (size_t) (end - r->order) : r->order_len;
        seal_box_hash(reg->box, "basis-order", r->order, tl, k->h[k->n]);
        k->ptr[k->n++] = "/legal_basis/order";
    }
}

static void basis_once(seal_registry *reg, const seal_request *r, const seal_reg_request *row,
                       const char *supersedes, seal_decision *d, basis_keys *k)
{
    const char *rule = is_cover(row) ? "MC-13" : "PA-2";
    char m[4 * SEAL_ID_SIZE]; /* ids are short; reason() truncates */
    seal_reg_request old;
    if (supersedes != NULL) {
        char by[SEAL_ID_SIZE];
        if (!seal_id_valid(supersedes) ||
            reg->ops->request_get(reg->be, supersedes, &old, NULL, NULL) != SEAL_OK ||
            strcmp(old.agency, row->agency) != 0) {
            reason(d, SEAL_SEVERITY_REFUSE, "basis.supersedes_unknown", rule, "",
                   "--supersedes names a request of the same agency");
            return;
        }
        /* denied or refused requests were never active, so never produced */
        if (old.state != SEAL_RS_DENIED && old.state != SEAL_RS_REFUSED) {
            snprintf(m, sizeof(m),
                     "request %s is %s: only a request denied or refused before any production "
                     "can be superseded",
                     old.id, seal_request_state_name(old.state));
            reason(d, SEAL_SEVERITY_REFUSE, "basis.supersedes_state", rule, "", m);
            return;
        }
        if (reg->ops->supersede_get(reg->be, old.id, true, by, NULL) == SEAL_OK) {
            snprintf(m, sizeof(m), "request %s was already superseded by %s", old.id, by);
            reason(d, SEAL_SEVERITY_REFUSE, "basis.supersedes_twice", rule, "", m);
            return;
        }
        memcpy(k->supersedes, old.id, sizeof(k->supersedes));
    }
    basis_hashes(reg, r, k);
    for (size_t i = 0; i < k->n; i++) {
        char first[SEAL_ID_SIZE];
        if (reg->ops->basis_get(reg->be, k->h[i], first, NULL) != SEAL_OK ||
            strcmp(first, k->supersedes) == 0) {
            continue;
        }
        /* an extension of the same cover goes on under the cover's basis,
         * and proper process confirms the emergency it follows (MC-9, PA-7) */
        bool found = reg->ops->request_get(reg->be, first, &old, NULL, NULL) == SEAL_OK;
        if (found && is_cover(row) && r->cover.extends != NULL && old.cover[0] != '\0' &&
            strcmp(old.cover, row->cover) == 0) {
            continue;
        }
        if (found && row->link[0] != '\0' && strcmp(old.id, row->link) == 0) {
            continue;
        }
        if (found && (old.state == SEAL_RS_DENIED || old.state == SEAL_RS_REFUSED)) {
            snprintf(m, sizeof(m),
                     "this legal basis already served request %s, which was %s: name it with "
                     "--supersedes %s to replace it",
                     first, seal_request_state_name(old.state), first);
        } else {
            snprintf(m, sizeof(m),
                     "this legal basis already served request %s: a legal basis serves one "
                     "request",
                     first);
        }
        reason(d, SEAL_SEVERITY_REFUSE, "basis.reused", rule, k->ptr[i], m);
        return;
    }
}

/* Registries made before interface version 4 hold accepted requests but no
 * basis hashes: record them once, oldest first, so an old basis cannot be
 * reused either. A derived index, not a transition: no ledger event. */
seal_status seal__basis_backfill(seal_registry *reg, seal_error *err)
{
    seal_buf flag, ct, pt;
    seal_buf_init(&flag);
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    rows_v rs = {0};
    seal_status s = reg->ops->secret_get(reg->be, "meta", "basis-backfill", &flag, NULL);
    if (s != SEAL_NOTFOUND) {
        seal_buf_cleanup(&flag);
        return SEAL_OK;
    }
    if ((s = reg->ops->begin(reg->be, err)) != SEAL_OK) {
        return s;
    }
    s = reg->ops->request_each(reg->be, collect_v, &rs, err);
    for (size_t i = 0; i < rs.n && s == SEAL_OK; i++) {
        seal_reg_request *row = &rs.v[i];
        seal_request *r = NULL;
        if (row->state == SEAL_RS_REFUSED) {
            continue;
        }
        seal_buf_reset(&ct);
        seal_buf_reset(&pt);
        if (reg->ops->request_get(reg->be, row->id, row, &ct, NULL) != SEAL_OK ||
            seal_box_unseal(reg->box, row->id, strlen(row->id), ct.data, ct.len, &pt, NULL) !=
                SEAL_OK ||
            seal_request_parse((const char *) pt.data, pt.len, &r, NULL) != SEAL_OK) {
            seal_request_free(r);
            continue; /* unreadable: verify reports it; nothing to index */
        }
        basis_keys k = {.n = 0};
        basis_hashes(reg, r, &k);
        for (size_t j = 0; j < k.n && s == SEAL_OK; j++) {
            char first[SEAL_ID_SIZE];
            if (reg->ops->basis_get(reg->be, k.h[j], first, NULL) == SEAL_NOTFOUND) {
                s = reg->ops->basis_put(reg->be, k.h[j], row->id, row->submitted, err);
            }
        }
        seal_request_free(r);
        if (pt.data != NULL) {
            seal__wipe(pt.data, pt.len);
        }
    }
    if (s == SEAL_OK) {
        seal_buf_reset(&ct);
        s = seal_box_seal(reg->box, "meta:basis-backfill", 19, "4", 1, &ct);
    }
    if (s == SEAL_OK) {
        s = reg->ops->secret_put(reg->be, "meta", "basis-backfill", ct.data, ct.len, err);
    }
    if (s == SEAL_OK) {
        s = reg->ops->commit(reg->be, err);
    } else {
        reg->ops->rollback(reg->be);
    }
    seal_free(rs.v);
    seal_buf_cleanup(&flag);
    seal_buf_cleanup(&ct);
    seal_buf_cleanup(&pt);
    return s;
}

/* The key and associated data of a refused submission's kept decision. */
static void refusal_key(char *key, size_t n, const char *request)
{
    snprintf(key, n, "refusal:%s", request);
}

seal_status seal_request_submit(seal_registry *reg, const char *doc, size_t len,
                                const seal_submit_options *opt, char id[SEAL_ID_SIZE],
                                seal_decision *d, seal_error *err)
{
    seal_submit_options none = {0};
    if (opt == NULL) {
        opt = &none;
    }
    id[0] = '\0';
    seal_request *r = NULL;
    seal_policy *p = NULL;
    issuers is = {0};
    protect_set ps = {.box = reg->box};
    seal_buf ct;
    seal_buf_init(&ct);
    seal_reg_request row;
    memset(&row, 0, sizeof(row));
    bool in_tx = false;
    seal_status s = seal__reg_require(reg, ROLE(SEAL_ROLE_REQUESTER), "request submit", err);
    if (s != SEAL_OK) {
        goto out;
    }
    /* the policy of record, never one the requester names (issue 11) */
    p = reg->record;
    if ((s = seal__reg_copy(row.policy, sizeof(row.policy), seal_policy_name(p))) != SEAL_OK) {
        seal_error_set(err, s, "policy of record: name too long");
        goto out;
    }
    if ((s = seal_request_parse(doc, len, &r, err)) != SEAL_OK ||
        (s = reg->ops->issuer_each(reg->be, add_issuer, &is, err)) != SEAL_OK ||
        (s = reg->ops->protect_each(reg->be, add_protect, &ps, err)) != SEAL_OK) {
        goto out;
    }
    /* trusted issuers come only from the registry */
    for (size_t i = 0; i < is.n_own; i++) {
        is.all[is.n++] = is.v[i];
    }
    seal_check_options o;
    seal_check_options_init(&o, reg->now);
    o.issuers = is.all;
    o.n_issuers = is.n;
    o.protect = protect_hook;
    o.protect_ud = &ps;
    seal_policy_check(p, r, &o, d);

    memcpy(row.submitter, reg->me.id, sizeof(row.submitter));
    policy_hash(p, row.policy_sha);
    row.basis = r->basis;
    row.submitted = reg->now;
    row.expires_at = r->has_expires ? r->expires_at : reg->now;
    row.notice_until = d->notice_delay_until;
    row.follow_up_by = d->follow_up_by;
    row.need = d->approvers;
    row.role = seal_role_from_name(d->approver_role != NULL ? d->approver_role : "reviewer");
    row.need_extra = d->extra_approvers;
    row.extra_role = seal_role_from_name(d->extra_role != NULL ? d->extra_role : "hq_approver");
    if (r->emergency_present) {
        row.flags |= SEAL_REQF_EMERGENCY;
    }
    if ((s = seal__reg_begin(reg, err)) != SEAL_OK) {
        goto out;
    }
    in_tx = true;
    stateful_rules(reg, r, &row, p, d, err);
    if (opt->follows != NULL) {
        follow_up_rules(reg, r, &row, opt->follows, d);
    }
    basis_keys bk = {.n = 0};
    if (d->verdict != SEAL_VERDICT_REFUSED) {
        basis_once(reg, r, &row, opt->supersedes, d, &bk);
    }
    if (d->verdict == SEAL_VERDICT_REFUSED) {
        /* a refusal found by the stateful rules: what review would have
         * needed no longer applies */
        size_t k = 0;
        for (size_t i = 0; i < d->n_reasons; i++) {
            if (d->reasons[i].severity == SEAL_SEVERITY_REFUSE) {
                d->reasons[k++] = d->reasons[i];
            }
        }
        d->n_reasons = k;
    }
    if (row.flags & SEAL_REQF_HQ) {
        seal_policy_numbers num;
        seal_policy_get_numbers(p, &num);
        row.need_extra += 1;
        row.extra_role = num.beyond_cumulative_role;
    }
    if (r->basis == SEAL_BASIS_MAIL_COVER && r->cover.present) {
        row.days = r->cover.days > 0 ? r->cover.days : 0;
        row.start = r->cover.has_start ? r->cover.start : 0;
        row.end = row.days > 0 ? row.start + (row.days - 1) * DAY : row.start;
        row.renewals = r->cover.ground; /* carried to activate() as the ground */
    }
    int64_t n = 0;
    if ((s = reg->ops->counter_next(reg->be, "request", &n, err)) != SEAL_OK) {
        goto out;
    }
    snprintf(row.id, sizeof(row.id), "R-%06lld", (long long) n);
    if (r->basis == SEAL_BASIS_MAIL_COVER && row.cover[0] == '\0') {
        /* MC-13: cover ids come from a counter and are a primary key */
        if ((s = reg->ops->counter_next(reg->be, "cover", &n, err)) != SEAL_OK) {
            goto out;
        }
        snprintf(row.cover, sizeof(row.cover), "C-%06lld", (long long) n);
    }
    if (row.agency[0] == '\0') {
        /* refused before it named a registered agency: filed under the submitter's */
        memcpy(row.agency, reg->me.agency, sizeof(row.agency));
    }
    row.verdict = (int) d->verdict;
    bool emergency = (row.flags & SEAL_REQF_EMERGENCY) != 0;
    row.state = d->verdict == SEAL_VERDICT_REFUSED                ? SEAL_RS_REFUSED
                : d->verdict == SEAL_VERDICT_REVIEW && !emergency ? SEAL_RS_REVIEW
                                                                  : SEAL_RS_ACTIVE;
    if (row.state == SEAL_RS_REFUSED) {
        row.decided = reg->now;
    }
    /* PA-2: consent waits for the subject's own confirmation first */
    if (r->basis == SEAL_BASIS_CONSENT && row.state != SEAL_RS_REFUSED && !emergency) {
        row.state = SEAL_RS_CONSENT_PENDING;
    }
    /* MC-13: the document exactly as submitted, sealed to its id; a refused
     * one keeps only its decision and keyed digest (a refusal is no reason
     * to hold what was sent, and junk must not grow the registry) */
    uint8_t doc_hash[SEAL_REG_HASH];
    seal_box_hash(reg->box, "document", doc, len, doc_hash);
    if (row.state == SEAL_RS_REFUSED) {
        char key[SEAL_ID_SIZE + 16], hex[2 * SEAL_REG_HASH + 1];
        seal_buf kept;
        seal_buf_init(&kept);
        refusal_key(key, sizeof(key), row.id);
        seal_hex_encode(hex, doc_hash, SEAL_REG_HASH);
        if ((s = seal_buf_printf(&kept, "{\"document_hash\": \"%s\", \"decision\": ", hex)) ==
                SEAL_OK &&
            (s = seal_decision_json(d, &kept)) == SEAL_OK &&
            (s = seal_buf_append_byte(&kept, '}')) == SEAL_OK) {
            s = seal_box_seal(reg->box, key, strlen(key), kept.data, kept.len, &ct);
        }
        if (s == SEAL_OK) {
            s = reg->ops->secret_put(reg->be, "refusal", row.id, ct.data, ct.len, err);
        } else {
            seal_error_set(err, s, "out of memory");
        }
        seal_buf_cleanup(&kept);
        seal_buf_reset(&ct);
        if (s != SEAL_OK) {
            goto out;
        }
    } else if ((s = seal_box_seal(reg->box, row.id, strlen(row.id), doc, len, &ct)) != SEAL_OK) {
        seal_error_set(err, s, "out of memory");
        goto out;
    }
    const char *ids[] = {"request", row.id,     "agency", row.agency,
                         "actor",   reg->me.id, "cover",  row.cover,
                         "follows", row.link,   "basis",  seal_basis_name((seal_basis) row.basis)};
    if ((s = seal__reg_event(reg, "request.submitted", ids, 6, row.policy_sha, doc_hash, err)) !=
        SEAL_OK) {
        goto out;
    }
    static const char *const decided[] = {"request.refused", "request.review", "request.approved"};
    if ((s = event(reg, &row, decided[d->verdict], NULL, NULL, err)) != SEAL_OK) {
        goto out;
    }
    if (row.state == SEAL_RS_CONSENT_PENDING &&
        (s = event(reg, &row, "request.consent_pending", NULL, NULL, err)) != SEAL_OK) {
        goto out;
    }
    /* PA-2 / MC-13: only an accepted submission takes its basis */
    for (size_t i = 0; i < bk.n && row.state != SEAL_RS_REFUSED && s == SEAL_OK; i++) {
        s = reg->ops->basis_put(reg->be, bk.h[i], row.id, reg->now, err);
    }
    if (s == SEAL_OK && row.state != SEAL_RS_REFUSED && bk.supersedes[0] != '\0' &&
        (s = reg->ops->supersede_put(reg->be, row.id, bk.supersedes, err)) == SEAL_OK) {
        s = event(reg, &row, "request.supersedes", "supersedes", bk.supersedes, err);
    }
    if (s != SEAL_OK) {
        goto out;
    }
    if (row.state == SEAL_RS_ACTIVE) {
        if (emergency) {
            s = event(reg, &row, "request.emergency_served", NULL, NULL, err);
        }
        if (s == SEAL_OK) {
            s = activate(reg, &row, p, err);
        }
        if (s == SEAL_OK) {
            s = event(reg, &row, "request.active", NULL, NULL, err);
        }
        if (s != SEAL_OK) {
            goto out;
        }
    }
    if ((s = reg->ops->request_put(reg->be, &row, ct.data, ct.len, err)) != SEAL_OK) {
        goto out;
    }
    in_tx = false;
    if ((s = seal__reg_commit(reg, err)) == SEAL_OK) {
        memcpy(id, row.id, sizeof(row.id));
    }
out:
    if (in_tx) {
        seal__reg_rollback(reg);
    }
    issuers_free(&is);
    seal_free(ps.hash);
    seal_buf_cleanup(&ct);
    seal_request_free(r);
    return s;
}

seal_status seal_request_policy(seal_registry *reg, const char *id, seal_policy **out,
                                seal_error *err)
{
    *out = NULL;
    seal_reg_request row;
    seal_status s = seal__reg_require(reg, 0, "request policy", err);
    if (s == SEAL_OK && !seal_id_valid(id)) {
        s = seal_error_set(err, SEAL_NOTFOUND, "no request with that id");
    }
    if (s == SEAL_OK &&
        (s = reg->ops->request_get(reg->be, id, &row, NULL, err)) == SEAL_NOTFOUND) {
        s = seal_error_set(err, s, "request %s not found", id);
    }
    return s == SEAL_OK ? policy_of(reg, &row, out, err) : s;
}

seal_status seal_request_check_in(seal_registry *reg, const seal_policy *p, const char *doc,
                                  size_t len, const seal_note_verifier *const *extra,
                                  size_t n_extra, seal_decision *d, seal_error *err)
{
    seal_request *r = NULL;
    issuers is = {0};
    protect_set ps = {.box = reg->box};
    if (p == NULL) {
        p = reg->record;
    }
    seal_status s = seal_request_parse(doc, len, &r, err);
    if (s == SEAL_OK && (s = reg->ops->issuer_each(reg->be, add_issuer, &is, err)) == SEAL_OK) {
        s = reg->ops->protect_each(reg->be, add_protect, &ps, err);
    }
    if (s != SEAL_OK) {
        goto out;
    }
    for (size_t i = 0; i < is.n_own; i++) {
        is.all[is.n++] = is.v[i];
    }
    for (size_t i = 0; i < n_extra && is.n < MAX_ISSUERS; i++) {
        is.all[is.n++] = extra[i];
    }
    seal_check_options o;
    seal_check_options_init(&o, reg->now);
    o.issuers = is.all;
    o.n_issuers = is.n;
    o.protect = protect_hook;
    o.protect_ud = &ps;
    seal_policy_check(p, r, &o, d);
    /* PA-2: only a registered agency may ask at all */
    const char *agency = seal_request_agency(r);
    seal_reg_agency a;
    if (agency != NULL &&
        !(seal_id_valid(agency) && reg->ops->agency_get(reg->be, agency, &a, NULL) == SEAL_OK)) {
        reason(d, SEAL_SEVERITY_REFUSE, "agency.unregistered", "PA-2", "/agency",
               "requests come only from registered agencies");
        /* as on submit: what review would have needed no longer applies */
        size_t k = 0;
        for (size_t i = 0; i < d->n_reasons; i++) {
            if (d->reasons[i].severity == SEAL_SEVERITY_REFUSE) {
                d->reasons[k++] = d->reasons[i];
            }
        }
        d->n_reasons = k;
    }
out:
    issuers_free(&is);
    seal_free(ps.hash);
    seal_request_free(r);
    return s;
}

/* ---- review ------------------------------------------------------------------------------ */

typedef struct tally {
    const char *me;
    int role, extra_role;
    int64_t role_n, extra_n;
    bool mine;
} tally;

static seal_status count_approval(const seal_reg_approval *a, void *ud)
{
    tally *t = ud;
    if (strcmp(a->principal, t->me) == 0) {
        t->mine = true;
    }
    if (a->approve && a->role == t->role) {
        t->role_n++;
    } else if (a->approve && a->role == t->extra_role) {
        t->extra_n++;
    }
    return SEAL_OK;
}

/* LAW.md MC-2: when the cover's policy says its approvers come from the
 * inspection service (cfr-233), the reviewing cover_approver's agency must be
 * flagged so on the day of the review; strict asks only that no approver be
 * of the requesting agency, checked above. Loads the policy into *p. */
static seal_status inspection_rule(seal_registry *reg, const seal_reg_request *row, seal_policy **p,
                                   seal_error *err)
{
    seal_policy_numbers num;
    seal_reg_agency a;
    seal_status s = policy_of(reg, row, p, err);
    if (s != SEAL_OK) {
        return s;
    }
    seal_policy_get_numbers(*p, &num);
    if (num.cover_approver_agency != SEAL_COVER_APPROVERS_INSPECTION_SERVICE) {
        return SEAL_OK;
    }
    s = reg->ops->agency_get(reg->be, reg->me.agency, &a, err);
    if (s == SEAL_NOTFOUND || (s == SEAL_OK && !a.inspection_service)) {
        return seal_error_set(err, SEAL_REFUSED,
                              "%s: under %s a cover_approver must be of the inspection service; "
                              "agency %s is not (MC-2)",
                              row->id, seal_policy_name(*p), reg->me.agency);
    }
    return s;
}

seal_status seal_request_review(seal_registry *reg, const char *id, bool approve,
                                seal_request_state *state, seal_error *err)
{
    return seal_request_review_note(reg, id, approve, NULL, state, err);
}

/* The key and associated data of a reviewer's note: REQUEST/PRINCIPAL. */
static void note_key(char *key, size_t n, const char *request, const char *principal)
{
    snprintf(key, n, "%s/%s", request, principal);
}

seal_status seal_request_review_note(seal_registry *reg, const char *id, bool approve,
                                     const char *note, seal_request_state *state, seal_error *err)
{
    seal_reg_request row;
    seal_policy *p = NULL;
    bool in_tx = false;
    seal_buf note_ct;
    seal_buf_init(&note_ct);
    char key[2 * SEAL_ID_SIZE + 2];
    seal_status s = seal__reg_require(reg, APPROVER_ROLES, "request review", err);
    if (s == SEAL_OK && note != NULL && note[0] != '\0') {
        json_t *valid = strlen(note) <= SEAL_REVIEW_NOTE_MAX ? json_string(note) : NULL;
        if (valid == NULL) {
            s = seal_error_set(err, SEAL_INVALID,
                               "request review: the note must be UTF-8 of at most %d bytes",
                               SEAL_REVIEW_NOTE_MAX);
        }
        json_decref(valid);
        note_key(key, sizeof(key), id, reg->me.id);
        if (s == SEAL_OK) {
            s = seal_box_seal(reg->box, key, strlen(key), note, strlen(note), &note_ct);
        }
    }
    if (s != SEAL_OK || (s = seal__reg_begin(reg, err)) != SEAL_OK) {
        seal_buf_cleanup(&note_ct);
        return s;
    }
    in_tx = true;
    if ((s = reg->ops->request_get(reg->be, id, &row, NULL, err)) != SEAL_OK) {
        goto out;
    }
    *state = (seal_request_state) row.state;
    if (row.state != SEAL_RS_REVIEW) {
        s = seal_error_set(err, SEAL_REFUSED, "request %s is not under review (it is %s)", id,
                           seal_request_state_name(row.state));
        goto out;
    }
    /* MC-2 / PA-2: nobody approves their own request, nor one of their agency */
    if (strcmp(row.submitter, reg->me.id) == 0) {
        s = seal_error_set(err, SEAL_REFUSED, "%s: nobody reviews their own request (%s)", id,
                           rule_of(&row, "MC-2", "PA-2"));
        goto out;
    }
    if (strcmp(row.agency, reg->me.agency) == 0) {
        s = seal_error_set(err, SEAL_REFUSED,
                           "%s: a reviewer may not be of the requesting agency (%s)", id,
                           rule_of(&row, "MC-2", "PA-2"));
        goto out;
    }
    tally t = {.me = reg->me.id, .role = row.role, .extra_role = row.extra_role};
    if ((s = reg->ops->approval_each(reg->be, id, count_approval, &t, err)) != SEAL_OK) {
        goto out;
    }
    if (t.mine) {
        s = seal_error_set(err, SEAL_REFUSED,
                           "%s: principal %s has already reviewed it; approvers are distinct (%s)",
                           id, reg->me.id, rule_of(&row, "MC-2", "PA-2"));
        goto out;
    }
    int counted = -1;
    if ((reg->me.roles & ROLE(row.role)) && t.role_n < row.need) {
        counted = row.role;
    } else if ((reg->me.roles & ROLE(row.extra_role)) && t.extra_n < row.need_extra) {
        counted = row.extra_role;
    }
    if (counted < 0) {
        s = seal_error_set(err, SEAL_REFUSED, "%s: this review needs a %s%s%s (%s)", id,
                           seal_role_name(row.role), row.need_extra > t.extra_n ? " or " : "",
                           row.need_extra > t.extra_n ? seal_role_name(row.extra_role) : "",
                           rule_of(&row, "MC-2", "PA-2"));
        goto out;
    }
    if (is_cover(&row) && counted == SEAL_ROLE_COVER_APPROVER &&
        (s = inspection_rule(reg, &row, &p, err)) != SEAL_OK) {
        goto out;
    }
    seal_reg_approval a = {.approve = approve ? 1 : 0, .role = counted, .at = reg->now};
    memcpy(a.request, row.id, sizeof(a.request));
    memcpy(a.principal, reg->me.id, sizeof(a.principal));
    if ((s = reg->ops->approval_put(reg->be, &a, err)) != SEAL_OK ||
        (note_ct.len > 0 && (s = reg->ops->secret_put(reg->be, "note", key, note_ct.data,
                                                      note_ct.len, err)) != SEAL_OK) ||
        (s = event(reg, &row, approve ? "request.approval" : "request.denial", "role",
                   seal_role_name(counted), err)) != SEAL_OK) {
        goto out;
    }
    if (!approve) {
        row.state = SEAL_RS_DENIED;
        row.decided = reg->now;
        s = event(reg, &row, "request.denied", NULL, NULL, err);
        /* PA-7 / MC-9: the proper process an emergency relied on was denied */
        seal_reg_request e;
        if (s == SEAL_OK && row.link[0] != '\0' &&
            (s = reg->ops->request_get(reg->be, row.link, &e, NULL, err)) == SEAL_OK &&
            duty_open(&e) && (s = violation(reg, &e, true, err)) == SEAL_OK) {
            s = reg->ops->request_update(reg->be, &e, err);
        }
    } else {
        if (counted == row.role) {
            t.role_n++;
        } else {
            t.extra_n++;
        }
        if (t.role_n >= row.need && t.extra_n >= row.need_extra) {
            if ((p != NULL || (s = policy_of(reg, &row, &p, err)) == SEAL_OK) &&
                (s = event(reg, &row, "request.approved", NULL, NULL, err)) == SEAL_OK &&
                (s = activate(reg, &row, p, err)) == SEAL_OK) {
                s = event(reg, &row, "request.active", NULL, NULL, err);
            }
        }
    }
    if (s == SEAL_OK && (s = reg->ops->request_update(reg->be, &row, err)) == SEAL_OK) {
        in_tx = false;
        s = seal__reg_commit(reg, err);
        *state = (seal_request_state) row.state;
    }
out:
    if (in_tx) {
        seal__reg_rollback(reg);
    }
    seal_policy_free(p);
    seal_buf_cleanup(&note_ct);
    return s;
}

/* ---- consent (PA-2) ---------------------------------------------------------------------- */

/* The index type a request subject is compared by: a person or an address
 * by its delivery point, the rest by their own type. */
static seal_index_type subject_index(int type)
{
    switch (type) {
    case SEAL_SUBJECT_PERSON:
    case SEAL_SUBJECT_ADDRESS:
        return SEAL_IDX_ADDRESS;
    case SEAL_SUBJECT_EMAIL:
        return SEAL_IDX_EMAIL;
    case SEAL_SUBJECT_PHONE:
        return SEAL_IDX_PHONE;
    case SEAL_SUBJECT_ACCOUNT:
        return SEAL_IDX_ACCOUNT;
    case SEAL_SUBJECT_TRACKING:
        return SEAL_IDX_TRACKING;
    default:
        return SEAL_IDX_NONE;
    }
}

/* SEAL_OK when the acting subject principal is bound to every subject the
 * document names; SEAL_REFUSED naming the first other one by position. */
static seal_status bound_to_all(seal_registry *reg, const seal_reg_request *row, const seal_buf *ct,
                                seal_error *err)
{
    seal_buf pt, ids, one;
    seal_buf_init(&pt);
    seal_buf_init(&ids);
    seal_buf_init(&one);
    seal_request *r = NULL;
    seal_status s = seal_subject_identifiers(reg, &ids, err);
    if (s == SEAL_OK) {
        s = seal_box_unseal(reg->box, row->id, strlen(row->id), ct->data, ct->len, &pt, err);
    }
    if (s == SEAL_OK) {
        s = seal_request_parse((const char *) pt.data, pt.len, &r, err);
    }
    for (size_t i = 0; s == SEAL_OK && i < r->n_subjects; i++) {
        const seal__subject *sj = &r->subjects[i];
        seal_index_type want = subject_index(sj->type);
        uint32_t off = want == SEAL_IDX_ADDRESS ? sj->addr_key : sj->ident_key;
        bool found = false;
        const char *line = seal_buf_str(&ids);
        while (!found && sj->ok && off != SEAL__NO_KEY && line != NULL && *line != '\0') {
            const char *nl = strchr(line, '\n');
            size_t ll = nl != NULL ? (size_t) (nl - line) : strlen(line);
            int t;
            size_t vo;
            seal_buf_reset(&one);
            if (seal_subject_ident_parse(line, ll, &t, &vo) == SEAL_OK &&
                (seal_index_type) t == want &&
                seal__std_identifier(want, line + vo, ll - vo, &one, NULL) == SEAL_OK &&
                strcmp(seal_buf_str(&one), seal__req_key(r, off)) == 0) {
                found = true;
            }
            line = nl != NULL ? nl + 1 : NULL;
        }
        if (!found) {
            s = seal_error_set(err, SEAL_REFUSED,
                               "request %s: principal %s is not bound to subject %zu of %zu the "
                               "request names; consent is confirmed by every subject (PA-2)",
                               row->id, reg->me.id, i + 1, r->n_subjects);
        }
    }
    if (s == SEAL_OK && r->n_subjects == 0) {
        s = seal_error_set(err, SEAL_REFUSED, "request %s names no subject (PA-2)", row->id);
    }
    seal_request_free(r);
    seal__wipe(pt.data, pt.len);
    seal__wipe(ids.data, ids.len);
    seal__wipe(one.data, one.len);
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ids);
    seal_buf_cleanup(&one);
    return s;
}

static bool reference_valid(const char *s)
{
    size_t n = strlen(s);
    json_t *valid = n > 0 && n <= SEAL_CONSENT_REFERENCE_MAX ? json_string(s) : NULL;
    json_decref(valid);
    for (size_t i = 0; valid != NULL && i < n; i++) {
        if ((unsigned char) s[i] < 0x20 || s[i] == 0x7f) {
            return false;
        }
    }
    return valid != NULL;
}

seal_status seal_request_consent(seal_registry *reg, const char *id, const char *reference,
                                 seal_request_state *state, seal_error *err)
{
    seal_reg_request row;
    seal_policy *p = NULL;
    seal_buf ct, ref_ct;
    seal_buf_init(&ct);
    seal_buf_init(&ref_ct);
    bool in_tx = false;
    uint32_t who = reference != NULL ? APPROVER_ROLES : ROLE(SEAL_ROLE_SUBJECT);
    seal_status s = seal__reg_require(reg, who, "request consent", err);
    if (s == SEAL_OK && reference != NULL && !reference_valid(reference)) {
        s = seal_error_set(err, SEAL_INVALID,
                           "request consent: the reference must be 1 to %d printable bytes",
                           SEAL_CONSENT_REFERENCE_MAX);
    }
    if (s != SEAL_OK || (s = seal__reg_begin(reg, err)) != SEAL_OK) {
        return s;
    }
    in_tx = true;
    if (!seal_id_valid(id)) {
        s = seal_error_set(err, SEAL_INVALID, "not a request id");
        goto out;
    }
    if ((s = reg->ops->request_get(reg->be, id, &row, &ct, err)) != SEAL_OK) {
        goto out;
    }
    *state = (seal_request_state) row.state;
    if (row.state != SEAL_RS_CONSENT_PENDING) {
        /* a subject learns no more of a request than that it waits or not */
        s = reference != NULL
                ? seal_error_set(err, SEAL_REFUSED,
                                 "request %s is not waiting for consent (it is %s)", id,
                                 seal_request_state_name(row.state))
                : seal_error_set(err, SEAL_REFUSED, "request %s is not waiting for consent", id);
        goto out;
    }
    if (reg->now >= row.expires_at) {
        s = seal_error_set(err, SEAL_REFUSED,
                           "request %s: its basis has expired; unconfirmed consent discloses "
                           "nothing (PA-2)",
                           id);
        goto out;
    }
    if ((s = policy_of(reg, &row, &p, err)) != SEAL_OK) {
        goto out;
    }
    if (reference != NULL) {
        seal_policy_numbers num;
        seal_policy_get_numbers(p, &num);
        char key[SEAL_ID_SIZE + 16];
        snprintf(key, sizeof(key), "consent:%s", id);
        if (!num.consent_written_reference) {
            s = seal_error_set(err, SEAL_REFUSED,
                               "%s: under %s consent is confirmed by the subject; a written "
                               "consent's reference is not enough (PA-2)",
                               id, seal_policy_name(p));
        } else if (strcmp(row.agency, reg->me.agency) == 0) {
            s = seal_error_set(err, SEAL_REFUSED,
                               "%s: a reviewer may not be of the requesting agency (PA-2)", id);
        } else if ((s = seal_box_seal(reg->box, key, strlen(key), reference, strlen(reference),
                                      &ref_ct)) == SEAL_OK) {
            s = reg->ops->secret_put(reg->be, "consent", id, ref_ct.data, ref_ct.len, err);
        }
    } else {
        s = bound_to_all(reg, &row, &ct, err);
    }
    if (s != SEAL_OK ||
        (s = event(reg, &row, "request.consent_confirmed", "by",
                   reference != NULL ? "written_reference" : "subject", err)) != SEAL_OK) {
        goto out;
    }
    if (row.verdict == SEAL_VERDICT_APPROVED) {
        if ((s = activate(reg, &row, p, err)) == SEAL_OK) {
            s = event(reg, &row, "request.active", NULL, NULL, err);
        }
    } else {
        row.state = SEAL_RS_REVIEW;
    }
    if (s == SEAL_OK && (s = reg->ops->request_update(reg->be, &row, err)) == SEAL_OK) {
        in_tx = false;
        s = seal__reg_commit(reg, err);
        *state = (seal_request_state) row.state;
    }
out:
    if (in_tx) {
        seal__reg_rollback(reg);
    }
    seal_policy_free(p);
    seal_buf_cleanup(&ct);
    seal_buf_cleanup(&ref_ct);
    return s;
}

/* ---- close, renew, indict --------------------------------------------------------------- */

/* The request's own agency (requesters) or an approver role. */
static seal_status may_act(seal_registry *reg, const char *agency, const char *what,
                           seal_error *err)
{
    seal_status s = seal__reg_require(reg, 0, what, err);
    if (s == SEAL_OK && !(reg->me.roles & APPROVER_ROLES) &&
        !((reg->me.roles & ROLE(SEAL_ROLE_REQUESTER)) && strcmp(reg->me.agency, agency) == 0)) {
        s = seal_error_set(err, SEAL_PERM, "%s: principal %s may not act on this", what,
                           reg->me.id);
    }
    return s;
}

static seal_status end_cover(seal_registry *reg, const seal_reg_request *row, int state,
                             seal_error *err)
{
    seal_reg_cover c;
    if (!is_cover(row) || reg->ops->cover_get(reg->be, row->cover, &c, NULL) != SEAL_OK ||
        strcmp(c.latest, row->id) != 0) {
        return SEAL_OK;
    }
    if (state == SEAL_RS_VIOLATION) {
        /* PA-7 / MC-9: quarantined even when the cover already ended */
        c.flags |= SEAL_REQF_QUARANTINED;
        if (c.state == SEAL_RS_ACTIVE) {
            c.state = state;
        }
        return reg->ops->cover_update(reg->be, &c, err);
    }
    if (c.state != SEAL_RS_ACTIVE) {
        return SEAL_OK;
    }
    c.state = state;
    return reg->ops->cover_update(reg->be, &c, err);
}

seal_status seal_request_close(seal_registry *reg, const char *id, seal_error *err)
{
    seal_reg_request row;
    seal_status s = seal__reg_begin(reg, err);
    if (s != SEAL_OK) {
        return s;
    }
    if ((s = reg->ops->request_get(reg->be, id, &row, NULL, err)) == SEAL_OK &&
        (s = may_act(reg, row.agency, "request close", err)) == SEAL_OK) {
        if (row.state != SEAL_RS_ACTIVE && row.state != SEAL_RS_REVIEW &&
            row.state != SEAL_RS_CONSENT_PENDING) {
            s = seal_error_set(err, SEAL_REFUSED, "request %s is %s; only open requests close", id,
                               seal_request_state_name(row.state));
        } else {
            row.state = SEAL_RS_CLOSED;
            if ((s = end_cover(reg, &row, SEAL_RS_CLOSED, err)) == SEAL_OK &&
                (s = reg->ops->request_update(reg->be, &row, err)) == SEAL_OK &&
                (s = event(reg, &row, "request.closed", NULL, NULL, err)) == SEAL_OK) {
                return seal__reg_commit(reg, err);
            }
        }
    }
    seal__reg_rollback(reg);
    return s;
}

seal_status seal_request_renew(seal_registry *reg, const char *id, seal_error *err)
{
    seal_reg_request row;
    seal_policy *p = NULL;
    seal_status s = seal__reg_begin(reg, err);
    if (s != SEAL_OK) {
        return s;
    }
    if ((s = reg->ops->request_get(reg->be, id, &row, NULL, err)) == SEAL_OK &&
        (s = may_act(reg, row.agency, "request extend", err)) == SEAL_OK &&
        (s = policy_of(reg, &row, &p, err)) == SEAL_OK) {
        seal_policy_numbers num;
        seal_policy_get_numbers(p, &num);
        if (row.basis != SEAL_BASIS_PRESERVATION || row.state != SEAL_RS_ACTIVE) {
            s = seal_error_set(err, SEAL_REFUSED,
                               "request %s: only an active preservation is renewed this way; a "
                               "cover is extended by a new request (cover.extends)",
                               id);
        } else if (row.renewals >= num.preservation_renewals) {
            s = seal_error_set(err, SEAL_LIMIT,
                               "request %s: a preservation is renewed at most %lld time%s (PA-9)",
                               id, (long long) num.preservation_renewals,
                               num.preservation_renewals == 1 ? "" : "s");
        } else {
            row.renewals++;
            row.end += num.preservation_days * DAY;
            if ((s = reg->ops->request_update(reg->be, &row, err)) == SEAL_OK &&
                (s = event(reg, &row, "preservation.renewed", NULL, NULL, err)) == SEAL_OK) {
                seal_policy_free(p);
                return seal__reg_commit(reg, err);
            }
        }
    }
    seal_policy_free(p);
    seal__reg_rollback(reg);
    return s;
}

seal_status seal_cover_indict(seal_registry *reg, const char *cover, int64_t date, seal_error *err)
{
    seal_reg_cover c;
    seal_reg_request row;
    seal_status s = seal__reg_begin(reg, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (!seal_id_valid(cover)) {
        s = seal_error_set(err, SEAL_INVALID, "not a cover id");
    } else if ((s = reg->ops->cover_get(reg->be, cover, &c, err)) == SEAL_OK &&
               (s = may_act(reg, c.agency, "cover indict", err)) == SEAL_OK &&
               (s = reg->ops->request_get(reg->be, c.latest, &row, NULL, err)) == SEAL_OK) {
        if (c.indicted != 0) {
            s = seal_error_set(err, SEAL_EXISTS, "cover %s: an indictment is already recorded",
                               cover);
        } else if (date > reg->now) {
            s = seal_error_set(err, SEAL_INVALID, "cover %s: the indictment date is in the future",
                               cover);
        } else {
            char when[16];
            seal_date_format(when, sizeof(when), date);
            c.indicted = date;
            s = event(reg, &row, "cover.indicted", "date", when, err);
            /* MC-6: the cover ends, except fugitive and forfeiture covers */
            if (s == SEAL_OK && c.state == SEAL_RS_ACTIVE && c.ground != SEAL_GROUND_FUGITIVE &&
                c.ground != SEAL_GROUND_FORFEITURE) {
                c.state = SEAL_RS_CLOSED;
                if (row.state == SEAL_RS_ACTIVE) {
                    row.state = SEAL_RS_CLOSED;
                    s = reg->ops->request_update(reg->be, &row, err);
                }
                if (s == SEAL_OK) {
                    s = event(reg, &row, "cover.ended", "why", "indictment", err);
                }
            }
            if (s == SEAL_OK && (s = reg->ops->cover_update(reg->be, &c, err)) == SEAL_OK) {
                return seal__reg_commit(reg, err);
            }
        }
    }
    seal__reg_rollback(reg);
    return s;
}

/* ---- the sweep --------------------------------------------------------------------------- */

typedef struct rows {
    seal_reg_request *v;
    size_t n, cap;
} rows;

static seal_status collect(const seal_reg_request *row, void *ud)
{
    rows *rs = ud;
    if (rs->n == rs->cap) {
        size_t cap = rs->cap == 0 ? 64 : 2 * rs->cap;
        void *p = seal_realloc(rs->v, cap * sizeof(*rs->v));
        if (p == NULL) {
            return SEAL_NOMEM;
        }
        rs->v = p;
        rs->cap = cap;
    }
    rs->v[rs->n++] = *row;
    return SEAL_OK;
}

static seal_status action(seal_buf *out, size_t *n, const seal_reg_request *row, const char *what,
                          const char *rule)
{
    return seal_buf_printf(out, "%s{\"request\": \"%s\", \"action\": \"%s\", \"rule\": \"%s\"}",
                           (*n)++ > 0 ? ", " : "", row->id, what, rule);
}

/* A follow-up of emergency id is in review among the rows. */
static bool pending_in(const rows *rs, const char *id)
{
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->v[i].state == SEAL_RS_REVIEW && strcmp(rs->v[i].link, id) == 0) {
            return true;
        }
    }
    return false;
}

static seal_status sweep(seal_registry *reg, seal_buf *out, seal_error *err)
{
    rows rs = {0};
    size_t n = 0;
    seal_status s = seal__reg_begin(reg, err);
    if (s != SEAL_OK) {
        return s;
    }
    if ((s = reg->ops->request_each(reg->be, collect, &rs, err)) != SEAL_OK ||
        (s = seal_buf_append_str(out, "{\"actions\": [")) != SEAL_OK) {
        goto out;
    }
    for (size_t i = 0; i < rs.n && s == SEAL_OK; i++) {
        seal_reg_request *row = &rs.v[i];
        int before = row->state;
        uint32_t flags = row->flags;
        if (duty_open(row) && reg->now > row->follow_up_by && !pending_in(&rs, row->id)) {
            /* MC-9 / PA-7: no proper process in time: whatever its state now
             * (active, expired, closed after a production) it is a violation,
             * quarantined and reported. A follow-up still in review holds
             * the deadline until it is decided. */
            if ((s = violation(reg, row, false, err)) == SEAL_OK) {
                s = action(out, &n, row, "violation", rule_of(row, "MC-9", "PA-7"));
            }
        } else if (row->state == SEAL_RS_ACTIVE && reg->today > row->end) {
            /* MC-5 / PA-9: expiry by the clock, no manual override */
            row->state = SEAL_RS_EXPIRED;
            const char *rule = is_cover(row)                           ? "MC-5"
                               : row->basis == SEAL_BASIS_PRESERVATION ? "PA-9"
                                                                       : "PA-2";
            if ((s = end_cover(reg, row, SEAL_RS_EXPIRED, err)) == SEAL_OK &&
                (s = event(reg, row, "request.expired", NULL, NULL, err)) == SEAL_OK) {
                s = action(out, &n, row, "expired", rule);
            }
        } else if ((row->state == SEAL_RS_REVIEW || row->state == SEAL_RS_CONSENT_PENDING) &&
                   reg->now >= row->expires_at) {
            /* PA-2: unconfirmed consent expires with its basis, having
             * disclosed nothing */
            row->state = SEAL_RS_EXPIRED;
            if ((s = event(reg, row, "request.expired", NULL, NULL, err)) == SEAL_OK) {
                s = action(out, &n, row, "expired", "PA-2");
            }
        }
        /* PA-8: a delayed notice that ran out is due now */
        if (s == SEAL_OK && row->notice_until != 0 && !(row->flags & SEAL_REQF_NOTICE_SENT) &&
            reg->today > row->notice_until &&
            (row->state == SEAL_RS_ACTIVE || row->state == SEAL_RS_EXPIRED ||
             row->state == SEAL_RS_CLOSED)) {
            row->flags |= SEAL_REQF_NOTICE_SENT;
            if ((s = event(reg, row, "notice.due", NULL, NULL, err)) == SEAL_OK) {
                s = action(out, &n, row, "notice_due", "PA-8");
            }
        }
        if (s == SEAL_OK && (row->state != before || row->flags != flags)) {
            s = reg->ops->request_update(reg->be, row, err);
        }
    }
    /* every run is one event, even with nothing to do: the ledger shows
     * that the deadlines were enforced */
    char count[24];
    snprintf(count, sizeof(count), "%zu", n);
    const char *ids[] = {"actor", reg->has_principal ? reg->me.id : NULL, "actions", count};
    if (s == SEAL_OK &&
        (s = seal__reg_event(reg, "request.sweep", ids, 2, NULL, NULL, err)) == SEAL_OK &&
        (s = seal_buf_append_str(out, "]}")) == SEAL_OK) {
        seal_free(rs.v);
        return seal__reg_commit(reg, err);
    }
out:
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    seal_free(rs.v);
    seal__reg_rollback(reg);
    return s;
}

seal_status seal_request_sweep(seal_registry *reg, seal_buf *out, seal_error *err)
{
    seal_status s = seal__reg_require(reg, 0, "request sweep", err);
    return s == SEAL_OK ? sweep(reg, out, err) : s;
}

seal_status seal_request_sweep_clock(seal_registry *reg, seal_buf *out, seal_error *err)
{
    return sweep(reg, out, err);
}

/* ---- list and show ------------------------------------------------------------------------ */

static bool sees_all(const seal_registry *reg)
{
    return (reg->me.roles & (APPROVER_ROLES | ROLE(SEAL_ROLE_AUDITOR))) != 0;
}

static seal_status row_json(const seal_registry *reg, const seal_reg_request *row, seal_buf *out)
{
    char sub[24], end[16], fu[24], nu[16];
    seal_time_format(sub, sizeof(sub), row->submitted);
    seal_status s = seal_buf_printf(
        out,
        "{\"id\": \"%s\", \"agency\": \"%s\", \"submitter\": \"%s\", \"basis\": \"%s\", "
        "\"state\": \"%s\", \"policy\": \"%s\", \"submitted\": \"%s\"",
        row->id, row->agency, row->submitter, seal_basis_name((seal_basis) row->basis),
        seal_request_state_name(row->state), row->policy, sub);
    if (s == SEAL_OK && row->cover[0] != '\0') {
        s = seal_buf_printf(out, ", \"cover\": \"%s\"", row->cover);
    }
    if (s == SEAL_OK && row->link[0] != '\0') {
        s = seal_buf_printf(out, ", \"follows\": \"%s\"", row->link);
    }
    char other[SEAL_ID_SIZE];
    if (s == SEAL_OK && reg->ops->supersede_get(reg->be, row->id, false, other, NULL) == SEAL_OK) {
        s = seal_buf_printf(out, ", \"supersedes\": \"%s\"", other);
    }
    if (s == SEAL_OK && reg->ops->supersede_get(reg->be, row->id, true, other, NULL) == SEAL_OK) {
        s = seal_buf_printf(out, ", \"superseded_by\": \"%s\"", other);
    }
    if (s == SEAL_OK && row->state == SEAL_RS_REVIEW) {
        s = seal_buf_printf(out, ", \"needs\": {\"%s\": %lld", seal_role_name(row->role),
                            (long long) row->need);
        if (s == SEAL_OK && row->need_extra > 0) {
            s = seal_buf_printf(out, ", \"%s\": %lld", seal_role_name(row->extra_role),
                                (long long) row->need_extra);
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_byte(out, '}');
        }
    }
    if (s == SEAL_OK && row->state == SEAL_RS_ACTIVE && row->end > 0) {
        seal_date_format(end, sizeof(end), row->end);
        s = seal_buf_printf(out, ", \"ends\": \"%s\", \"days_left\": %lld", end,
                            (long long) days_left(row->end, reg->today));
    }
    if (s == SEAL_OK && (row->flags & SEAL_REQF_EMERGENCY)) {
        seal_time_format(fu, sizeof(fu), row->follow_up_by);
        int64_t left = row->follow_up_by - reg->now;
        s = seal_buf_printf(out,
                            ", \"emergency\": {\"follow_up_by\": \"%s\", \"hours_left\": %lld, "
                            "\"confirmed\": %s, \"quarantined\": %s, \"produced\": %s, "
                            "\"duty\": %s",
                            fu, (long long) (left > 0 ? (left + 3599) / 3600 : 0),
                            (row->flags & SEAL_REQF_CONFIRMED) ? "true" : "false",
                            (row->flags & SEAL_REQF_QUARANTINED) ? "true" : "false",
                            (row->flags & SEAL_REQF_PRODUCED) ? "true" : "false",
                            duty_open(row) ? "true" : "false");
        /* PA-7 / MC-9: the requesting agency is told of the violation */
        if (s == SEAL_OK && row->state == SEAL_RS_VIOLATION) {
            bool denied = (row->flags & SEAL_REQF_DENIED_FU) != 0;
            s = seal_buf_printf(
                out, ", \"violation\": {\"rule\": \"%s\", \"why\": \"%s\", \"message\": \"%s\"}",
                rule_of(row, "MC-9", "PA-7"), denied ? "follow_up_denied" : "no_follow_up",
                denied ? "the proper process that followed this emergency was denied: the "
                         "disclosure is a violation, its productions are quarantined and it is "
                         "reported"
                       : "no proper process confirmed this emergency by its deadline: the "
                         "disclosure is a violation, its productions are quarantined and it is "
                         "reported");
        }
        if (s == SEAL_OK) {
            s = seal_buf_append_byte(out, '}');
        }
    }
    if (s == SEAL_OK && row->notice_until != 0) {
        seal_date_format(nu, sizeof(nu), row->notice_until);
        s = seal_buf_printf(out, ", \"notice_delayed_until\": \"%s\"", nu);
    }
    if (s == SEAL_OK && row->basis != SEAL_BASIS_PRESERVATION) {
        s = seal_buf_printf(out, ", \"notice_sent\": %s",
                            (row->flags & SEAL_REQF_NOTICE_SENT) ? "true" : "false");
    }
    if (s == SEAL_OK && row->basis == SEAL_BASIS_PRESERVATION) {
        s = seal_buf_printf(out, ", \"renewals\": %lld, \"discloses\": false",
                            (long long) row->renewals);
    }
    if (s == SEAL_OK) { /* MC-10: what the requester is told (src/registry/retention.c) */
        s = seal__retain_notice_json(reg, row->id, out);
    }
    return s;
}

typedef struct list_ctx {
    const seal_registry *reg;
    seal_buf *out;
    size_t n;
    seal_error *err;
} list_ctx;

static seal_status list_row(const seal_reg_request *row, void *ud)
{
    list_ctx *l = ud;
    if (!sees_all(l->reg) && strcmp(row->agency, l->reg->me.agency) != 0) {
        return SEAL_OK;
    }
    seal_status s = l->n++ > 0 ? seal_buf_append_str(l->out, ",\n ") : SEAL_OK;
    if (s == SEAL_OK) {
        s = row_json(l->reg, row, l->out);
    }
    return s == SEAL_OK ? seal_buf_append_byte(l->out, '}') : s;
}

seal_status seal_request_list(seal_registry *reg, seal_buf *out, seal_error *err)
{
    seal_status s = seal__reg_require(reg, 0, "request list", err);
    if (s != SEAL_OK) {
        return s;
    }
    list_ctx l = {reg, out, 0, err};
    if ((s = seal_buf_append_byte(out, '[')) == SEAL_OK &&
        (s = reg->ops->request_each(reg->be, list_row, &l, err)) == SEAL_OK) {
        s = seal_buf_append_byte(out, ']');
    }
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    return s;
}

/* The reviewer's note, decrypted, as `, "note": "..."` (nothing without one). */
static seal_status note_json(const seal_registry *reg, const seal_reg_approval *a, seal_buf *out,
                             seal_error *err)
{
    char key[2 * SEAL_ID_SIZE + 2];
    note_key(key, sizeof(key), a->request, a->principal);
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    seal_status s = reg->ops->secret_get(reg->be, "note", key, &ct, err);
    if (s == SEAL_NOTFOUND) {
        s = SEAL_OK;
    } else if (s == SEAL_OK && (s = seal_box_unseal(reg->box, key, strlen(key), ct.data, ct.len,
                                                    &pt, err)) == SEAL_OK) {
        json_t *j = json_stringn((const char *) pt.data, pt.len);
        char *text = j != NULL ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
        s = text == NULL ? SEAL_NOMEM : seal_buf_printf(out, ", \"note\": %s", text);
        free(text);
        json_decref(j);
    }
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ct);
    return s;
}

static seal_status approval_json(const seal_reg_approval *a, void *ud)
{
    list_ctx *l = ud;
    char at[24];
    seal_time_format(at, sizeof(at), a->at);
    seal_status s = seal_buf_printf(
        l->out, "%s{\"principal\": \"%s\", \"decision\": \"%s\", \"role\": \"%s\", \"at\": \"%s\"",
        l->n++ > 0 ? ", " : "", a->principal, a->approve ? "approve" : "deny",
        seal_role_name(a->role), at);
    if (s == SEAL_OK) {
        s = note_json(l->reg, a, l->out, l->err);
    }
    return s == SEAL_OK ? seal_buf_append_byte(l->out, '}') : s;
}

seal_status seal_request_show(seal_registry *reg, const char *id, bool with_document, seal_buf *out,
                              seal_error *err)
{
    seal_reg_request row;
    seal_buf ct, pt;
    seal_buf_init(&ct);
    seal_buf_init(&pt);
    seal_status s = seal__reg_require(reg, 0, "request show", err);
    if (s == SEAL_OK) {
        s = reg->ops->request_get(reg->be, id, &row, &ct, err);
    }
    if (s == SEAL_OK && !sees_all(reg) && strcmp(row.agency, reg->me.agency) != 0) {
        s = seal_error_set(err, SEAL_PERM, "request %s is not visible to principal %s", id,
                           reg->me.id);
    }
    /* the document names people: auditors read the ledger, not documents */
    if (s == SEAL_OK && with_document && (reg->me.roles & APPROVER_ROLES) == 0 &&
        strcmp(row.agency, reg->me.agency) != 0) {
        s = seal_error_set(err, SEAL_PERM, "principal %s may not read request documents",
                           reg->me.id);
    }
    list_ctx l = {reg, out, 0, err};
    if (s == SEAL_OK && (s = row_json(reg, &row, out)) == SEAL_OK &&
        (s = seal_buf_append_str(out, ", \"approvals\": [")) == SEAL_OK &&
        (s = reg->ops->approval_each(reg->be, id, approval_json, &l, err)) == SEAL_OK) {
        s = seal_buf_append_byte(out, ']');
    }
    /* PA-2: the reviewer of a superseding request sees why the first was denied */
    char old_id[SEAL_ID_SIZE];
    seal_reg_request old;
    if (s == SEAL_OK && reg->ops->supersede_get(reg->be, row.id, false, old_id, NULL) == SEAL_OK &&
        reg->ops->request_get(reg->be, old_id, &old, NULL, NULL) == SEAL_OK) {
        list_ctx lo = {reg, out, 0, err};
        if ((s = seal_buf_printf(out,
                                 ", \"superseded\": {\"id\": \"%s\", \"state\": \"%s\", "
                                 "\"approvals\": [",
                                 old.id, seal_request_state_name(old.state))) == SEAL_OK &&
            (s = reg->ops->approval_each(reg->be, old.id, approval_json, &lo, err)) == SEAL_OK) {
            s = seal_buf_append_str(out, "]}");
        }
    }
    /* a refused submission kept its decision and digest, not its body */
    if (s == SEAL_OK && row.state == SEAL_RS_REFUSED && ct.len == 0) {
        char key[SEAL_ID_SIZE + 16];
        seal_buf kc;
        seal_buf_init(&kc);
        refusal_key(key, sizeof(key), row.id);
        seal_status k = reg->ops->secret_get(reg->be, "refusal", row.id, &kc, err);
        if (k == SEAL_OK && (s = seal_buf_append_str(
                                 out, ", \"document_kept\": false, \"refusal\": ")) == SEAL_OK) {
            s = seal_box_unseal(reg->box, key, strlen(key), kc.data, kc.len, out, err);
        } else if (k != SEAL_NOTFOUND) {
            s = k;
        }
        seal_buf_cleanup(&kc);
        if (s == SEAL_OK && with_document) {
            s = seal_error_set(err, SEAL_NOTFOUND,
                               "request %s was refused: its document was not kept, only the "
                               "decision and the document's keyed digest",
                               row.id);
        }
    }
    if (s == SEAL_OK && with_document) {
        if ((s = seal_box_unseal(reg->box, row.id, strlen(row.id), ct.data, ct.len, &pt, err)) ==
                SEAL_OK &&
            (s = seal_buf_append_str(out, ", \"document\": ")) == SEAL_OK) {
            s = seal_buf_append(out, pt.data, pt.len);
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_append_byte(out, '}');
    }
    if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    if (pt.data != NULL) {
        seal__wipe(pt.data, pt.len);
    }
    seal_buf_cleanup(&pt);
    seal_buf_cleanup(&ct);
    return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Proof by exhaustion. The space a policy decides over is finite: legal
 * basis x category (or none) x purpose x with/without a signed order x the
 * role of the principal who would approve. verify runs the real evaluator on
 * a complete synthetic request for every point and checks invariants that
 * must hold for any policy (no subpoena ever unlocks mail_exterior, nothing
 * is approved without named subjects, no policy is looser than the law as
 * written, ...); diff lists every point whose outcome differs between two
 * policies.
 */
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"
#include "request/request_int.h"
#include "sealed/alloc.h"

#define DAY 86400
#define NOW 1795000000            /* 2026-11-18: a fixed clock, so results are reproducible */
#define NCAT (SEAL_CAT_COUNT + 1) /* the last one is "no category" */

typedef struct outcome {
    seal_verdict verdict;
    unsigned approvers;
    int role;
    const char *code; /* first refusing reason */
} outcome;

typedef struct space {
    outcome o[SEAL_BASIS_COUNT][NCAT][SEAL_PURPOSE_COUNT][2];
} space;

static const char facts[] =
    "Specific and articulable facts: the subject received fourteen parcels at this address "
    "that were later found to contain a controlled substance, as the laboratory confirmed.";

static seal_status blank(seal_request **out)
{
    seal_request *r = NULL;
    seal_status s = seal__request_new_blank(&r);
    if (s != SEAL_OK) {
        return s;
    }
    const char key[] = "80204|1400|W COLFAX AVE|3";
    if ((s = seal_buf_append(&r->keys, key, sizeof(key))) != SEAL_OK) {
        seal_request_free(r);
        return s;
    }
    *out = r;
    return SEAL_OK;
}

static void fill(seal_request *r, int b, int c, int pu, bool signed_order, size_t subjects)
{
    r->basis = b;
    r->purpose = pu;
    r->agency = "agency-a";
    r->official = "official";
    r->reference = "REF-1";
    r->issued_by = "court";
    r->facts = facts;
    r->facts_chars = 4000;
    r->offense = "18 USC 1708";
    r->has_issued = r->has_expires = true;
    r->issued_at = NOW - DAY;
    r->expires_at = NOW + 400 * DAY;
    r->order = signed_order ? "signed" : NULL;
    r->order_len = signed_order ? 6 : 0;
    r->categories = c < SEAL_CAT_COUNT ? 1u << c : 0;
    r->categories_present = true;
    r->has_window = true;
    r->win_from = (NOW / DAY) * DAY;
    r->win_to = r->win_from + 29 * DAY;
    r->n_subjects = subjects;
    r->subjects[0] = (seal__subject){.type = SEAL_SUBJECT_PERSON,
                                     .ok = true,
                                     .addr_key = 0,
                                     .ident_key = 0,
                                     .name = "n",
                                     .address = "a"};
    memset(&r->cover, 0, sizeof(r->cover));
    r->cover.ground = -1;
    r->cover.addr_key = SEAL__NO_KEY;
    r->cover.days = -1;
    if (b == SEAL_BASIS_MAIL_COVER) {
        r->cover.present = true;
        /* the ground that serves the purpose; crime (a mismatch) otherwise */
        static const int ground_of[SEAL_PURPOSE_COUNT] = {
            SEAL_GROUND_CRIME,      SEAL_GROUND_FUGITIVE,       SEAL_GROUND_NATIONAL_SECURITY,
            SEAL_GROUND_FORFEITURE, SEAL_GROUND_POSTAL_STATUTE, SEAL_GROUND_CRIME,
            SEAL_GROUND_CRIME,      SEAL_GROUND_CRIME};
        r->cover.ground = ground_of[pu];
        r->cover.address = "a";
        r->cover.addr_key = 0;
        r->cover.has_start = true;
        r->cover.start = r->win_from;
        r->cover.days = 30;
        r->cover.supervisor = "s";
        r->cover.indicted = 0;
        r->cover.attorney_set = true;
        r->cover.subject_is_attorney = 0;
    }
    if (b == SEAL_BASIS_EMERGENCY) {
        /* PA-7: an emergency's window ends by the day it is asked */
        r->win_to = r->win_from;
        r->win_from = r->win_to - 29 * DAY;
    }
    r->emergency_present = b == SEAL_BASIS_EMERGENCY;
    r->attestation = r->emergency_present ? facts : NULL;
    r->attestation_chars = r->emergency_present ? 4000 : 0;
}

static void run(const seal_policy *p, seal_request *r, seal_decision *d, int b, int c, int pu,
                bool sig, size_t subjects, outcome *o)
{
    seal_check_options opt;
    seal_check_options_init(&opt, NOW);
    opt.skip_signatures = true;
    fill(r, b, c, pu, sig, subjects);
    seal_policy_check(p, r, &opt, d);
    o->verdict = d->verdict;
    o->approvers = d->approvers;
    o->role = p->approver_role[b];
    o->code = NULL;
    for (size_t i = 0; i < d->n_reasons; i++) {
        if (d->reasons[i].severity == SEAL_SEVERITY_REFUSE) {
            o->code = d->reasons[i].code;
            break;
        }
    }
}

static seal_status enumerate(const seal_policy *p, space *sp, size_t *subjectless_ok)
{
    seal_request *r = NULL;
    seal_decision *d = seal_malloc(sizeof(*d));
    seal_status s = d != NULL ? blank(&r) : SEAL_NOMEM;
    if (s != SEAL_OK) {
        seal_free(d);
        return s;
    }
    *subjectless_ok = 0;
    for (int b = 0; b < SEAL_BASIS_COUNT; b++) {
        for (int c = 0; c < NCAT; c++) {
            for (int pu = 0; pu < SEAL_PURPOSE_COUNT; pu++) {
                for (int sig = 0; sig < 2; sig++) {
                    run(p, r, d, b, c, pu, sig, 1, &sp->o[b][c][pu][sig]);
                    outcome none;
                    run(p, r, d, b, c, pu, sig, 0, &none);
                    if (none.verdict != SEAL_VERDICT_REFUSED) {
                        (*subjectless_ok)++;
                    }
                }
            }
        }
    }
    seal_request_free(r);
    seal_free(d);
    return SEAL_OK;
}

/* The outcome for one role: what that principal can do with the request. */
static void describe(const outcome *o, int role, char *out, size_t n)
{
    if (o->verdict == SEAL_VERDICT_REFUSED) {
        snprintf(out, n, "refused (%s)", o->code != NULL ? o->code : "?");
    } else if (o->verdict == SEAL_VERDICT_APPROVED) {
        snprintf(out, n, "served at once");
    } else if (role == o->role) {
        snprintf(out, n, "may approve (%u needed)", o->approvers);
    } else {
        snprintf(out, n, "may not approve");
    }
}

static const char *cat_label(int c)
{
    return c < SEAL_CAT_COUNT ? seal_category_name((seal_category) c) : "(none)";
}

typedef struct inv {
    const char *id;
    const char *statement;
    size_t checked;
    size_t failed;
    char examples[512];
} inv;

static void fail_at(inv *v, int b, int c, int pu, int sig)
{
    v->failed++;
    if (v->failed <= 4) {
        size_t l = strlen(v->examples);
        snprintf(v->examples + l, sizeof(v->examples) - l, "%s\"%s/%s/%s/%s\"", l > 0 ? ", " : "",
                 seal_basis_name((seal_basis) b), cat_label(c),
                 seal_purpose_name((seal_purpose) pu), sig ? "signed" : "unsigned");
    }
}

static bool allowed(const outcome *o)
{
    return o->verdict != SEAL_VERDICT_REFUSED;
}

seal_status seal_policy_verify(const seal_policy *p, seal_buf *report, seal_error *err)
{
    space *sp = seal_malloc(sizeof(*sp));
    space *law = seal_malloc(sizeof(*law));
    seal_policy *cfr = NULL;
    seal_status s = SEAL_NOMEM;
    size_t subjectless = 0, dummy = 0;
    if (sp == NULL || law == NULL) {
        seal_error_set(err, s, "verify: out of memory");
        goto out;
    }
    if ((s = seal_policy_builtin("cfr-233", &cfr, err)) != SEAL_OK ||
        (s = enumerate(p, sp, &subjectless)) != SEAL_OK ||
        (s = enumerate(cfr, law, &dummy)) != SEAL_OK) {
        goto out;
    }
    inv v[] = {
        {"no-subpoena-mail-exterior", "no subpoena ever unlocks mail_exterior (PA-5)", 0, 0, ""},
        {"no-consent-emergency-mail-exterior",
         "consent, emergency and preservation never unlock mail_exterior (PA-5)", 0, 0, ""},
        {"preservation-discloses-nothing", "preservation discloses no category (PA-9)", 0, 0, ""},
        {"cover-only-mail-exterior", "a mail_cover unlocks mail_exterior and nothing else (PA-5)",
         0, 0, ""},
        {"named-subjects", "every approval needs named subjects (PA-6)", 0, 0, ""},
        {"approver-roles",
         "only reviewer, cover_approver or hq_approver approve; never the requester, subject, "
         "auditor, issuer or privacy_officer (MC-2, PA-2)",
         0, 0, ""},
        {"cover-approvers", "covers are approved only by cover_approver, at least one (MC-2)", 0, 0,
         ""},
        {"served-at-once-only-emergency",
         "nothing is served without review except emergencies (PA-7)", 0, 0, ""},
        {"signed-order-enforced",
         "where the policy requires a signed order, no request without one is allowed", 0, 0, ""},
        {"not-looser-than-law", "nothing is allowed that cfr-233 (the law as written) refuses", 0,
         0, ""},
        {"basis-derivable", "every allowed disclosure has a Privacy Act basis (PA-1)", 0, 0, ""},
        {"emergency-purposes",
         "an emergency serves only health_safety or fugitive, nothing else (PA-7)", 0, 0, ""},
        {"emergency-customer-data",
         "an emergency unlocks customer data categories only, never mail_exterior (PA-7)", 0, 0,
         ""},
        {"emergency-limits",
         "an emergency names at most subjects_max subjects and a window of at most "
         "window_days_max days, both limits at least 1 (PA-7)",
         0, 0, ""},
    };
    for (int b = 0; b < SEAL_BASIS_COUNT; b++) {
        for (int c = 0; c < NCAT; c++) {
            for (int pu = 0; pu < SEAL_PURPOSE_COUNT; pu++) {
                for (int sig = 0; sig < 2; sig++) {
                    const outcome *o = &sp->o[b][c][pu][sig];
                    bool mx = c == SEAL_CAT_MAIL_EXTERIOR;
                    if (b == SEAL_BASIS_SUBPOENA && mx) {
                        v[0].checked++;
                        if (allowed(o)) {
                            fail_at(&v[0], b, c, pu, sig);
                        }
                    }
                    if ((b == SEAL_BASIS_CONSENT || b == SEAL_BASIS_EMERGENCY ||
                         b == SEAL_BASIS_PRESERVATION) &&
                        mx) {
                        v[1].checked++;
                        if (allowed(o)) {
                            fail_at(&v[1], b, c, pu, sig);
                        }
                    }
                    if (b == SEAL_BASIS_PRESERVATION && c < SEAL_CAT_COUNT) {
                        v[2].checked++;
                        if (allowed(o)) {
                            fail_at(&v[2], b, c, pu, sig);
                        }
                    }
                    if (b == SEAL_BASIS_MAIL_COVER && !mx) {
                        v[3].checked++;
                        if (allowed(o)) {
                            fail_at(&v[3], b, c, pu, sig);
                        }
                    }
                    if (allowed(o)) {
                        v[5].checked++;
                        if (o->verdict == SEAL_VERDICT_REVIEW && o->role != SEAL__ROLE_REVIEWER &&
                            o->role != SEAL__ROLE_COVER_APPROVER &&
                            o->role != SEAL__ROLE_HQ_APPROVER) {
                            fail_at(&v[5], b, c, pu, sig);
                        }
                        v[7].checked++;
                        if (o->verdict == SEAL_VERDICT_APPROVED && b != SEAL_BASIS_EMERGENCY) {
                            fail_at(&v[7], b, c, pu, sig);
                        }
                        v[9].checked++;
                        if (!allowed(&law->o[b][c][pu][sig])) {
                            fail_at(&v[9], b, c, pu, sig);
                        }
                        v[10].checked++;
                        if (c < SEAL_CAT_COUNT && !p->discloses[b]) {
                            fail_at(&v[10], b, c, pu, sig);
                        }
                    }
                    if (b == SEAL_BASIS_MAIL_COVER && allowed(o)) {
                        v[6].checked++;
                        if (o->role != SEAL__ROLE_COVER_APPROVER || o->approvers < 1) {
                            fail_at(&v[6], b, c, pu, sig);
                        }
                    }
                    if (!sig && (p->signed_order[b] ||
                                 (p->cats_need_order & (1u << c) && c < SEAL_CAT_COUNT))) {
                        v[8].checked++;
                        if (allowed(o)) {
                            fail_at(&v[8], b, c, pu, sig);
                        }
                    }
                }
            }
        }
    }
    /* PA-7: the emergency basis, read from the tables themselves */
    for (int pu = 0; pu < SEAL_PURPOSE_COUNT; pu++) {
        v[11].checked++;
        if ((p->purpose_bases[pu] & (1u << SEAL_BASIS_EMERGENCY)) &&
            pu != SEAL_PURPOSE_HEALTH_SAFETY && pu != SEAL_PURPOSE_FUGITIVE) {
            v[11].failed++;
            if (v[11].failed <= 4) {
                size_t l = strlen(v[11].examples);
                snprintf(v[11].examples + l, sizeof(v[11].examples) - l, "%s\"%s\"",
                         l > 0 ? ", " : "", seal_purpose_name((seal_purpose) pu));
            }
        }
    }
    for (int c = 0; c < SEAL_CAT_COUNT; c++) {
        v[12].checked++;
        if ((p->unlock[SEAL_BASIS_EMERGENCY] & (1u << c)) && !(p->customer_cats & (1u << c))) {
            v[12].failed++;
            if (v[12].failed <= 4) {
                size_t l = strlen(v[12].examples);
                snprintf(v[12].examples + l, sizeof(v[12].examples) - l, "%s\"%s\"",
                         l > 0 ? ", " : "", cat_label(c));
            }
        }
    }
    v[13].checked = 2;
    if (p->emergency_subjects_max < 1 || p->emergency_subjects_max > p->subjects_max) {
        v[13].failed++;
        snprintf(v[13].examples, sizeof(v[13].examples), "\"emergency_subjects_max\"");
    }
    if (p->emergency_window_days_max < 1 || p->emergency_window_days_max > p->window_days_max) {
        v[13].failed++;
        size_t l = strlen(v[13].examples);
        snprintf(v[13].examples + l, sizeof(v[13].examples) - l, "%s\"emergency_window_days_max\"",
                 l > 0 ? ", " : "");
    }
    v[4].checked = (size_t) SEAL_BASIS_COUNT * NCAT * SEAL_PURPOSE_COUNT * 2;
    v[4].failed = subjectless;
    bool holds = true;
    size_t combos = (size_t) SEAL_BASIS_COUNT * NCAT * SEAL_PURPOSE_COUNT * 2 * SEAL__ROLE_COUNT;
    s = seal_buf_printf(report,
                        "{\"policy\": {\"name\": \"%s\", \"sha256\": \"%s\"}, \"space\": "
                        "{\"bases\": %d, \"categories\": %d, \"purposes\": %d, \"orders\": 2, "
                        "\"roles\": %d, \"combinations\": %zu}, \"invariants\": [",
                        p->name, p->sha256, SEAL_BASIS_COUNT, NCAT, SEAL_PURPOSE_COUNT,
                        SEAL__ROLE_COUNT, combos);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]) && s == SEAL_OK; i++) {
        holds = holds && v[i].failed == 0;
        s = seal_buf_printf(report,
                            "%s{\"id\": \"%s\", \"statement\": \"%s\", \"checked\": %zu, "
                            "\"holds\": %s, \"counterexamples\": [%s]}",
                            i > 0 ? ", " : "", v[i].id, v[i].statement, v[i].checked,
                            v[i].failed == 0 ? "true" : "false", v[i].examples);
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(report, "], \"holds\": %s}", holds ? "true" : "false");
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "verify: out of memory");
        goto out;
    }
    s = holds ? SEAL_OK
              : seal_error_set(err, SEAL_VERIFY, "%s: an invariant does not hold", p->name);
out:
    seal_policy_free(cfr);
    seal_free(sp);
    seal_free(law);
    return s;
}

seal_status seal_policy_diff(const seal_policy *a, const seal_policy *b, seal_buf *report,
                             size_t *n_diff, seal_error *err)
{
    space *sa = seal_malloc(sizeof(*sa));
    space *sb = seal_malloc(sizeof(*sb));
    seal_status s = SEAL_NOMEM;
    size_t dummy;
    *n_diff = 0;
    if (sa == NULL || sb == NULL || (s = enumerate(a, sa, &dummy)) != SEAL_OK ||
        (s = enumerate(b, sb, &dummy)) != SEAL_OK) {
        seal_error_set(err, s, "diff: out of memory");
        goto out;
    }
    s = seal_buf_printf(report,
                        "{\"a\": {\"name\": \"%s\", \"sha256\": \"%s\"}, \"b\": {\"name\": "
                        "\"%s\", \"sha256\": \"%s\"}, \"differences\": [",
                        a->name, a->sha256, b->name, b->sha256);
    for (int x = 0; x < SEAL_BASIS_COUNT && s == SEAL_OK; x++) {
        for (int c = 0; c < NCAT && s == SEAL_OK; c++) {
            for (int pu = 0; pu < SEAL_PURPOSE_COUNT && s == SEAL_OK; pu++) {
                for (int sig = 0; sig < 2 && s == SEAL_OK; sig++) {
                    for (int role = 0; role < SEAL__ROLE_COUNT && s == SEAL_OK; role++) {
                        char da[64], db[64];
                        describe(&sa->o[x][c][pu][sig], role, da, sizeof(da));
                        describe(&sb->o[x][c][pu][sig], role, db, sizeof(db));
                        /* equal classes (refused / served / may approve / may not) are
                         * no difference, whatever reason each refusal gives */
                        size_t ka = strcspn(da, " ("), kb = strcspn(db, " (");
                        bool both_refused =
                            strncmp(da, "refused", 7) == 0 && strncmp(db, "refused", 7) == 0;
                        if (both_refused || (ka == kb && strcmp(da, db) == 0)) {
                            continue;
                        }
                        s = seal_buf_printf(
                            report,
                            "%s\n  {\"basis\": \"%s\", \"category\": \"%s\", \"purpose\": \"%s\", "
                            "\"order\": \"%s\", \"role\": \"%s\", \"a\": \"%s\", \"b\": \"%s\"}",
                            *n_diff > 0 ? "," : "", seal_basis_name((seal_basis) x), cat_label(c),
                            seal_purpose_name((seal_purpose) pu), sig ? "signed" : "unsigned",
                            seal__role_name(role), da, db);
                        (*n_diff)++;
                    }
                }
            }
        }
    }
    if (s == SEAL_OK) {
        s = seal_buf_printf(report, "%s], \"count\": %zu}", *n_diff > 0 ? "\n" : "", *n_diff);
    }
    if (s != SEAL_OK) {
        seal_error_set(err, s, "diff: out of memory");
    }
out:
    seal_free(sa);
    seal_free(sb);
    return s;
}

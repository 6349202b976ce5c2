/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading policy files (docs/policy.md): strict JSON (closed lists of keys,
 * duplicate keys refused), every number checked against sane bounds, every
 * name against the closed lists of DESIGN.md, then turned into the
 * precomputed tables of policy_int.h. The SHA-256 of the file's exact bytes
 * identifies the policy in every decision and ledger entry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/crypto_sha256.h"
#include "policy/policy_int.h"
#include "sealed/alloc.h"

extern const unsigned char seal__policy_strict_json[];
extern const size_t seal__policy_strict_json_len;
extern const unsigned char seal__policy_cfr233_json[];
extern const size_t seal__policy_cfr233_json_len;

static const char *const role_names[SEAL__ROLE_COUNT] = {
    "requester",       "reviewer", "cover_approver", "hq_approver",
    "privacy_officer", "issuer",   "auditor",        "subject"};

static const char *const protect_names[SEAL_PROTECT_KIND_COUNT] = {
    "protective_order", "attorney", "house_of_worship", "news", "political", "medical"};

const char *seal_role_name(int role)
{
    return seal__role_name(role);
}

int seal_role_from_name(const char *s)
{
    for (int i = 0; i < SEAL__ROLE_COUNT; i++) {
        if (strcmp(role_names[i], s) == 0) {
            return i;
        }
    }
    return -1;
}

void seal_policy_get_numbers(const seal_policy *p, seal_policy_numbers *out)
{
    out->cover_cumulative = p->cover_cumulative;
    out->ns_cumulative = p->ns_cumulative;
    out->beyond_cumulative_role = p->beyond_cumulative_role;
    out->follow_up_hours = p->follow_up_hours;
    out->notice_days_max = p->notice_days_max;
    out->preservation_days = p->preservation_days;
    out->preservation_renewals = p->preservation_renewals;
    out->cover_approver_agency = p->cover_approver_agency;
    out->consent_written_reference = p->consent_written_reference;
    out->cover_records_days = p->cover_records_days;
    out->cover_return_alert_days = p->cover_return_alert_days;
    out->accounting_years = p->accounting_years;
    out->key_backup_grace_days = p->key_backup_grace_days;
    out->amend_ack_working_days = p->amend_ack_days;
    out->amend_review_working_days = p->amend_review_days;
}

const char *seal__role_name(int role)
{
    return role >= 0 && role < SEAL__ROLE_COUNT ? role_names[role] : NULL;
}

typedef struct ctx {
    const char *source;
    seal_error *err;
    seal_status st;
} ctx;

static bool fail(ctx *c, const char *ptr, const char *what)
{
    if (c->st == SEAL_OK) {
        c->st = seal_error_set(c->err, SEAL_INVALID, "%s: %s: %s", c->source,
                               ptr[0] != '\0' ? ptr : "/", what);
    }
    return false;
}

/* Every key of obj must be in names (NULL-terminated). */
static bool closed(ctx *c, json_t *obj, const char *ptr, const char *const *names)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool ok = false;
        for (size_t i = 0; names[i] != NULL; i++) {
            ok = ok || strcmp(names[i], key) == 0;
        }
        if (!ok) {
            char p[160];
            snprintf(p, sizeof(p), "%s/%s", ptr, key);
            return fail(c, p, "unknown key");
        }
    }
    return true;
}

static json_t *member(ctx *c, json_t *obj, const char *ptr, const char *key, int type)
{
    char p[160];
    snprintf(p, sizeof(p), "%s/%s", ptr, key);
    json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        fail(c, p, "missing");
        return NULL;
    }
    if (type >= 0 && json_typeof(v) != (json_type) type &&
        !(type == JSON_TRUE && json_is_boolean(v))) {
        fail(c, p,
             type == JSON_OBJECT    ? "must be an object"
             : type == JSON_ARRAY   ? "must be an array"
             : type == JSON_STRING  ? "must be a string"
             : type == JSON_INTEGER ? "must be an integer"
                                    : "must be true or false");
        return NULL;
    }
    return v;
}

static bool number(ctx *c, json_t *obj, const char *ptr, const char *key, int64_t lo, int64_t hi,
                   int64_t *out)
{
    json_t *v = member(c, obj, ptr, key, JSON_INTEGER);
    if (v == NULL) {
        return false;
    }
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi) {
        char p[160], m[96];
        snprintf(p, sizeof(p), "%s/%s", ptr, key);
        snprintf(m, sizeof(m), "must be between %lld and %lld", (long long) lo, (long long) hi);
        return fail(c, p, m);
    }
    *out = (int64_t) x;
    return true;
}

typedef int (*name_fn)(const char *, size_t);

static int basis_lookup(const char *s, size_t n)
{
    return seal_basis_from_name(s, n);
}

static int cat_lookup(const char *s, size_t n)
{
    return seal_category_from_name(s, n);
}

static int role_lookup(const char *s, size_t n)
{
    for (int i = 0; i < SEAL__ROLE_COUNT; i++) {
        if (strlen(role_names[i]) == n && memcmp(role_names[i], s, n) == 0) {
            return i;
        }
    }
    return -1;
}

/* A list of distinct names from a closed list, as a bitmask. */
static bool name_set(ctx *c, json_t *obj, const char *ptr, const char *key, name_fn fn,
                     uint32_t *out)
{
    json_t *arr = member(c, obj, ptr, key, JSON_ARRAY);
    if (arr == NULL) {
        return false;
    }
    *out = 0;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        char p[160];
        snprintf(p, sizeof(p), "%s/%s/%zu", ptr, key, i);
        int x = json_is_string(v) ? fn(json_string_value(v), json_string_length(v)) : -1;
        if (x < 0) {
            return fail(c, p, "not a known name");
        }
        if (*out & (1u << x)) {
            return fail(c, p, "named twice");
        }
        *out |= 1u << x;
    }
    return true;
}

static bool role_of(ctx *c, json_t *obj, const char *ptr, const char *key, int *out)
{
    json_t *v = member(c, obj, ptr, key, JSON_STRING);
    if (v == NULL) {
        return false;
    }
    *out = role_lookup(json_string_value(v), json_string_length(v));
    if (*out < 0) {
        char p[160];
        snprintf(p, sizeof(p), "%s/%s", ptr, key);
        return fail(c, p, "not a role");
    }
    return true;
}

static bool load_bases(ctx *c, seal_policy *p, json_t *root)
{
    static const char *const keys[] = {"privacy_act",
                                       "unlocks",
                                       "signed_order",
                                       "signed_order_in_emergency",
                                       "review",
                                       "written_consent_reference",
                                       NULL};
    static const char *const rkeys[] = {"approvers", "role", NULL};
    const char *bnames[SEAL_BASIS_COUNT + 1];
    json_t *bases = member(c, root, "", "bases", JSON_OBJECT);
    if (bases == NULL) {
        return false;
    }
    for (int b = 0; b < SEAL_BASIS_COUNT; b++) {
        bnames[b] = seal_basis_name((seal_basis) b);
    }
    bnames[SEAL_BASIS_COUNT] = NULL;
    if (!closed(c, bases, "/bases", bnames)) {
        return false;
    }
    for (int b = 0; b < SEAL_BASIS_COUNT; b++) {
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/bases/%s", bnames[b]);
        json_t *o = member(c, bases, "/bases", bnames[b], JSON_OBJECT);
        if (o == NULL || !closed(c, o, ptr, keys)) {
            return false;
        }
        json_t *pa = member(c, o, ptr, "privacy_act", -1);
        if (pa == NULL) {
            return false;
        }
        if (!json_is_null(pa) && !json_is_string(pa)) {
            char pp[96];
            snprintf(pp, sizeof(pp), "%s/privacy_act", ptr);
            return fail(c, pp, "must be a string or null");
        }
        p->discloses[b] = json_is_string(pa);
        if (!name_set(c, o, ptr, "unlocks", cat_lookup, &p->unlock[b])) {
            return false;
        }
        if (p->unlock[b] != 0 && !p->discloses[b]) {
            char pp[96];
            snprintf(pp, sizeof(pp), "%s/privacy_act", ptr);
            return fail(c, pp, "a basis that unlocks categories needs a Privacy Act basis (PA-1)");
        }
        json_t *so = member(c, o, ptr, "signed_order", JSON_TRUE);
        if (so == NULL) {
            return false;
        }
        p->signed_order[b] = json_is_true(so);
        json_t *se = json_object_get(o, "signed_order_in_emergency");
        if (se != NULL) {
            if (b != SEAL_BASIS_MAIL_COVER || !json_is_boolean(se)) {
                char pp[96];
                snprintf(pp, sizeof(pp), "%s/signed_order_in_emergency", ptr);
                return fail(c, pp, "a boolean, allowed for mail_cover only");
            }
            p->signed_order_in_emergency = json_is_true(se);
        } else if (b == SEAL_BASIS_MAIL_COVER) {
            p->signed_order_in_emergency = p->signed_order[b];
        }
        /* PA-2: whether a reviewer's record of written consent stands in
         * for the subject's own confirmation (default false) */
        json_t *wc = json_object_get(o, "written_consent_reference");
        if (wc != NULL) {
            if (b != SEAL_BASIS_CONSENT || !json_is_boolean(wc)) {
                char pp[96];
                snprintf(pp, sizeof(pp), "%s/written_consent_reference", ptr);
                return fail(c, pp, "a boolean, allowed for consent only");
            }
            p->consent_written_reference = json_is_true(wc);
        }
        char rp[96];
        snprintf(rp, sizeof(rp), "%s/review", ptr);
        json_t *rv = member(c, o, ptr, "review", JSON_OBJECT);
        int64_t n;
        if (rv == NULL || !closed(c, rv, rp, rkeys) || !number(c, rv, rp, "approvers", 0, 5, &n) ||
            !role_of(c, rv, rp, "role", &p->approver_role[b])) {
            return false;
        }
        p->approvers[b] = (unsigned) n;
        const char *role = role_names[p->approver_role[b]];
        if (n == 0) {
            snprintf(p->review_msg[b], sizeof(p->review_msg[b]), "served at once");
        } else if (n == 1) {
            snprintf(p->review_msg[b], sizeof(p->review_msg[b]),
                     "needs approval by one %s, not of the requesting agency", role);
        } else {
            snprintf(p->review_msg[b], sizeof(p->review_msg[b]),
                     "needs approval by %u distinct principals with role %s, none of the "
                     "requesting agency",
                     (unsigned) n, role);
        }
    }
    if (p->approvers[SEAL_BASIS_MAIL_COVER] > 0 &&
        p->approver_role[SEAL_BASIS_MAIL_COVER] != SEAL__ROLE_COVER_APPROVER) {
        return fail(c, "/bases/mail_cover/review/role",
                    "covers are approved by cover_approver (MC-2)");
    }
    return true;
}

/* LAW.md MC-2: under cfr-233 a cover's approver is "from the inspection
 * service, not from the requesting agency"; under strict the two approvers
 * are only "neither from the requesting agency". The policy says which in
 * "/cover/approver_agency"; the lifecycle enforces it at review. */
static bool load_approver_agency(ctx *c, seal_policy *p, json_t *cover)
{
    static const char *const names[] = {"other_than_requesting", "inspection_service"};
    json_t *v = member(c, cover, "/cover", "approver_agency", JSON_STRING);
    if (v == NULL) {
        return false;
    }
    const char *s = json_string_value(v);
    int k = -1;
    for (int i = 0; i < 2; i++) {
        if (strcmp(s, names[i]) == 0) {
            k = i;
        }
    }
    if (k < 0) {
        return fail(c, "/cover/approver_agency",
                    "must be \"other_than_requesting\" or \"inspection_service\"");
    }
    p->cover_approver_agency = k;
    const unsigned n = p->approvers[SEAL_BASIS_MAIL_COVER];
    if (k == SEAL_COVER_APPROVERS_INSPECTION_SERVICE && n > 0) {
        char *m = p->review_msg[SEAL_BASIS_MAIL_COVER];
        if (n == 1) {
            snprintf(m, SEAL_REASON_MESSAGE_MAX,
                     "needs approval by one cover_approver of the inspection service, not of "
                     "the requesting agency");
        } else {
            snprintf(m, SEAL_REASON_MESSAGE_MAX,
                     "needs approval by %u distinct cover_approvers of the inspection service, "
                     "none of the requesting agency",
                     n);
        }
    }
    return true;
}

static bool load_purposes(ctx *c, seal_policy *p, json_t *root)
{
    static const char *const keys[] = {"bases", "offense_required", "customer_data_bases", NULL};
    const char *names[SEAL_PURPOSE_COUNT + 1];
    json_t *o = member(c, root, "", "purposes", JSON_OBJECT);
    if (o == NULL) {
        return false;
    }
    for (int i = 0; i < SEAL_PURPOSE_COUNT; i++) {
        names[i] = seal_purpose_name((seal_purpose) i);
    }
    names[SEAL_PURPOSE_COUNT] = NULL;
    if (!closed(c, o, "/purposes", names)) {
        return false;
    }
    for (int i = 0; i < SEAL_PURPOSE_COUNT; i++) {
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/purposes/%s", names[i]);
        json_t *e = member(c, o, "/purposes", names[i], JSON_OBJECT);
        if (e == NULL || !closed(c, e, ptr, keys) ||
            !name_set(c, e, ptr, "bases", basis_lookup, &p->purpose_bases[i])) {
            return false;
        }
        json_t *off = member(c, e, ptr, "offense_required", JSON_TRUE);
        if (off == NULL) {
            return false;
        }
        p->offense_required[i] = json_is_true(off);
        p->purpose_customer_bases[i] = UINT32_MAX;
        if (json_object_get(e, "customer_data_bases") != NULL &&
            !name_set(c, e, ptr, "customer_data_bases", basis_lookup,
                      &p->purpose_customer_bases[i])) {
            return false;
        }
    }
    return true;
}

static bool load_grounds(ctx *c, seal_policy *p, json_t *root)
{
    const char *names[SEAL_GROUND_COUNT + 1];
    json_t *o = member(c, root, "", "cover_grounds", JSON_OBJECT);
    if (o == NULL) {
        return false;
    }
    for (int i = 0; i < SEAL_GROUND_COUNT; i++) {
        names[i] = seal_ground_name((seal_ground) i);
    }
    names[SEAL_GROUND_COUNT] = NULL;
    if (!closed(c, o, "/cover_grounds", names)) {
        return false;
    }
    for (int i = 0; i < SEAL_GROUND_COUNT; i++) {
        json_t *v = member(c, o, "/cover_grounds", names[i], JSON_STRING);
        if (v == NULL) {
            return false;
        }
        p->ground_purpose[i] = seal_purpose_from_name(json_string_value(v), json_string_length(v));
        if (p->ground_purpose[i] < 0) {
            char ptr[64];
            snprintf(ptr, sizeof(ptr), "/cover_grounds/%s", names[i]);
            return fail(c, ptr, "not a purpose");
        }
    }
    return true;
}

static bool load_protected(ctx *c, seal_policy *p, json_t *root)
{
    static const char *const keys[] = {"bases", "extra_approvers", "extra_role", NULL};
    const char *names[SEAL_PROTECT_KIND_COUNT + 1];
    json_t *o = member(c, root, "", "protected_addresses", JSON_OBJECT);
    if (o == NULL) {
        return false;
    }
    for (int i = 0; i < SEAL_PROTECT_KIND_COUNT; i++) {
        names[i] = protect_names[i];
    }
    names[SEAL_PROTECT_KIND_COUNT] = NULL;
    if (!closed(c, o, "/protected_addresses", names)) {
        return false;
    }
    for (int i = 0; i < SEAL_PROTECT_KIND_COUNT; i++) {
        char ptr[64];
        snprintf(ptr, sizeof(ptr), "/protected_addresses/%s", names[i]);
        json_t *e = member(c, o, "/protected_addresses", names[i], JSON_OBJECT);
        int64_t n;
        if (e == NULL || !closed(c, e, ptr, keys) ||
            !name_set(c, e, ptr, "bases", basis_lookup, &p->protect[i].bases) ||
            !number(c, e, ptr, "extra_approvers", 0, 3, &n)) {
            return false;
        }
        p->protect[i].extra = (unsigned) n;
        p->protect[i].extra_role = SEAL__ROLE_HQ_APPROVER;
        if (n > 0 && !role_of(c, e, ptr, "extra_role", &p->protect[i].extra_role)) {
            return false;
        }
    }
    return true;
}

static bool load_all(ctx *c, seal_policy *p, json_t *root)
{
    static const char *const top[] = {"format",
                                      "name",
                                      "title",
                                      "source",
                                      "bases",
                                      "categories_need_signed_order",
                                      "customer_data_categories",
                                      "purposes",
                                      "cover_grounds",
                                      "limits",
                                      "cover",
                                      "emergency",
                                      "notice",
                                      "preservation",
                                      "accounting",
                                      "retention",
                                      "amendment",
                                      "protected_addresses",
                                      NULL};
    static const char *const limits[] = {"subjects_max",
                                         "window_days_max",
                                         "facts_min_chars",
                                         "attestation_min_chars",
                                         "emergency_subjects_max",
                                         "emergency_window_days_max",
                                         NULL};
    static const char *const cover[] = {"first_days_max",
                                        "first_days_max_fugitive",
                                        "extension_days_max",
                                        "cumulative_days_max",
                                        "beyond_cumulative_role",
                                        "national_security_first_days_max",
                                        "national_security_cumulative_days_max",
                                        "all_at_address_extra_approvers",
                                        "records_kept_days",
                                        "return_alert_days",
                                        "approver_agency",
                                        NULL};
    static const char *const emerg[] = {"follow_up_hours", NULL};
    static const char *const notice[] = {"delay_days_max", NULL};
    static const char *const pres[] = {"days", "renewals", NULL};
    static const char *const acct[] = {"kept_years_min", NULL};
    static const char *const keep[] = {"key_backup_grace_days", NULL};
    static const char *const amend[] = {"acknowledge_working_days", "review_working_days", NULL};
    if (!json_is_object(root)) {
        return fail(c, "", "a policy is one JSON object");
    }
    if (!closed(c, root, "", top)) {
        return false;
    }
    json_t *f = member(c, root, "", "format", JSON_STRING);
    if (f == NULL) {
        return false;
    }
    if (strcmp(json_string_value(f), "sealed-policy/v1") != 0) {
        return fail(c, "/format", "must be \"sealed-policy/v1\"");
    }
    json_t *n = member(c, root, "", "name", JSON_STRING);
    if (n == NULL) {
        return false;
    }
    const char *name = json_string_value(n);
    size_t nl = strlen(name);
    if (nl == 0 || nl >= sizeof(p->name) ||
        strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != nl) {
        return fail(c, "/name", "1..63 characters of a-z 0-9 - _ .");
    }
    memcpy(p->name, name, nl + 1);
    if (member(c, root, "", "title", JSON_STRING) == NULL) {
        return false;
    }
    if (json_object_get(root, "source") != NULL &&
        !json_is_string(json_object_get(root, "source"))) {
        return fail(c, "/source", "must be a string");
    }
    if (!load_bases(c, p, root) ||
        !name_set(c, root, "", "categories_need_signed_order", cat_lookup, &p->cats_need_order) ||
        !name_set(c, root, "", "customer_data_categories", cat_lookup, &p->customer_cats) ||
        !load_purposes(c, p, root) || !load_grounds(c, p, root)) {
        return false;
    }
    json_t *o;
    if ((o = member(c, root, "", "limits", JSON_OBJECT)) == NULL ||
        !closed(c, o, "/limits", limits) ||
        !number(c, o, "/limits", "subjects_max", 1, SEAL_REQUEST_MAX_SUBJECTS, &p->subjects_max) ||
        !number(c, o, "/limits", "window_days_max", 1, 3660, &p->window_days_max) ||
        !number(c, o, "/limits", "facts_min_chars", 1, 4000, &p->facts_min) ||
        !number(c, o, "/limits", "attestation_min_chars", 1, 4000, &p->attestation_min) ||
        !number(c, o, "/limits", "emergency_subjects_max", 1, SEAL_REQUEST_MAX_SUBJECTS,
                &p->emergency_subjects_max) ||
        !number(c, o, "/limits", "emergency_window_days_max", 1, 3660,
                &p->emergency_window_days_max)) {
        return false;
    }
    int64_t x;
    if ((o = member(c, root, "", "cover", JSON_OBJECT)) == NULL || !closed(c, o, "/cover", cover) ||
        !number(c, o, "/cover", "first_days_max", 1, 366, &p->cover_first) ||
        !number(c, o, "/cover", "first_days_max_fugitive", 1, 366, &p->cover_first_fugitive) ||
        !number(c, o, "/cover", "extension_days_max", 1, 366, &p->cover_extension) ||
        !number(c, o, "/cover", "cumulative_days_max", 1, 3660, &p->cover_cumulative) ||
        !role_of(c, o, "/cover", "beyond_cumulative_role", &p->beyond_cumulative_role) ||
        !number(c, o, "/cover", "national_security_first_days_max", 1, 366, &p->ns_first) ||
        !number(c, o, "/cover", "national_security_cumulative_days_max", 1, 3660,
                &p->ns_cumulative) ||
        !number(c, o, "/cover", "all_at_address_extra_approvers", 0, 3, &x) ||
        !number(c, o, "/cover", "records_kept_days", 1, 36600, &p->cover_records_days) ||
        !number(c, o, "/cover", "return_alert_days", 1, 366, &p->cover_return_alert_days)) {
        return false;
    }
    p->all_at_address_extra = (unsigned) x;
    if (!load_approver_agency(c, p, o)) {
        return false;
    }
    if (p->cover_first > p->cover_cumulative || p->ns_first > p->ns_cumulative) {
        return fail(c, "/cover", "a first period cannot exceed its cumulative cap");
    }
    if ((o = member(c, root, "", "emergency", JSON_OBJECT)) == NULL ||
        !closed(c, o, "/emergency", emerg) ||
        !number(c, o, "/emergency", "follow_up_hours", 1, 24 * 30, &p->follow_up_hours) ||
        (o = member(c, root, "", "notice", JSON_OBJECT)) == NULL ||
        !closed(c, o, "/notice", notice) ||
        !number(c, o, "/notice", "delay_days_max", 0, 366, &p->notice_days_max) ||
        (o = member(c, root, "", "preservation", JSON_OBJECT)) == NULL ||
        !closed(c, o, "/preservation", pres) ||
        !number(c, o, "/preservation", "days", 1, 366, &p->preservation_days) ||
        !number(c, o, "/preservation", "renewals", 0, 10, &p->preservation_renewals) ||
        (o = member(c, root, "", "accounting", JSON_OBJECT)) == NULL ||
        !closed(c, o, "/accounting", acct) ||
        !number(c, o, "/accounting", "kept_years_min", 5, 100, &p->accounting_years) ||
        (o = member(c, root, "", "retention", JSON_OBJECT)) == NULL ||
        !closed(c, o, "/retention", keep) ||
        !number(c, o, "/retention", "key_backup_grace_days", 1, 366, &p->key_backup_grace_days) ||
        (o = member(c, root, "", "amendment", JSON_OBJECT)) == NULL ||
        !closed(c, o, "/amendment", amend) ||
        !number(c, o, "/amendment", "acknowledge_working_days", 1, 60, &p->amend_ack_days) ||
        !number(c, o, "/amendment", "review_working_days", 1, 120, &p->amend_review_days)) {
        return false;
    }
    return load_protected(c, p, root);
}

seal_status seal_policy_load(const char *json, size_t len, const char *source, seal_policy **out,
                             seal_error *err)
{
    *out = NULL;
    if (len > SEAL_POLICY_MAX_SIZE) {
        return seal_error_set(err, SEAL_LIMIT, "%s: larger than %d bytes", source,
                              SEAL_POLICY_MAX_SIZE);
    }
    if (memchr(json, '\0', len) != NULL) {
        return seal_error_set(err, SEAL_INVALID, "%s: NUL byte", source);
    }
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        return seal_error_set(err, SEAL_INVALID, "%s: line %d, column %d: %s", source, je.line,
                              je.column, je.text);
    }
    seal_policy *p = seal_calloc(1, sizeof(*p));
    seal_status s;
    if (p == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "%s: out of memory", source);
        goto out;
    }
    ctx c = {.source = source, .err = err, .st = SEAL_OK};
    if (!load_all(&c, p, root)) {
        s = c.st != SEAL_OK ? c.st : SEAL_INVALID;
        goto out;
    }
    uint8_t h[SEAL__SHA256_SIZE];
    seal__sha256(h, json, len);
    seal_hex_encode(p->sha256, h, sizeof(h));
    *out = p;
    p = NULL;
    s = SEAL_OK;
out:
    seal_free(p);
    json_decref(root);
    return s;
}

seal_status seal_policy_load_file(const char *path, seal_policy **out, seal_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return seal_error_set(err, SEAL_IO, "%s: %s", path, strerror(errno));
    }
    seal_buf b;
    seal_buf_init(&b);
    seal_status s = SEAL_OK;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b.len + n > SEAL_POLICY_MAX_SIZE) {
            s = seal_error_set(err, SEAL_LIMIT, "%s: larger than %d bytes", path,
                               SEAL_POLICY_MAX_SIZE);
            goto out;
        }
        if ((s = seal_buf_append(&b, chunk, n)) != SEAL_OK) {
            seal_error_set(err, s, "%s: out of memory", path);
            goto out;
        }
    }
    if (ferror(f)) {
        s = seal_error_set(err, SEAL_IO, "%s: read error", path);
        goto out;
    }
    s = seal_policy_load((const char *) (b.data != NULL ? b.data : (const uint8_t *) ""), b.len,
                         path, out, err);
out:
    fclose(f);
    seal_buf_cleanup(&b);
    return s;
}

static const struct {
    const char *name;
    const unsigned char *data;
    const size_t *len;
} builtins[] = {
    {"cfr-233", seal__policy_cfr233_json, &seal__policy_cfr233_json_len},
    {"strict", seal__policy_strict_json, &seal__policy_strict_json_len},
};

const char *seal_policy_builtin_name(size_t i)
{
    return i < sizeof(builtins) / sizeof(builtins[0]) ? builtins[i].name : NULL;
}

seal_status seal_policy_builtin(const char *name, seal_policy **out, seal_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        if (strcmp(name, builtins[i].name) == 0) {
            char src[64];
            snprintf(src, sizeof(src), "policies/%s.json", name);
            return seal_policy_load((const char *) builtins[i].data, *builtins[i].len, src, out,
                                    err);
        }
    }
    return seal_error_set(err, SEAL_NOTFOUND, "no shipped policy named '%s' (cfr-233, strict)",
                          name);
}

seal_status seal_policy_open(const char *spec, seal_policy **out, seal_error *err)
{
    if (strchr(spec, '/') == NULL && strchr(spec, '.') == NULL) {
        return seal_policy_builtin(spec, out, err);
    }
    return seal_policy_load_file(spec, out, err);
}

seal_status seal_policy_read(const char *spec, seal_buf *out, seal_error *err)
{
    if (strchr(spec, '/') == NULL && strchr(spec, '.') == NULL) {
        for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
            if (strcmp(spec, builtins[i].name) == 0) {
                seal_status s = seal_buf_append(out, builtins[i].data, *builtins[i].len);
                return s == SEAL_OK ? s : seal_error_set(err, s, "out of memory");
            }
        }
        return seal_error_set(err, SEAL_NOTFOUND, "no shipped policy named '%s' (cfr-233, strict)",
                              spec);
    }
    FILE *f = fopen(spec, "rb");
    if (f == NULL) {
        return seal_error_set(err, SEAL_IO, "%s: %s", spec, strerror(errno));
    }
    seal_status s = SEAL_OK;
    size_t start = out->len;
    char chunk[4096];
    size_t n;
    while (s == SEAL_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (out->len - start + n > SEAL_POLICY_MAX_SIZE) {
            s = seal_error_set(err, SEAL_LIMIT, "%s: larger than %d bytes", spec,
                               SEAL_POLICY_MAX_SIZE);
        } else if ((s = seal_buf_append(out, chunk, n)) != SEAL_OK) {
            seal_error_set(err, s, "%s: out of memory", spec);
        }
    }
    if (s == SEAL_OK && ferror(f)) {
        s = seal_error_set(err, SEAL_IO, "%s: read error", spec);
    }
    fclose(f);
    return s;
}

void seal_policy_free(seal_policy *p)
{
    seal_free(p);
}

const char *seal_policy_name(const seal_policy *p)
{
    return p->name;
}

const char *seal_policy_sha256(const seal_policy *p)
{
    return p->sha256;
}

const char *seal_verdict_name(seal_verdict v)
{
    switch (v) {
    case SEAL_VERDICT_REFUSED:
        return "refused";
    case SEAL_VERDICT_REVIEW:
        return "review";
    case SEAL_VERDICT_APPROVED:
        return "approved";
    }
    return "refused";
}

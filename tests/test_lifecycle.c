/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request lifecycle, table-driven (issue 4, phase 2): for every LAW.md
 * rule in issue 4's list (MC-1..MC-7, MC-9, MC-13, PA-1..PA-3, PA-5..PA-9,
 * PA-11) one scenario that passes and one that fails, under both shipped
 * policies, run against a fresh data directory through the registry API:
 * registries, submission as a principal, reviews (own request, own agency,
 * missing role, a delegation out of its window, distinct approvers),
 * extensions and cumulative caps, indictment, emergencies and their sweep,
 * delayed notice, preservation renewals, protected addresses, active covers.
 * Synthetic data only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "sealed/ledger.h"
#include "sealed/note.h"
#include "sealed/policy.h"
#include "sealed/registry.h"
#include "sealed/request.h"
#include "sealed/store.h"
#include "sealed/time.h"
#include "testutil.h"

#define NOW_TEXT "2026-11-24T00:00:00Z"

static const char *const base_docs[] = {
    /* 0 SUB: a subpoena for one person's identity and contact data */
    "{\"agency\": \"quellford-pd\", \"official\": \"Det. O. Vasquiel, Narcotics\","
    " \"legal_basis\": {\"type\": \"subpoena\", \"reference\": \"GJ-2026-118\","
    "  \"issued_by\": \"Grand Jury, District of Examplia\","
    "  \"issued_at\": \"2026-11-21T00:00:00Z\", \"expires_at\": \"2027-02-19T00:00:00Z\","
    "  \"facts\": \"The subject received 14 parcels at this address between March and June that "
    "were later found to contain fentanyl.\"},"
    " \"purpose\": {\"activity\": \"criminal_investigation\", \"offense\": \"21 USC 841\"},"
    " \"subjects\": [{\"type\": \"person\", \"name\": \"Ima Drovenko\","
    "  \"address\": \"221 S Tamber St Apt 2, Quellford MN 55001\"}],"
    " \"categories\": [\"identity\", \"contact\"],"
    " \"window\": {\"from\": \"2026-01-01\", \"to\": \"2026-10-31\"}}",
    /* 1 COVER: a 30-day crime cover from tomorrow */
    "{\"agency\": \"postal-inspection\", \"official\": \"Insp. R. Tamber\","
    " \"legal_basis\": {\"type\": \"mail_cover\", \"reference\": \"MC-2026-7\","
    "  \"issued_by\": \"District Court of Examplia\","
    "  \"issued_at\": \"2026-11-23T00:00:00Z\", \"expires_at\": \"2027-02-19T00:00:00Z\","
    "  \"facts\": \"Parcels mailed from this address to three buyers held counterfeit notes; the "
    "seizures are documented in case file 2026-77.\"},"
    " \"purpose\": {\"activity\": \"criminal_investigation\", \"offense\": \"18 USC 471\"},"
    " \"subjects\": [{\"type\": \"person\", \"name\": \"Orlen Vasquiel\","
    "  \"address\": \"19 Wexley Rd, Brantmoor VT 05001\"}],"
    " \"categories\": [\"mail_exterior\"],"
    " \"window\": {\"from\": \"2026-11-25\", \"to\": \"2026-12-24\"},"
    " \"cover\": {\"ground\": \"crime\", \"address\": \"19 Wexley Road, Brantmoor VT 05001\","
    "  \"start\": \"2026-11-25\", \"days\": 30, \"supervisor\": \"Insp. in Charge K. Lune\","
    "  \"indicted\": false, \"attorney\": null,"
    "  \"subject_is_attorney_or_judicial_officer\": false}}",
    /* 2 EMERG: an emergency disclosure */
    "{\"agency\": \"brantmoor-sheriff\", \"official\": \"Sgt. P. Orlo\","
    " \"legal_basis\": {\"type\": \"emergency\", \"reference\": \"E-2026-3\","
    "  \"issued_by\": \"Brantmoor Sheriff\","
    "  \"issued_at\": \"2026-11-23T00:00:00Z\", \"expires_at\": \"2026-11-30T00:00:00Z\","
    "  \"facts\": \"A missing child was last seen with the account holder; the account's "
    "contact data may locate them tonight.\"},"
    " \"purpose\": {\"activity\": \"health_safety\"},"
    " \"subjects\": [{\"type\": \"account\", \"value\": \"AC-1\"}],"
    " \"categories\": [\"contact\"],"
    " \"window\": {\"from\": \"2026-11-01\", \"to\": \"2026-11-23\"},"
    " \"emergency\": {\"attestation\": \"A child of six is missing since noon and is in danger of "
    "serious injury; the holder was the last person seen with the child.\"}}",
    /* 3 PRES: preservation of one email's records */
    "{\"agency\": \"quellford-pd\", \"official\": \"Det. O. Vasquiel\","
    " \"legal_basis\": {\"type\": \"preservation\", \"reference\": \"P-2026-1\","
    "  \"issued_by\": \"Quellford PD\","
    "  \"issued_at\": \"2026-11-23T00:00:00Z\", \"expires_at\": \"2027-02-19T00:00:00Z\","
    "  \"facts\": \"An investigation of parcel fraud is opening; records of this email must "
    "not expire under retention while process is sought.\"},"
    " \"purpose\": {\"activity\": \"criminal_investigation\", \"offense\": \"18 USC 1341\"},"
    " \"subjects\": [{\"type\": \"email\", \"value\": \"orlen.v@post.example\"}],"
    " \"categories\": [],"
    " \"window\": {\"from\": \"2026-01-01\", \"to\": \"2026-11-23\"}}",
};
enum { SUB, COVER, EMERG, PRES };
enum { P_BOTH, P_STRICT, P_CFR };

/* Steps, space-separated, each OP ARG=EXPECT:
 *   S who=state[/code]  submit the case's document as who
 *   X who=state[/code]  submit the second document (edits2 over the first)
 *   F who=state[/code]  submit the second document as the follow-up of R-000001
 *   A who=state|!       approve the last submitted request (! : refused)
 *   D who=state|!       deny it
 *   W date=state        sweep at date (as aud1), then R-000001's state
 *   I who=state|!       indict C-000001 today, then R-000001's state
 *   N who=ok|!          renew R-000001 (preservation)
 *   C date=n            n covers active on date
 *   K date=n            the first active cover on date excludes n addresses
 *   Q date=yes|no       R-000001's notice has been sent (after a sweep at date)
 *   T who=state         R-000001's state now
 *   P who=ok            a production of R-000001 begins (seal_request_mark_produced)
 *   Z who=ok|!          who closes R-000001
 *   H date=why|none     what holds R-000001's productions at date (seal_request_hold) */
typedef struct lcase {
    const char *rule;
    int policy;
    int base;
    const char *edits;  /* "pointer=json;..." as in test_policy.c */
    const char *edits2; /* applied over edits for X and F */
    bool sign;
    const char *steps;
    bool cap40; /* run under a copy of the policy with a 40-day cumulative cap */
} lcase;

#define CRIME_EXT                                                                                  \
    "/cover/extends=\"C-000001\";/cover/benefit_so_far=\"Two shipments traced to the "             \
    "subject.\";/cover/benefit_expected=\"The supplier's return address.\";/cover/"                \
    "start=\"2026-12-25\";/window={\"from\": \"2026-12-25\", \"to\": \"2027-01-23\"}"
#define EMERG_COVER                                                                                \
    "/emergency={\"attestation\": \"A hostage is held at the address and mail may reveal the "     \
    "captors within hours, lives are at risk.\"}"
#define FOLLOW_SUBPOENA                                                                            \
    "/emergency=DEL;/legal_basis/type=\"subpoena\";/legal_basis/reference=\"GJ-2026-131\""
#define FUGITIVE "/cover/ground=\"fugitive\";/purpose={\"activity\": \"fugitive\"};/cover/days=30"
#define NS_COVER                                                                                   \
    "/cover/ground=\"national_security\";/purpose={\"activity\": \"national_security\"}"

static const lcase cases[] = {
    /* MC-1: one ground from the list */
    {"MC-1", P_BOTH, COVER, "", "", true, "S insp1=review", false},
    {"MC-1", P_BOTH, COVER, "/cover/ground=\"weather\"", "", true, "S insp1=refused", false},
    /* MC-2: approvers named by the policy, not of the requesting agency, distinct,
     * with the role, valid that day; national-security authority */
    {"MC-2", P_STRICT, COVER, "", "", true, "S insp1=review A ca1=review A ca2=active", false},
    {"MC-2", P_STRICT, COVER, "", "", true,
     "S insp1=review A ca1=review A ca1=! A insp-ca=! A ca-old=! A rev1=! T x=review", false},
    {"MC-2", P_CFR, COVER, "", "", false, "S insp1=review A ca1=active", false},
    {"MC-2", P_CFR, COVER, "", "", false,
     "S insp1=review A insp-ca=! A rev1=! A ca-old=! T x=review", false},
    /* MC-2, cfr-233: the one approver is of the inspection service (usps-pis); a
     * cover_approver of another agency, not the requesting one, is refused and
     * the cover stays under review. strict asks only "neither from the
     * requesting agency" (LAW.md MC-2), so there the same approval counts. */
    {"MC-2", P_CFR, COVER, "", "", false, "S insp1=review A ca-fed=! T x=review A ca1=active",
     false},
    {"MC-2", P_CFR, COVER, "", "", false, "S insp1=review D ca-fed=! T x=review D ca1=denied",
     false},
    {"MC-2", P_STRICT, COVER, "", "", true, "S insp1=review A ca-fed=review A ca1=active", false},
    {"MC-2", P_BOTH, COVER, NS_COVER ";/agency=\"ns-bureau\"", "", true, "S ns1=review", false},
    {"MC-2", P_BOTH, COVER, NS_COVER, "", true, "S insp1=refused/cover.national_security_authority",
     false},
    /* MC-3: a complete request */
    {"MC-3", P_BOTH, COVER, "/cover/supervisor=\"Insp. in Charge K. Lune\"", "", true,
     "S insp1=review", false},
    {"MC-3", P_BOTH, COVER, "/cover/supervisor=DEL", "", true, "S insp1=refused", false},
    /* MC-4: one address; everyone at it needs a further approver */
    {"MC-4", P_CFR, COVER,
     "/cover/all_at_address=true;/cover/all_at_address_reason=\"The subject receives mail "
     "under several assumed names at this address.\"",
     "", false, "S insp1=review A ca1=review A ca2=active", false},
    {"MC-4", P_STRICT, COVER,
     "/cover/all_at_address=true;/cover/all_at_address_reason=\"The subject receives mail "
     "under several assumed names at this address.\"",
     "", true, "S insp1=review A ca1=review A ca2=review A ca3=active", false},
    {"MC-4", P_BOTH, COVER, "/subjects/0/address=\"221 S Tamber St Apt 2, Quellford MN 55001\"", "",
     true, "S insp1=refused/cover.many_addresses", false},
    /* MC-5: durations, extensions referencing the original, the cumulative cap,
     * expiry by the clock */
    {"MC-5", P_CFR, COVER, "", CRIME_EXT, false,
     "S insp1=review A ca1=active X insp1=review A ca2=active C 2027-01-10=1", false},
    {"MC-5", P_STRICT, COVER, "", CRIME_EXT, true,
     "S insp1=review A ca1=review A ca2=active X insp1=review A ca3=review A ca1=active "
     "C 2027-01-10=1",
     false},
    {"MC-5", P_BOTH, COVER, "/cover/days=45", "", true, "S insp1=refused", false},
    {"MC-5", P_CFR, COVER, "", CRIME_EXT, false,
     "S insp1=review A ca1=active X insp1=review/cover.beyond_cumulative A ca2=review "
     "A hq1=active",
     true},
    {"MC-5", P_STRICT, COVER, "", CRIME_EXT, true,
     "S insp1=review A ca1=review A ca2=active X insp1=review/cover.beyond_cumulative A "
     "ca3=review A ca1=review A ca2=! A hq1=active",
     true},
    {"MC-5", P_BOTH, COVER, "", CRIME_EXT ";/cover/extends=\"C-000009\"", true,
     "S insp1=review X insp1=refused/cover.extends_unknown", false},
    {"MC-5", P_CFR, COVER, "", "", false,
     "S insp1=review A ca1=active C 2026-12-24=1 W 2026-12-25=expired C 2026-12-25=0", false},
    /* MC-6: an indictment ends the cover; no renewal on the same ground */
    {"MC-6", P_CFR, COVER, "", CRIME_EXT, false,
     "S insp1=review A ca1=active I sgt1=! I insp1=closed X insp1=refused/cover.indicted_renewal",
     false},
    {"MC-6", P_CFR, COVER, FUGITIVE, CRIME_EXT, false,
     "S insp1=review A ca1=active I insp1=active X insp1=review", false},
    {"MC-6", P_BOTH, COVER, "/cover/indicted=true", "", true, "S insp1=refused/cover.indicted",
     false},
    /* MC-7: the known attorney is never recorded, unless also a subject */
    {"MC-7", P_CFR, COVER, "/cover/attorney=\"40 Court Sq, Brantmoor VT 05001\"", "", false,
     "S insp1=review A ca1=active K 2026-11-25=1", false},
    {"MC-7", P_CFR, COVER, "/cover/attorney=\"19 Wexley Rd, Brantmoor VT 05001\"", "", false,
     "S insp1=review A ca1=active K 2026-11-25=0", false},
    /* MC-9: an emergency cover is served at once and confirmed in time, or ends */
    {"MC-9", P_BOTH, COVER, EMERG_COVER, "/emergency=DEL", true,
     "S insp1=active C 2026-11-25=1 W 2026-11-25=active W 2026-11-28=violation "
     "C 2026-11-28=0",
     false},
    {"MC-9", P_CFR, COVER, EMERG_COVER, "/emergency=DEL", false,
     "S insp1=active F insp1=review A ca1=active T x=closed W 2026-11-28=closed", false},
    {"MC-9", P_STRICT, COVER, EMERG_COVER, "/emergency=DEL", true,
     "S insp1=active F insp1=review A ca1=review A ca2=active T x=closed W 2026-11-28=closed",
     false},
    /* PA-1: the basis is one of the list */
    {"PA-1", P_BOTH, SUB, "", "", false, "S det1=review", false},
    {"PA-1", P_BOTH, SUB, "/legal_basis/type=\"letter\"", "", false, "S det1=refused", false},
    /* PA-2: a registered agency, a requester of it valid that day, a reviewer
     * not of it and not the submitter */
    {"PA-2", P_BOTH, SUB, "", "", false, "S det1=review A det-rev=! A rev-q=! A rev1=active",
     false},
    {"PA-2", P_BOTH, SUB, "", "", false, "S det-rev=review A det-rev=! A rev-q=! T x=review",
     false},
    {"PA-2", P_BOTH, SUB, "/agency=\"nowhere-pd\"", "", false, "S det1=refused/agency.unregistered",
     false},
    {"PA-2", P_BOTH, SUB, "", "", false, "S sgt1=refused/requester.agency S rev1=! S det-old=!",
     false},
    {"PA-2", P_BOTH, SUB, "", "", false, "S det1=review D rev1=denied A rev1=!", false},
    /* PA-3: civil immigration reaches customer data only with a warrant (strict) */
    {"PA-3", P_CFR, SUB, "/purpose={\"activity\": \"civil_immigration\"}", "", false,
     "S det1=review", false},
    {"PA-3", P_STRICT, SUB, "/purpose={\"activity\": \"civil_immigration\"}", "", false,
     "S det1=refused/purpose.warrant_required", false},
    /* PA-5: the basis unlocks the categories */
    {"PA-5", P_BOTH, SUB, "/categories=[\"identity\"]", "", false, "S det1=review", false},
    {"PA-5", P_BOTH, SUB, "/categories=[\"identity\", \"tracking\"]", "", false,
     "S det1=refused/category.locked", false},
    /* PA-6: no more subjects than the cap */
    {"PA-6", P_CFR, SUB, "/subjects=SUBJECTS11", "", false, "S det1=review", false},
    {"PA-6", P_STRICT, SUB, "/subjects=SUBJECTS11", "", false, "S det1=refused/subjects.too_many",
     false},
    /* PA-7: an emergency disclosure is served at once; proper process follows in time */
    {"PA-7", P_BOTH, EMERG, "", FOLLOW_SUBPOENA, false,
     "S sgt1=active F sgt1=review A rev1=active T x=closed W 2026-11-28=closed", false},
    {"PA-7", P_BOTH, EMERG, "", "", false,
     "S sgt1=active W 2026-11-25=active W 2026-11-28=violation", false},
    {"PA-7", P_BOTH, EMERG, "/emergency/attestation=\"urgent\"", "", false, "S sgt1=refused",
     false},
    /* PA-7: the duty survives a close after a production, and the basis's expiry */
    {"PA-7", P_BOTH, EMERG, "", "", false,
     "S sgt1=active P sgt1=ok Z sgt1=ok T x=closed H 2026-11-25=none W 2026-11-25=closed "
     "H 2026-11-27T00:00:01Z=follow_up_overdue W 2026-11-28=violation H 2026-11-28=quarantined",
     false},
    {"PA-7", P_BOTH, EMERG, "", "", false,
     "S sgt1=active Z sgt1=ok Z sgt1=! W 2026-11-28=closed H 2026-11-28=none", false},
    {"PA-7", P_BOTH, EMERG, "/legal_basis/expires_at=\"2026-11-25T00:00:00Z\"", "", false,
     "S sgt1=active W 2026-11-25T12:00:00Z=expired W 2026-11-28=violation", false},
    /* PA-7: a follow-up confirms only the same disclosure */
    {"PA-7", P_BOTH, EMERG, "", FOLLOW_SUBPOENA ";/subjects/0/value=\"AC-2\"", false,
     "S sgt1=active F sgt1=refused/follow_up.subjects H 2026-11-24=none", false},
    {"PA-7", P_BOTH, EMERG, "", FOLLOW_SUBPOENA ";/categories=[\"identity\"]", false,
     "S sgt1=active F sgt1=refused/follow_up.categories", false},
    {"PA-7", P_BOTH, EMERG, "", FOLLOW_SUBPOENA ";/window/from=\"2026-11-05\"", false,
     "S sgt1=active F sgt1=refused/follow_up.window", false},
    {"PA-7", P_BOTH, EMERG, "", FOLLOW_SUBPOENA ";/agency=\"quellford-pd\"", false,
     "S sgt1=active F det1=refused/follow_up.agency", false},
    /* PA-7: in review the deadline waits and the productions are held; a
     * denial is a violation at once */
    {"PA-7", P_BOTH, EMERG, "", FOLLOW_SUBPOENA, false,
     "S sgt1=active P sgt1=ok F sgt1=review H 2026-11-24=follow_up_in_review W 2026-11-28=active "
     "H 2026-11-28=follow_up_in_review D rev1=denied T x=violation H 2026-11-24=quarantined",
     false},
    {"PA-7", P_BOTH, EMERG, "", FOLLOW_SUBPOENA, false,
     "S sgt1=active F sgt1=review W 2026-11-28=active A rev1=active T x=closed "
     "W 2026-11-29=closed H 2026-11-29=none",
     false},
    /* PA-8: delayed notice, then notice due by the sweep */
    {"PA-8", P_BOTH, SUB, "/legal_basis/notice_delay_until=\"2027-01-10\"", "", false,
     "S det1=review A rev1=active Q 2027-01-10=no Q 2027-01-11=yes", false},
    {"PA-8", P_BOTH, SUB, "/legal_basis/notice_delay_until=\"2027-06-01\"", "", false,
     "S det1=refused/notice.delay_too_long", false},
    {"PA-8", P_BOTH, SUB, "", "", false, "S det1=review A rev1=active Q 2026-11-24=yes", false},
    /* PA-9: preservation: 90 days, one renewal, discloses nothing */
    {"PA-9", P_BOTH, PRES, "", "", false,
     "S det1=review A rev1=active N det1=ok N det1=! W 2027-05-22=active W 2027-05-23=expired",
     false},
    {"PA-9", P_BOTH, PRES, "/categories=[\"identity\"]", "", false,
     "S det1=refused/preservation.categories", false},
    /* PA-11: a protected address only on a court order or warrant */
    {"PA-11", P_BOTH, SUB,
     "/legal_basis/type=\"warrant\";/subjects/0/address=\"77 Harrow Ln, "
     "Quellford MN 55001\"",
     "", true, "S det1=review", false},
    {"PA-11", P_BOTH, SUB, "/subjects/0/address=\"77 Harrow Ln, Quellford MN 55001\"", "", false,
     "S det1=refused/address.protected", false},
};

/* ---- helpers ---------------------------------------------------------- */

static seal_note_signer *signer;
static char vkey[512];

/* Sets or deletes the value at a JSON pointer (no escapes needed here). */
static void edit(json_t *root, const char *ptr, const char *value)
{
    char path[2100];
    snprintf(path, sizeof(path), "%s", ptr);
    json_t *parent = root;
    char *last = strrchr(path, '/');
    assert_non_null(last);
    *last = '\0';
    const char *key = last + 1;
    char *p = path;
    while (*p == '/') {
        char *next = strchr(p + 1, '/');
        if (next != NULL) {
            *next = '\0';
        }
        const char *k = p + 1;
        parent = json_is_array(parent) ? json_array_get(parent, (size_t) atol(k))
                                       : json_object_get(parent, k);
        assert_non_null(parent);
        if (next == NULL) {
            break;
        }
        *next = '/';
        p = next;
    }
    if (strcmp(value, "DEL") == 0) {
        assert_int_equal(json_object_del(parent, key), 0);
        return;
    }
    json_t *v;
    if (strcmp(value, "SUBJECTS11") == 0) {
        v = json_array();
        for (int i = 0; i < 11; i++) {
            char e[64];
            snprintf(e, sizeof(e), "AC-%d", 100 + i);
            json_array_append_new(v, json_pack("{ssss}", "type", "account", "value", e));
        }
    } else {
        json_error_t je;
        v = json_loads(value, JSON_DECODE_ANY, &je);
    }
    assert_non_null(v);
    if (json_is_array(parent)) {
        assert_int_equal(json_array_set_new(parent, (size_t) atol(key), v), 0);
    } else {
        assert_int_equal(json_object_set_new(parent, key, v), 0);
    }
}

static void apply(json_t *root, const char *edits)
{
    char buf[2048];
    snprintf(buf, sizeof(buf), "%s", edits);
    for (char *tok = buf; tok != NULL && *tok != '\0';) {
        /* a ';' inside a JSON value is not used by these cases */
        char *semi = strchr(tok, ';');
        if (semi != NULL) {
            *semi = '\0';
        }
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = '\0';
        edit(root, tok, eq + 1);
        tok = semi != NULL ? semi + 1 : NULL;
    }
}

static void sign_into(json_t *root)
{
    char *text = json_dumps(root, 0);
    seal_request *r = NULL;
    seal_error err;
    assert_int_equal(seal_request_parse(text, strlen(text), &r, &err), SEAL_OK);
    seal_buf t, note;
    seal_buf_init(&t);
    seal_buf_init(&note);
    if (seal_request_well_formed(r)) {
        assert_int_equal(seal_request_order_text(r, "examplia-district", &t, &err), SEAL_OK);
        assert_int_equal(seal_note_sign(signer, seal_buf_str(&t), t.len, &note, &err), SEAL_OK);
        json_object_set_new(json_object_get(root, "legal_basis"), "order",
                            json_string(seal_buf_str(&note)));
    }
    seal_buf_cleanup(&t);
    seal_buf_cleanup(&note);
    seal_request_free(r);
    free(text);
}

static char *build(const lcase *c, bool second)
{
    json_error_t je;
    json_t *root = json_loads(base_docs[c->base], JSON_REJECT_DUPLICATES, &je);
    assert_non_null(root);
    apply(root, c->edits);
    if (second) {
        apply(root, c->edits2);
    }
    if (c->sign) {
        sign_into(root);
    }
    char *s = json_dumps(root, JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}

static int64_t t_of(const char *date)
{
    int64_t t;
    if (seal_time_parse(date, &t) == SEAL_OK) {
        return t;
    }
    assert_int_equal(seal_date_parse(date, &t), SEAL_OK);
    return t;
}

static seal_registry *reg_as(const char *dir, const char *who, int64_t now)
{
    seal_registry *reg = NULL;
    seal_error err;
    seal_status s = seal_registry_open(dir, who, now, &reg, &err);
    if (s != SEAL_OK) {
        fail_msg("open as %s: %s", who != NULL ? who : "-", err.msg);
    }
    return reg;
}

/* A fresh data directory with the registries every case uses, under the
 * policy of record `policy` (NULL: as made, strict). */
static void fresh_under(char *dir, size_t n, const char *policy)
{
    static int k;
    snprintf(dir, n, "%s/case-%d", tu_tmpdir(), k++);
    seal_error err;
    /* a test clock from 2026-01-01: the cases give their times */
    assert_int_equal(seal_store_create_clock(dir, true, 1767225600, &err), SEAL_OK);
    int64_t now;
    assert_int_equal(seal_time_parse(NOW_TEXT, &now), SEAL_OK);
    seal_registry *reg = reg_as(dir, NULL, now);
    if (policy != NULL) {
        /* the operator sets it while no privacy officer exists, as init does */
        if (seal_registry_policy_set(reg, policy, NULL, &err) != SEAL_OK) {
            fail_msg("policy set %s: %s", policy, err.msg);
        }
    }
    static const struct {
        const char *id;
        int kind;
        uint32_t flags;
    } ag[] = {{"usps-pis", SEAL_AGENCY_FEDERAL, SEAL_AGENCY_INSPECTION_SERVICE},
              {"quellford-pd", SEAL_AGENCY_LOCAL, 0},
              {"postal-inspection", SEAL_AGENCY_FEDERAL, 0},
              {"brantmoor-sheriff", SEAL_AGENCY_LOCAL, 0},
              {"ns-bureau", SEAL_AGENCY_FEDERAL, SEAL_AGENCY_NATIONAL_SECURITY},
              {"fed-bureau", SEAL_AGENCY_FEDERAL, 0}};
    for (size_t i = 0; i < sizeof(ag) / sizeof(ag[0]); i++) {
        assert_int_equal(seal_agency_add(reg, ag[i].id, "An agency", (seal_agency_kind) ag[i].kind,
                                         ag[i].flags, &err),
                         SEAL_OK);
    }
    assert_int_equal(seal_agency_add(reg, "bad-flags", "An agency", SEAL_AGENCY_LOCAL, 4u, &err),
                     SEAL_INVALID);
#define R(x) (1u << SEAL_ROLE_##x)
    static const struct {
        const char *id, *agency;
        uint32_t roles;
        bool old;
    } pr[] = {
        {"det1", "quellford-pd", R(REQUESTER), false},
        {"det-rev", "quellford-pd", R(REQUESTER) | R(REVIEWER), false},
        {"det-old", "quellford-pd", R(REQUESTER), true},
        {"rev-q", "quellford-pd", R(REVIEWER), false},
        {"insp1", "postal-inspection", R(REQUESTER), false},
        {"insp-ca", "postal-inspection", R(COVER_APPROVER), false},
        {"sgt1", "brantmoor-sheriff", R(REQUESTER), false},
        {"ns1", "ns-bureau", R(REQUESTER), false},
        {"rev1", "usps-pis", R(REVIEWER), false},
        {"ca1", "usps-pis", R(COVER_APPROVER), false},
        {"ca2", "usps-pis", R(COVER_APPROVER), false},
        {"ca3", "usps-pis", R(COVER_APPROVER), false},
        {"ca-old", "usps-pis", R(COVER_APPROVER), true},
        /* a cover_approver outside the inspection service (MC-2 under cfr-233) */
        {"ca-fed", "fed-bureau", R(COVER_APPROVER), false},
        {"hq1", "usps-pis", R(HQ_APPROVER), false},
        {"aud1", "usps-pis", R(AUDITOR), false},
        {"po1", "usps-pis", R(PRIVACY_OFFICER), false},
    };
    for (size_t i = 0; i < sizeof(pr) / sizeof(pr[0]); i++) {
        int64_t until = pr[i].old ? t_of("2026-06-30") : INT64_MAX;
        assert_int_equal(
            seal_principal_add(reg, pr[i].id, pr[i].agency, pr[i].roles, 0, until, &err), SEAL_OK);
    }
    /* once a privacy officer exists, the operator can no longer write */
    assert_int_equal(seal_agency_add(reg, "late-pd", "Late", SEAL_AGENCY_LOCAL, false, &err),
                     SEAL_PERM);
    seal_registry_close(reg);
    reg = reg_as(dir, "po1", now);
    assert_int_equal(seal_issuer_add(reg, "examplia-district", vkey, &err), SEAL_OK);
    assert_int_equal(seal_protect_add(reg, "77 Harrow Lane, Quellford MN 55001", "PO-2026-4", &err),
                     SEAL_OK);
    seal_registry_close(reg);
}

typedef struct cover_seen {
    size_t n;
    size_t n_exclude;
} cover_seen;

static seal_status seen(const seal_active_cover *c, void *ud)
{
    cover_seen *cs = ud;
    if (cs->n++ == 0) {
        cs->n_exclude = c->n_exclude;
    }
    assert_int_equal(c->cover.n_exclude, c->n_exclude);
    assert_int_equal((int64_t) c->cover.start_day * 86400 + (c->cover.days - 1) * 86400, c->end);
    return SEAL_OK;
}

static const char *state_of(const char *dir, const char *id, int64_t now, char *json, size_t n)
{
    seal_registry *reg = reg_as(dir, "aud1", now);
    seal_buf out;
    seal_buf_init(&out);
    seal_error err;
    assert_int_equal(seal_request_show(reg, id, false, &out, &err), SEAL_OK);
    snprintf(json, n, "%s", seal_buf_str(&out));
    seal_buf_cleanup(&out);
    seal_registry_close(reg);
    const char *st = strstr(json, "\"state\": \"");
    assert_non_null(st);
    char *q = strchr(st + 10, '"');
    *q = '\0';
    return st + 10;
}

static bool has_code(const seal_decision *d, const char *code)
{
    for (size_t i = 0; i < d->n_reasons; i++) {
        if (strcmp(d->reasons[i].code, code) == 0) {
            return true;
        }
    }
    return false;
}

static void run_case(const lcase *c, const char *policy, size_t idx)
{
    char dir[512], json[4096], last[SEAL_ID_SIZE] = "";
    fresh_under(dir, sizeof(dir), policy);
    int64_t now = t_of("2026-11-24");
    char steps[1024];
    snprintf(steps, sizeof(steps), "%s", c->steps);
    seal_decision *d = malloc(sizeof(*d));
    assert_non_null(d);
    /* tokens: OP ARG=EXPECT pairs */
    char *p = steps;
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        char op = *p++;
        while (*p == ' ') {
            p++;
        }
        char *arg = p;
        while (*p != ' ' && *p != '\0') {
            p++;
        }
        if (*p == ' ') {
            *p++ = '\0';
        }
        char *eq = strchr(arg, '=');
        assert_non_null(eq);
        *eq = '\0';
        char *want = eq + 1;
        char *code = strchr(want, '/');
        if (code != NULL) {
            *code++ = '\0';
        }
        char where[1400];
        snprintf(where, sizeof(where), "case %zu (%s, %s): %c %s", idx, c->rule, policy, op, arg);
        seal_error err;
        seal_error_init(&err);
        if (op == 'S' || op == 'X' || op == 'F') {
            char *doc = build(c, op != 'S');
            seal_registry *reg = NULL;
            seal_status s = seal_registry_open(dir, arg, now, &reg, &err);
            seal_submit_options o = {.follows = op == 'F' ? "R-000001" : NULL};
            char id[SEAL_ID_SIZE];
            if (s == SEAL_OK) {
                s = seal_request_submit(reg, doc, strlen(doc), &o, id, d, &err);
            }
            free(doc);
            if (strcmp(want, "!") == 0) {
                if (s == SEAL_OK) {
                    fail_msg("%s: submitted, expected a refusal", where);
                }
            } else {
                if (s != SEAL_OK) {
                    fail_msg("%s: %s", where, err.msg);
                }
                memcpy(last, id, sizeof(last));
                const char *st = state_of(dir, id, now, json, sizeof(json));
                if (strcmp(st, want) != 0 || (code != NULL && !has_code(d, code))) {
                    seal_buf b;
                    seal_buf_init(&b);
                    assert_int_equal(seal_decision_json(d, &b), SEAL_OK);
                    fail_msg("%s: state %s (want %s, code %s): %s", where, st, want,
                             code != NULL ? code : "-", seal_buf_str(&b));
                }
            }
            seal_registry_close(reg);
        } else if (op == 'A' || op == 'D') {
            seal_registry *reg = NULL;
            seal_request_state st = SEAL_RS_REVIEW;
            seal_status s = seal_registry_open(dir, arg, now, &reg, &err);
            if (s == SEAL_OK) {
                s = seal_request_review(reg, last, op == 'A', &st, &err);
            }
            seal_registry_close(reg);
            if (strcmp(want, "!") == 0) {
                if (s == SEAL_OK) {
                    fail_msg("%s: review accepted, expected a refusal", where);
                }
            } else if (s != SEAL_OK || strcmp(seal_request_state_name((int) st), want) != 0) {
                fail_msg("%s: %s, state %s (want %s)", where, err.msg,
                         seal_request_state_name((int) st), want);
            }
        } else if (op == 'W' || op == 'Q') {
            int64_t at = t_of(arg);
            seal_registry *reg = reg_as(dir, "aud1", at);
            seal_buf out;
            seal_buf_init(&out);
            assert_int_equal(seal_request_sweep(reg, &out, &err), SEAL_OK);
            seal_buf_cleanup(&out);
            seal_registry_close(reg);
            /* the sweep wrote at `at`; a test clock never goes back, so
             * the steps after it run then */
            if (at > now) {
                now = at;
            }
            const char *st = state_of(dir, "R-000001", at, json, sizeof(json));
            if (op == 'W' && strcmp(st, want) != 0) {
                fail_msg("%s: state %s (want %s)", where, st, want);
            }
            if (op == 'Q') {
                bool sent = strstr(st + strlen(st) + 1, "\"notice_sent\": true") != NULL;
                if (sent != (strcmp(want, "yes") == 0)) {
                    fail_msg("%s: notice sent %d (want %s)", where, sent, want);
                }
            }
        } else if (op == 'I' || op == 'N') {
            seal_registry *reg = NULL;
            seal_status s = seal_registry_open(dir, arg, now, &reg, &err);
            if (s == SEAL_OK) {
                s = op == 'I' ? seal_cover_indict(reg, "C-000001", now, &err)
                              : seal_request_renew(reg, "R-000001", &err);
            }
            seal_registry_close(reg);
            if (strcmp(want, "!") == 0) {
                if (s == SEAL_OK) {
                    fail_msg("%s: accepted, expected a refusal", where);
                }
            } else if (s != SEAL_OK) {
                fail_msg("%s: %s", where, err.msg);
            } else if (op == 'I') {
                const char *st = state_of(dir, "R-000001", now, json, sizeof(json));
                if (strcmp(st, want) != 0) {
                    fail_msg("%s: state %s (want %s)", where, st, want);
                }
            }
        } else if (op == 'C' || op == 'K') {
            int64_t day = t_of(arg);
            seal_registry *reg = reg_as(dir, NULL, day);
            cover_seen cs = {0};
            assert_int_equal(seal_covers_active(reg, day, seen, &cs, &err), SEAL_OK);
            seal_registry_close(reg);
            size_t got = op == 'C' ? cs.n : cs.n_exclude;
            if (got != (size_t) atol(want) || (op == 'K' && cs.n == 0)) {
                fail_msg("%s: %zu (want %s)", where, got, want);
            }
        } else if (op == 'P' || op == 'Z') {
            seal_registry *reg = reg_as(dir, arg, now);
            seal_status s = op == 'P' ? seal_request_mark_produced(reg, "R-000001", &err)
                                      : seal_request_close(reg, "R-000001", &err);
            seal_registry_close(reg);
            if ((s == SEAL_OK) != (strcmp(want, "ok") == 0)) {
                fail_msg("%s: %s (want %s)", where, s == SEAL_OK ? "ok" : err.msg, want);
            }
        } else if (op == 'H') {
            seal_registry *reg = reg_as(dir, NULL, t_of(arg));
            const char *why = NULL;
            assert_int_equal(seal_request_hold(reg, "R-000001", &why, &err), SEAL_OK);
            seal_registry_close(reg);
            if (strcmp(why != NULL ? why : "none", want) != 0) {
                fail_msg("%s: held %s (want %s)", where, why != NULL ? why : "none", want);
            }
        } else if (op == 'T') {
            const char *st = state_of(dir, "R-000001", now, json, sizeof(json));
            if (strcmp(st, want) != 0) {
                fail_msg("%s: state %s (want %s)", where, st, want);
            }
        } else {
            fail_msg("%s: unknown step", where);
        }
    }
    free(d);
}

static void test_rule_table(void **state)
{
    (void) state;
    static const char *const names[] = {"cfr-233", "strict"};
    char cap_files[2][600];
    for (int k = 0; k < 2; k++) {
        /* the same policy with a 40-day cumulative cap (MC-5 beyond the cap) */
        char src[600];
        const char *root = getenv("SEAL_SOURCE_DIR");
        snprintf(src, sizeof(src), "%s/policies/%s.json", root != NULL ? root : ".", names[k]);
        size_t n;
        char *text = tu_read_file(src, &n);
        assert_non_null(text);
        char *at = strstr(text, "\"cumulative_days_max\": 120");
        assert_non_null(at);
        memcpy(at + strlen("\"cumulative_days_max\": "), " 40", 3);
        snprintf(cap_files[k], sizeof(cap_files[k]), "%s/cap40-%s.json", tu_tmpdir(), names[k]);
        tu_write_file(cap_files[k], text);
        free(text);
    }
    size_t rules_seen = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const lcase *c = &cases[i];
        for (int k = 0; k < 2; k++) {
            if ((c->policy == P_CFR && k == 1) || (c->policy == P_STRICT && k == 0)) {
                continue;
            }
            run_case(c, c->cap40 ? cap_files[k] : names[k], i);
            rules_seen++;
        }
    }
    assert_true(rules_seen > 60);
}

/* MC-13: documents stored exactly as submitted (and only as ciphertext),
 * cover ids unique, every transition in the ledger with the policy hash. */
static void test_integrity(void **state)
{
    (void) state;
    char dir[512];
    fresh_under(dir, sizeof(dir), "cfr-233");
    int64_t now = t_of("2026-11-24");
    lcase c = {"MC-13", P_CFR, COVER, "", "", false, "", false};
    char *doc = build(&c, false);
    /* spacing and key order as the requester wrote them */
    size_t len = strlen(doc);
    char *spaced = malloc(len + 8);
    assert_non_null(spaced);
    snprintf(spaced, len + 8, "  %s\n ", doc);
    seal_decision *d = malloc(sizeof(*d));
    assert_non_null(d);
    seal_error err;
    char id1[SEAL_ID_SIZE], id2[SEAL_ID_SIZE];
    seal_registry *reg = reg_as(dir, "insp1", now);
    seal_submit_options o = {0};
    assert_int_equal(seal_request_submit(reg, spaced, strlen(spaced), &o, id1, d, &err), SEAL_OK);
    assert_int_equal(seal_request_submit(reg, doc, len, &o, id2, d, &err), SEAL_OK);
    seal_registry_close(reg);
    reg = reg_as(dir, "ca1", now);
    seal_buf out;
    seal_buf_init(&out);
    assert_int_equal(seal_request_show(reg, id1, true, &out, &err), SEAL_OK);
    const char *docp = strstr(seal_buf_str(&out), "\"document\": ");
    assert_non_null(docp);
    docp += strlen("\"document\": ");
    assert_int_equal(strlen(docp), strlen(spaced) + 1);
    assert_memory_equal(docp, spaced, strlen(spaced));
    assert_non_null(strstr(seal_buf_str(&out), "\"cover\": \"C-000001\""));
    seal_buf_reset(&out);
    assert_int_equal(seal_request_show(reg, id2, false, &out, &err), SEAL_OK);
    assert_non_null(strstr(seal_buf_str(&out), "\"cover\": \"C-000002\""));
    seal_buf_cleanup(&out);
    seal_request_state st;
    assert_int_equal(seal_request_review(reg, id1, true, &st, &err), SEAL_OK);
    seal_registry_close(reg);
    /* no personal data in registry.db or the ledger */
    char cmd[1200];
    snprintf(cmd, sizeof(cmd),
             "grep -rqa -e Vasquiel -e Wexley -e counterfeit '%s/registry.db' '%s/ledger'", dir,
             dir);
    assert_int_not_equal(tu_run(NULL, "%s", cmd), 0);
    /* a tampered document does not open */
    snprintf(cmd, sizeof(cmd),
             "%s --data '%s' --now 2026-11-24 --as ca1 request show %s "
             "--document >/dev/null",
             tu_sealctl(), dir, id1);
    assert_int_equal(tu_run(NULL, "%s", cmd), 0);
    free(doc);
    free(spaced);
    free(d);
}

static bool has_reason(const seal_decision *d, const char *code)
{
    for (size_t i = 0; i < d->n_reasons; i++) {
        if (strcmp(d->reasons[i].code, code) == 0) {
            return true;
        }
    }
    return false;
}

/* doc signed by an issuer of the requester's own making */
static char *self_signed(const char *doc)
{
    seal_buf sk, vk, t, note;
    seal_buf_init(&sk);
    seal_buf_init(&vk);
    seal_buf_init(&t);
    seal_buf_init(&note);
    seal_error err;
    seal_note_signer *self = NULL;
    seal_request *r = NULL;
    assert_int_equal(seal_note_generate_key("self-court", &sk, &vk, &err), SEAL_OK);
    assert_int_equal(seal_note_signer_new(seal_buf_str(&sk), sk.len, &self, &err), SEAL_OK);
    assert_int_equal(seal_request_parse(doc, strlen(doc), &r, &err), SEAL_OK);
    assert_int_equal(seal_request_order_text(r, "self-court", &t, &err), SEAL_OK);
    assert_int_equal(seal_note_sign(self, seal_buf_str(&t), t.len, &note, &err), SEAL_OK);
    json_t *root = json_loads(doc, 0, NULL);
    assert_non_null(root);
    json_object_set_new(json_object_get(root, "legal_basis"), "order",
                        json_string(seal_buf_str(&note)));
    char *out = json_dumps(root, JSON_PRESERVE_ORDER);
    json_decref(root);
    seal_request_free(r);
    seal_note_signer_free(self);
    seal_buf_cleanup(&sk);
    seal_buf_cleanup(&vk);
    seal_buf_cleanup(&t);
    seal_buf_cleanup(&note);
    return out;
}

static void put_file(const char *dir, const char *name, const char *src)
{
    char path[700], from[700];
    const char *root = getenv("SEAL_SOURCE_DIR");
    snprintf(from, sizeof(from), "%s/policies/%s.json", root != NULL ? root : ".", src);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    size_t n;
    char *text = tu_read_file(from, &n);
    assert_non_null(text);
    tu_write_file(path, text);
    free(text);
}

typedef struct ev_count {
    const char *want;
    int exact, sets;
} ev_count;

static seal_status count_events(const uint8_t *e, size_t len, uint64_t index, void *ud,
                                seal_error *err)
{
    (void) index;
    (void) err;
    ev_count *c = ud;
    static const char tag[] = "\"type\":\"policy.set\"";
    if (len == strlen(c->want) && memcmp(e, c->want, len) == 0) {
        c->exact++;
    }
    for (size_t i = 0; i + sizeof(tag) - 1 <= len; i++) {
        if (memcmp(e + i, tag, sizeof(tag) - 1) == 0) {
            c->sets++;
            break;
        }
    }
    return SEAL_OK;
}

/* Issue 11: the policy of record. Submissions are checked under it and only
 * under it; only a privacy officer changes it, as a ledger event; requests
 * keep the policy they were checked under; a policy file changed by hand
 * does not open; a change cut short is completed at open. */
static void test_policy_of_record(void **state)
{
    (void) state;
    char dir[512], path[700];
    fresh_under(dir, sizeof(dir), "cfr-233");
    int64_t now = t_of("2026-11-24");
    seal_error err;
    seal_decision *d = malloc(sizeof(*d));
    assert_non_null(d);
    lcase c = {"MC-13", P_CFR, COVER, "", "", false, "", false};
    char *doc = build(&c, false);
    char id[SEAL_ID_SIZE], id2[SEAL_ID_SIZE];
    seal_submit_options o = {0};
    seal_registry *reg = reg_as(dir, "insp1", now);
    assert_string_equal(seal_policy_name(seal_registry_policy(reg)), "cfr-233");
    /* the unsigned cover is reviewable under cfr-233 */
    assert_int_equal(seal_request_submit(reg, doc, strlen(doc), &o, id, d, &err), SEAL_OK);
    assert_string_equal(d->policy_name, "cfr-233");
    assert_int_equal(d->verdict, SEAL_VERDICT_REVIEW);
    /* a requester cannot change the policy of record */
    assert_int_equal(seal_registry_policy_set(reg, "strict", NULL, &err), SEAL_PERM);
    assert_string_equal(err.msg, "policy set: principal insp1 is not a privacy_officer (only a "
                                 "privacy officer changes the policy of record)");
    seal_registry_close(reg);
    /* nor the operator once a privacy officer exists */
    reg = reg_as(dir, NULL, now);
    assert_int_equal(seal_registry_policy_set(reg, "strict", NULL, &err), SEAL_PERM);
    assert_string_equal(err.msg, "policy set: act as a privacy_officer (--as ID)");
    seal_registry_close(reg);
    /* a privacy officer: one policy.set event with the old and new hashes */
    reg = reg_as(dir, "po1", now);
    char old[65], new_sha[65];
    snprintf(old, sizeof(old), "%s", seal_policy_sha256(seal_registry_policy(reg)));
    bool changed = false;
    assert_int_equal(seal_registry_policy_set(reg, "no-such.json", &changed, &err), SEAL_IO);
    assert_false(changed);
    assert_string_equal(seal_policy_sha256(seal_registry_policy(reg)), old);
    assert_int_equal(seal_registry_policy_set(reg, "strict", &changed, &err), SEAL_OK);
    assert_true(changed);
    assert_string_equal(seal_policy_name(seal_registry_policy(reg)), "strict");
    snprintf(new_sha, sizeof(new_sha), "%s", seal_policy_sha256(seal_registry_policy(reg)));
    assert_string_not_equal(old, new_sha);
    assert_int_equal(seal_registry_policy_set(reg, "strict", &changed, &err), SEAL_OK);
    assert_false(changed);
    seal_registry_close(reg);
    /* exactly one such event, the init's being the other policy.set */
    char want_ev[600], ldir[600];
    snprintf(want_ev, sizeof(want_ev),
             "{\"commit\":{\"policy\":\"%s\"},\"ids\":{\"actor\":\"po1\",\"new\":\"%s\","
             "\"old\":\"%s\",\"policy\":\"strict\"},\"time\":\"2026-11-24T00:00:00Z\","
             "\"type\":\"policy.set\",\"v\":1}",
             new_sha, new_sha, old);
    snprintf(ldir, sizeof(ldir), "%s/ledger", dir);
    ev_count evc = {want_ev, 0, 0};
    uint64_t lsize = 0;
    assert_int_equal(seal_ledger_scan_dir(ldir, count_events, &evc, &lsize, &err), SEAL_OK);
    assert_int_equal(evc.exact, 1);
    assert_int_equal(evc.sets, 2);
    /* the request checked under cfr-233 is reviewed under cfr-233: one
     * inspection-service approver suffices (strict would want two) */
    reg = reg_as(dir, "ca1", now);
    seal_request_state st;
    assert_int_equal(seal_request_review(reg, id, true, &st, &err), SEAL_OK);
    assert_int_equal(st, SEAL_RS_ACTIVE);
    seal_registry_close(reg);
    /* a new submission of the same document: strict, refused (no order) */
    reg = reg_as(dir, "insp1", now);
    assert_int_equal(seal_request_submit(reg, doc, strlen(doc), &o, id2, d, &err), SEAL_OK);
    assert_string_equal(d->policy_name, "strict");
    assert_int_equal(d->verdict, SEAL_VERDICT_REFUSED);
    assert_true(has_reason(d, "order.required"));
    /* trusted issuers come only from the registry: a self-signed order */
    char *self = self_signed(doc);
    assert_int_equal(seal_request_submit(reg, self, strlen(self), &o, id2, d, &err), SEAL_OK);
    assert_int_equal(d->verdict, SEAL_VERDICT_REFUSED);
    assert_true(has_reason(d, "order.unknown_issuer"));
    seal_registry_close(reg);

    /* the what-if check uses the registry: issuers, agencies */
    reg = reg_as(dir, NULL, now);
    assert_int_equal(seal_request_check_in(reg, NULL, self, strlen(self), NULL, 0, d, &err),
                     SEAL_OK);
    assert_int_equal(d->verdict, SEAL_VERDICT_REFUSED);
    assert_true(has_reason(d, "order.unknown_issuer"));
    lcase cs = {"MC-13", P_CFR, COVER, "", "", true, "", false};
    char *signed_doc = build(&cs, false);
    assert_int_equal(
        seal_request_check_in(reg, NULL, signed_doc, strlen(signed_doc), NULL, 0, d, &err),
        SEAL_OK);
    assert_int_equal(d->verdict, SEAL_VERDICT_REVIEW);
    assert_false(has_reason(d, "order.unknown_issuer"));
    char *ghost = strstr(signed_doc, "\"postal-inspection\"");
    assert_non_null(ghost);
    memcpy(ghost, "\"postal-pretenders\"", strlen("\"postal-pretenders\""));
    assert_int_equal(
        seal_request_check_in(reg, NULL, signed_doc, strlen(signed_doc), NULL, 0, d, &err),
        SEAL_OK);
    assert_int_equal(d->verdict, SEAL_VERDICT_REFUSED);
    assert_true(has_reason(d, "agency.unregistered"));
    seal_policy *cfr = NULL;
    assert_int_equal(seal_policy_builtin("cfr-233", &cfr, &err), SEAL_OK);
    assert_int_equal(seal_request_check_in(reg, cfr, doc, strlen(doc), NULL, 0, d, &err), SEAL_OK);
    assert_string_equal(d->policy_name, "cfr-233");
    assert_int_equal(d->verdict, SEAL_VERDICT_REVIEW);
    seal_policy_free(cfr);
    seal_registry_close(reg);

    /* a policy file changed by hand: the directory does not open */
    put_file(dir, "policy.json", "cfr-233");
    seal_registry *bad = NULL;
    assert_int_equal(seal_registry_open(dir, "aud1", now, &bad, &err), SEAL_VERIFY);
    assert_null(bad);
    char want[1200];
    snprintf(want, sizeof(want),
             "%s: the policy of record changed outside `sealctl policy set` (hash %s, ledger "
             "says %s)",
             dir, old, new_sha);
    assert_string_equal(err.msg, want);
    /* a change cut short after its event: the old file, the new one beside it */
    put_file(dir, "policy.json.tmp", "strict");
    reg = reg_as(dir, "aud1", now);
    assert_string_equal(seal_policy_sha256(seal_registry_policy(reg)), new_sha);
    seal_registry_close(reg);
    snprintf(path, sizeof(path), "%s/policy.json.tmp", dir);
    assert_int_not_equal(access(path, F_OK), 0);
    /* a stray temporary file with another policy completes nothing */
    put_file(dir, "policy.json", "cfr-233");
    put_file(dir, "policy.json.tmp", "cfr-233");
    assert_int_equal(seal_registry_open(dir, "aud1", now, &bad, &err), SEAL_VERIFY);
    put_file(dir, "policy.json", "strict");
    unlink(path);
    /* a restored backup without policy.json: its text comes from registry.db */
    snprintf(path, sizeof(path), "%s/policy.json", dir);
    assert_int_equal(unlink(path), 0);
    reg = reg_as(dir, "aud1", now);
    assert_string_equal(seal_policy_sha256(seal_registry_policy(reg)), new_sha);
    seal_registry_close(reg);
    assert_int_equal(access(path, F_OK), 0);
    free(signed_doc);
    free(self);
    free(doc);
    free(d);
}

/* ---- issue 11: a legal basis serves one request; consent is proven ---------------------- */

/* Submits doc as who under policy, optionally superseding; *d the decision. */
static seal_request_state submit_as(const char *dir, const char *who, const char *doc,
                                    const char *policy, const char *supersedes,
                                    char id[SEAL_ID_SIZE], seal_decision *d)
{
    seal_error err;
    if (policy != NULL) {
        /* the requester cannot choose: the privacy officer sets the policy
         * of record for this submission, and strict again after it */
        seal_registry *po = reg_as(dir, "po1", t_of("2026-11-24"));
        assert_int_equal(seal_registry_policy_set(po, policy, NULL, &err), SEAL_OK);
        seal_registry_close(po);
    }
    seal_registry *reg = reg_as(dir, who, t_of("2026-11-24"));
    seal_submit_options o = {.supersedes = supersedes};
    assert_int_equal(seal_request_submit(reg, doc, strlen(doc), &o, id, d, &err), SEAL_OK);
    seal_buf out;
    seal_buf_init(&out);
    assert_int_equal(seal_request_show(reg, id, false, &out, &err), SEAL_OK);
    /* the request's own state: the first one shown (a superseded one follows) */
    seal_request_state st = SEAL_RS_COUNT;
    const char *at = strstr(seal_buf_str(&out), "\"state\": \"");
    assert_non_null(at);
    at += strlen("\"state\": \"");
    for (int k = 0; k < SEAL_RS_COUNT; k++) {
        const char *name = seal_request_state_name(k);
        if (strncmp(at, name, strlen(name)) == 0 && at[strlen(name)] == '"') {
            st = (seal_request_state) k;
        }
    }
    seal_buf_cleanup(&out);
    seal_registry_close(reg);
    if (policy != NULL) {
        seal_registry *po = reg_as(dir, "po1", t_of("2026-11-24"));
        assert_int_equal(seal_registry_policy_set(po, "strict", NULL, &err), SEAL_OK);
        seal_registry_close(po);
    }
    return st;
}

static void review_as(const char *dir, const char *who, const char *id, bool approve,
                      const char *note, seal_request_state want)
{
    seal_error err;
    seal_request_state st;
    seal_registry *reg = reg_as(dir, who, t_of("2026-11-24"));
    assert_int_equal(seal_request_review_note(reg, id, approve, note, &st, &err), SEAL_OK);
    assert_int_equal(st, want);
    seal_registry_close(reg);
}

static seal_status consent_as(const char *dir, const char *who, const char *id, const char *ref,
                              seal_request_state *st, seal_error *err)
{
    seal_registry *reg = reg_as(dir, who, t_of("2026-11-24"));
    seal_status s = seal_request_consent(reg, id, ref, st, err);
    seal_registry_close(reg);
    return s;
}

static void test_basis_once(void **state)
{
    (void) state;
    char dir[512], r1[SEAL_ID_SIZE], r2[SEAL_ID_SIZE], r3[SEAL_ID_SIZE], r4[SEAL_ID_SIZE];
    fresh_under(dir, sizeof(dir), NULL);
    seal_decision *d = malloc(sizeof(*d));
    assert_non_null(d);
    /* one signed court order (strict needs it for tracking) */
    lcase c = {"PA-2", P_STRICT,
               SUB,    "/legal_basis/type=\"court_order\";/categories=[\"identity\", \"tracking\"]",
               "",     true,
               "",     false};
    char *order = build(&c, false);
    assert_int_equal(submit_as(dir, "det1", order, NULL, NULL, r1, d), SEAL_RS_REVIEW);
    review_as(dir, "rev1", r1, true, NULL, SEAL_RS_ACTIVE);
    /* the attacker: the same order again, refused naming the first */
    assert_int_equal(submit_as(dir, "det1", order, NULL, NULL, r2, d), SEAL_RS_REFUSED);
    assert_int_equal(d->n_reasons, 1);
    assert_string_equal(d->reasons[0].code, "basis.reused");
    assert_string_equal(d->reasons[0].rule, "PA-2");
    assert_string_equal(d->reasons[0].pointer, "/legal_basis/reference");
    char m[1024];
    snprintf(m, sizeof(m),
             "this legal basis already served request %s: a legal basis serves one request", r1);
    assert_string_equal(d->reasons[0].message, m);
    /* the same order moved to another agency: its agency line no longer matches */
    json_error_t je;
    json_t *moved = json_loads(order, 0, &je);
    assert_non_null(moved);
    json_object_set_new(moved, "agency", json_string("brantmoor-sheriff"));
    char *moved_s = json_dumps(moved, 0);
    json_decref(moved);
    assert_int_equal(submit_as(dir, "sgt1", moved_s, NULL, NULL, r2, d), SEAL_RS_REFUSED);
    assert_string_equal(d->reasons[0].code, "order.mismatch");
    assert_string_equal(d->reasons[0].pointer, "/agency");
    /* --supersedes of an active request is refused */
    assert_int_equal(submit_as(dir, "det1", order, NULL, r1, r2, d), SEAL_RS_REFUSED);
    assert_string_equal(d->reasons[0].code, "basis.supersedes_state");

    /* a subpoena: resubmitted, refused; denied, then superseded */
    lcase sc = {"PA-2", P_BOTH, SUB, "", "", false, "", false};
    char *sub = build(&sc, false);
    assert_int_equal(submit_as(dir, "det1", sub, NULL, NULL, r2, d), SEAL_RS_REVIEW);
    assert_int_equal(submit_as(dir, "det1", sub, NULL, NULL, r3, d), SEAL_RS_REFUSED);
    assert_string_equal(d->reasons[0].code, "basis.reused");
    review_as(dir, "rev1", r2, false, "the window is wider than the facts", SEAL_RS_DENIED);
    assert_int_equal(submit_as(dir, "det1", sub, NULL, NULL, r3, d), SEAL_RS_REFUSED);
    snprintf(m, sizeof(m),
             "this legal basis already served request %s, which was denied: name it with "
             "--supersedes %s to replace it",
             r2, r2);
    assert_string_equal(d->reasons[0].message, m);
    assert_int_equal(submit_as(dir, "det1", sub, NULL, r2, r3, d), SEAL_RS_REVIEW);
    /* the reviewer of the superseding request sees the denial's note */
    seal_error err;
    seal_buf out;
    seal_buf_init(&out);
    seal_registry *reg = reg_as(dir, "rev1", t_of("2026-11-24"));
    assert_int_equal(seal_request_show(reg, r3, false, &out, &err), SEAL_OK);
    char want[512];
    snprintf(want, sizeof(want), "\"supersedes\": \"%s\"", r2);
    assert_non_null(strstr(seal_buf_str(&out), want));
    snprintf(
        want, sizeof(want),
        "\"superseded\": {\"id\": \"%s\", \"state\": \"denied\", \"approvals\": "
        "[{\"principal\": \"rev1\", \"decision\": \"deny\", \"role\": \"reviewer\", "
        "\"at\": \"2026-11-24T00:00:00Z\", \"note\": \"the window is wider than the facts\"}]}",
        r2);
    assert_non_null(strstr(seal_buf_str(&out), want));
    seal_registry_close(reg);
    /* superseded once only; the next one is a reuse of the superseding one */
    assert_int_equal(submit_as(dir, "det1", sub, NULL, r2, r4, d), SEAL_RS_REFUSED);
    assert_string_equal(d->reasons[0].code, "basis.supersedes_twice");
    assert_int_equal(submit_as(dir, "det1", sub, NULL, NULL, r4, d), SEAL_RS_REFUSED);
    snprintf(m, sizeof(m),
             "this legal basis already served request %s: a legal basis serves one request", r3);
    assert_string_equal(d->reasons[0].message, m);

    /* a cover extension under the same basis goes on (MC-5), a copy does not (MC-13) */
    lcase cc = {"MC-13", P_CFR, COVER, "", CRIME_EXT, false, "", false};
    char *cover = build(&cc, false), *ext = build(&cc, true);
    assert_int_equal(submit_as(dir, "insp1", cover, "cfr-233", NULL, r1, d), SEAL_RS_REVIEW);
    review_as(dir, "ca1", r1, true, NULL, SEAL_RS_ACTIVE);
    assert_int_equal(submit_as(dir, "insp1", cover, "cfr-233", NULL, r2, d), SEAL_RS_REFUSED);
    assert_string_equal(d->reasons[0].code, "basis.reused");
    assert_string_equal(d->reasons[0].rule, "MC-13");
    assert_int_equal(submit_as(dir, "insp1", ext, "cfr-233", NULL, r2, d), SEAL_RS_REVIEW);

    /* a refused submission keeps its decision, not its body */
    reg = reg_as(dir, "det1", t_of("2026-11-24"));
    seal_buf_reset(&out);
    assert_int_equal(seal_request_show(reg, r4, true, &out, &err), SEAL_NOTFOUND);
    snprintf(m, sizeof(m),
             "request %s was refused: its document was not kept, only the decision and the "
             "document's keyed digest",
             r4);
    assert_string_equal(err.msg, m);
    seal_buf_reset(&out);
    assert_int_equal(seal_request_show(reg, r4, false, &out, &err), SEAL_OK);
    assert_non_null(strstr(seal_buf_str(&out), "\"document_kept\": false, \"refusal\": "
                                               "{\"document_hash\": \""));
    assert_non_null(strstr(seal_buf_str(&out), "\"code\": \"basis.reused\""));
    seal_registry_close(reg);
    seal_buf_cleanup(&out);
    /* no reference in clear in registry.db or the ledger */
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "grep -rqa -e GJ-2026-118 -e MC-2026-7 '%s'", dir);
    assert_int_not_equal(tu_run(NULL, "%s", cmd), 0);
    free(order);
    free(moved_s);
    free(sub);
    free(cover);
    free(ext);
    free(d);
}

static void test_consent(void **state)
{
    (void) state;
    char dir[512], c1[SEAL_ID_SIZE], c2[SEAL_ID_SIZE], c3[SEAL_ID_SIZE];
    fresh_under(dir, sizeof(dir), NULL);
    seal_error err;
    seal_registry *reg = reg_as(dir, "po1", t_of("2026-11-24"));
    const char *both[] = {"email:orlen.v@post.example", "account:AC-1"};
    const char *one[] = {"email:orlen.v@post.example"};
    assert_int_equal(seal_subject_add(reg, "sub-both", "usps-pis", 0, INT64_MAX, both, 2, &err),
                     SEAL_OK);
    assert_int_equal(seal_subject_add(reg, "sub-one", "usps-pis", 0, INT64_MAX, one, 1, &err),
                     SEAL_OK);
    seal_registry_close(reg);
    seal_decision *d = malloc(sizeof(*d));
    assert_non_null(d);
    lcase cc = {"PA-2",
                P_BOTH,
                SUB,
                "/legal_basis/type=\"consent\";/legal_basis/expires_at=\"2026-12-19T00:00:00Z\";"
                "/subjects=[{\"type\": \"email\", \"value\": \"Orlen.V@Post.Example\"}, "
                "{\"type\": \"account\", \"value\": \"AC-1\"}]",
                "/legal_basis/reference=\"CONSENT-2\"",
                false,
                "",
                false};
    char *doc = build(&cc, false), *doc2 = build(&cc, true);
    seal_request_state st;
    /* strict: only the subject confirms; the requester, a subject bound to one of
     * the two, and a reviewer's reference are refused */
    assert_int_equal(submit_as(dir, "det1", doc, NULL, NULL, c1, d), SEAL_RS_CONSENT_PENDING);
    assert_int_equal(consent_as(dir, "det1", c1, NULL, &st, &err), SEAL_PERM);
    assert_int_equal(consent_as(dir, "sub-one", c1, NULL, &st, &err), SEAL_REFUSED);
    char m[1024];
    snprintf(m, sizeof(m),
             "request %s: principal sub-one is not bound to subject 2 of 2 the request names; "
             "consent is confirmed by every subject (PA-2)",
             c1);
    assert_string_equal(err.msg, m);
    assert_null(strstr(err.msg, "AC-1"));
    assert_int_equal(consent_as(dir, "rev1", c1, "WC-9", &st, &err), SEAL_REFUSED);
    assert_non_null(strstr(err.msg, "under strict consent is confirmed by the subject"));
    reg = reg_as(dir, "rev1", t_of("2026-11-24"));
    assert_int_equal(seal_request_review(reg, c1, true, &st, &err), SEAL_REFUSED);
    seal_registry_close(reg);
    assert_int_equal(consent_as(dir, "sub-both", c1, NULL, &st, &err), SEAL_OK);
    assert_int_equal(st, SEAL_RS_REVIEW);
    review_as(dir, "rev1", c1, true, NULL, SEAL_RS_ACTIVE);
    /* cfr-233: a reviewer may record the written consent's reference */
    assert_int_equal(submit_as(dir, "det1", doc2, "cfr-233", NULL, c2, d), SEAL_RS_CONSENT_PENDING);
    assert_int_equal(consent_as(dir, "rev-q", c2, "WC-9", &st, &err), SEAL_REFUSED);
    assert_int_equal(consent_as(dir, "rev1", c2, "WC-9", &st, &err), SEAL_OK);
    assert_int_equal(st, SEAL_RS_REVIEW);
    /* unconfirmed consent expires with its basis and discloses nothing */
    cc.edits2 = "/legal_basis/reference=\"CONSENT-3\"";
    char *doc3 = build(&cc, true);
    assert_int_equal(submit_as(dir, "det1", doc3, NULL, NULL, c3, d), SEAL_RS_CONSENT_PENDING);
    seal_buf out;
    seal_buf_init(&out);
    reg = reg_as(dir, "aud1", t_of("2026-12-19"));
    assert_int_equal(seal_request_sweep(reg, &out, &err), SEAL_OK);
    char want[512];
    snprintf(want, sizeof(want),
             "{\"request\": \"%s\", \"action\": \"expired\", \"rule\": \"PA-2\"}", c3);
    assert_non_null(strstr(seal_buf_str(&out), want));
    seal_registry_close(reg);
    seal_buf_cleanup(&out);
    reg = reg_as(dir, "sub-both", t_of("2026-12-19"));
    assert_int_equal(seal_request_consent(reg, c3, NULL, &st, &err), SEAL_REFUSED);
    assert_int_equal(st, SEAL_RS_EXPIRED);
    seal_registry_close(reg);
    free(doc);
    free(doc2);
    free(doc3);
    free(d);
}

static int setup(void **state)
{
    (void) state;
    seal_buf sk, vk;
    seal_buf_init(&sk);
    seal_buf_init(&vk);
    seal_error err;
    if (seal_note_generate_key("examplia-district", &sk, &vk, &err) != SEAL_OK ||
        seal_note_signer_new(seal_buf_str(&sk), sk.len, &signer, &err) != SEAL_OK) {
        return -1;
    }
    snprintf(vkey, sizeof(vkey), "%s", seal_buf_str(&vk));
    seal_note_wipe(&sk);
    seal_buf_cleanup(&sk);
    seal_buf_cleanup(&vk);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    seal_note_signer_free(signer);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_table),       cmocka_unit_test(test_integrity),
        cmocka_unit_test(test_policy_of_record), cmocka_unit_test(test_basis_once),
        cmocka_unit_test(test_consent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy evaluator, table-driven: for every LAW.md rule in the request
 * checks (MC-1, MC-3..MC-6, MC-9, PA-1..PA-3, PA-5..PA-9, PA-11) one request
 * that passes and one that fails, under both shipped policies, with the exact
 * verdict and the exact list of reason codes and pointers. Requests are made
 * from a few base documents by JSON-pointer edits; where a case needs a signed
 * order it is signed with a key made in the test. Plus policy loading errors,
 * hashing, verify/diff and allocation-failure sweeps. Synthetic data only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "sealed/alloc.h"
#include "sealed/note.h"
#include "sealed/policy.h"
#include "sealed/request.h"
#include "sealed/time.h"

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

typedef struct tcase {
    const char *rule; /* the LAW.md rule the case exercises */
    int policy;       /* which policy the expectation is for */
    int base;
    const char *edits; /* "pointer=json;pointer=DEL;..." */
    bool sign;         /* attach an order signed by the test issuer */
    const char *verdict;
    const char *reasons; /* "code@pointer,code@pointer" exactly, in order */
} tcase;

#define REVIEW "review.required@"

static const tcase cases[] = {
    /* PA-1: the basis is one of the closed list */
    {"PA-1", P_BOTH, SUB, "", false, "review", REVIEW},
    {"PA-1", P_BOTH, SUB, "/legal_basis/type=\"letter\"", false, "refused",
     "basis.unknown@/legal_basis/type"},
    {"PA-1", P_BOTH, SUB, "/legal_basis/type=DEL", false, "refused",
     "schema.missing@/legal_basis/type"},
    /* PA-2: a named official, process in force, specific facts, the offense */
    {"PA-2", P_BOTH, SUB, "/official=\"Cmdr. L. Orlo, agency head\"", false, "review", REVIEW},
    {"PA-2", P_BOTH, SUB, "/official=\"  \"", false, "refused", "schema.empty@/official"},
    {"PA-2", P_BOTH, SUB, "/legal_basis/issued_at=\"2026-11-25T00:00:00Z\"", false, "refused",
     "basis.not_yet_issued@/legal_basis/issued_at"},
    {"PA-2", P_BOTH, SUB,
     "/legal_basis/issued_at=\"2026-01-01T00:00:00Z\";/legal_basis/expires_at=\"2026-11-23T23:59:"
     "59Z\"",
     false, "refused", "basis.expired@/legal_basis/expires_at"},
    {"PA-2", P_CFR, SUB, "/legal_basis/facts=\"Parcels to this address held fentanyl in June.\"",
     false, "review", REVIEW},
    {"PA-2", P_STRICT, SUB, "/legal_basis/facts=\"Parcels to this address held fentanyl in June.\"",
     false, "refused", "facts.too_short@/legal_basis/facts"},
    {"PA-2", P_BOTH, SUB, "/purpose/offense=DEL", false, "refused",
     "purpose.offense_missing@/purpose/offense"},
    {"PA-2", P_BOTH, SUB, "/categories=[]", false, "refused", "categories.empty@/categories"},
    /* PA-3: civil immigration reaches customer data only with a warrant (strict) */
    {"PA-3", P_CFR, SUB, "/purpose={\"activity\": \"civil_immigration\"}", false, "review", REVIEW},
    {"PA-3", P_STRICT, SUB, "/purpose={\"activity\": \"civil_immigration\"}", false, "refused",
     "purpose.warrant_required@/legal_basis/type"},
    {"PA-3", P_BOTH, SUB,
     "/purpose={\"activity\": \"civil_immigration\"};/legal_basis/type=\"warrant\"", true, "review",
     REVIEW},
    {"PA-3", P_CFR, SUB,
     "/legal_basis/type=\"mail_cover\";/purpose={\"activity\": "
     "\"civil_other\"};/categories=[\"mail_exterior\"]",
     false, "refused", "cover.missing@/cover,purpose.basis@/legal_basis/type"},
    {"PA-3", P_STRICT, SUB,
     "/legal_basis/type=\"mail_cover\";/purpose={\"activity\": "
     "\"civil_other\"};/categories=[\"mail_exterior\"]",
     false, "refused",
     "cover.missing@/cover,order.required@/legal_basis/order,purpose.basis@/legal_basis/type"},
    /* PA-5: each locked category in its own reason; strict needs signed orders */
    {"PA-5", P_BOTH, SUB, "/categories=[\"identity\", \"tracking\", \"payment_detail\"]", false,
     "refused", "category.locked@/categories/2,category.locked@/categories/1"},
    {"PA-5", P_CFR, SUB, "/legal_basis/type=\"court_order\";/categories=[\"tracking\"]", false,
     "review", REVIEW},
    {"PA-5", P_STRICT, SUB, "/legal_basis/type=\"court_order\";/categories=[\"tracking\"]", false,
     "refused", "order.required@/legal_basis/order"},
    {"PA-5", P_BOTH, SUB,
     "/legal_basis/type=\"court_order\";/categories=[\"tracking\", \"mail_exterior\"]", true,
     "review", REVIEW},
    {"PA-5", P_CFR, SUB, "/legal_basis/type=\"consent\";/categories=[\"mail_exterior\"]", false,
     "refused", "category.locked@/categories/0"},
    {"PA-5", P_STRICT, SUB, "/legal_basis/type=\"consent\";/categories=[\"mail_exterior\"]", false,
     "refused", "order.required@/legal_basis/order,category.locked@/categories/0"},
    /* PA-6: particular subjects, bounded window, the cap */
    {"PA-6", P_BOTH, SUB, "/subjects/0/address=\"PSC 1234 Box 5678, APO AE 09204\"", false,
     "review", REVIEW},
    {"PA-6", P_BOTH, SUB, "/subjects/0/address=\"PO Box 123, Quellford MN 55001\"", false, "review",
     REVIEW},
    {"PA-6", P_BOTH, SUB, "/subjects/0/address=\"PSC 1234 Box 5678, APO\"", false, "refused",
     "subject.address@/subjects/0/address"},
    {"PA-6", P_BOTH, SUB, "/subjects/0/name=\"I* Drovenko\"", false, "refused",
     "subject.pattern@/subjects/0/name"},
    {"PA-6", P_BOTH, SUB, "/subjects/0/address=\"200..299 S Tamber St, Quellford MN 55001\"", false,
     "refused", "subject.range@/subjects/0/address"},
    {"PA-6", P_BOTH, SUB, "/subjects/0={\"type\": \"address\", \"address\": \"55001\"}", false,
     "refused", "subject.area@/subjects/0/address"},
    {"PA-6", P_BOTH, SUB, "/subjects/0={\"type\": \"address\", \"address\": \"Quellford MN\"}",
     false, "refused", "subject.area@/subjects/0/address"},
    {"PA-6", P_BOTH, SUB, "/subjects/0={\"type\": \"person\", \"zip\": \"55001\"}", false,
     "refused", "subject.attribute@/subjects/0/zip"},
    {"PA-6", P_BOTH, SUB, "/subjects/0={}", false, "refused", "subject.empty@/subjects/0"},
    {"PA-6", P_BOTH, SUB, "/subjects=[]", false, "refused", "subject.none@/subjects"},
    {"PA-6", P_BOTH, SUB, "/subjects/0/address=DEL", false, "refused",
     "subject.incomplete@/subjects/0/address"},
    {"PA-6", P_BOTH, SUB, "/subjects/0={\"type\": \"email\", \"value\": \"%@post.example\"}", false,
     "refused", "subject.pattern@/subjects/0/value"},
    {"PA-6", P_BOTH, SUB, "/subjects/0={\"type\": \"phone\", \"value\": \"555-0100 - 555-0199\"}",
     false, "refused", "subject.range@/subjects/0/value"},
    {"PA-6", P_BOTH, SUB,
     "/subjects/0={\"type\": \"tracking\", \"value\": \"9400 1000 0000 0000 "
     "0000 00\"}",
     false, "review", REVIEW},
    {"PA-6", P_STRICT, SUB, "/subjects=SUBJECTS11", false, "refused",
     "subjects.too_many@/subjects"},
    {"PA-6", P_CFR, SUB, "/subjects=SUBJECTS11", false, "review", REVIEW},
    {"PA-6", P_STRICT, SUB, "/window/from=\"2025-09-01\"", false, "refused",
     "window.too_long@/window"},
    {"PA-6", P_CFR, SUB, "/window/from=\"2025-09-01\"", false, "review", REVIEW},
    {"PA-6", P_BOTH, SUB, "/window/from=\"2026-11-01\"", false, "refused", "window.order@/window"},
    /* PA-7: emergencies are attested; served at once with a follow-up deadline */
    {"PA-7", P_BOTH, EMERG, "", false, "approved", "emergency.follow_up@/emergency"},
    {"PA-7", P_BOTH, EMERG, "/emergency=DEL", false, "refused",
     "emergency.attestation_missing@/emergency"},
    {"PA-7", P_BOTH, EMERG, "/emergency/attestation=\"urgent\"", false, "refused",
     "emergency.attestation_short@/emergency/attestation"},
    {"PA-7", P_BOTH, SUB, "/emergency={\"attestation\": \"x\"}", false, "refused",
     "emergency.unexpected@/emergency"},
    /* PA-7: an emergency names few subjects, a short window ending by today */
    {"PA-7", P_STRICT, EMERG,
     "/subjects=[{\"type\": \"account\", \"value\": \"AC-1\"}, {\"type\": \"account\", "
     "\"value\": \"AC-2\"}]",
     false, "refused", "emergency.subjects_too_many@/subjects"},
    {"PA-7", P_CFR, EMERG,
     "/subjects=[{\"type\": \"account\", \"value\": \"AC-1\"}, {\"type\": \"account\", "
     "\"value\": \"AC-2\"}, {\"type\": \"account\", \"value\": \"AC-3\"}]",
     false, "approved", "emergency.follow_up@/emergency"},
    {"PA-7", P_CFR, EMERG,
     "/subjects=[{\"type\": \"account\", \"value\": \"AC-1\"}, {\"type\": \"account\", "
     "\"value\": \"AC-2\"}, {\"type\": \"account\", \"value\": \"AC-3\"}, {\"type\": "
     "\"account\", \"value\": \"AC-4\"}]",
     false, "refused", "emergency.subjects_too_many@/subjects"},
    {"PA-7", P_STRICT, EMERG, "/window/from=\"2026-10-26\";/window/to=\"2026-11-24\"", false,
     "approved", "emergency.follow_up@/emergency"},
    {"PA-7", P_STRICT, EMERG, "/window/from=\"2026-10-25\";/window/to=\"2026-11-24\"", false,
     "refused", "emergency.window_too_long@/window/from"},
    {"PA-7", P_CFR, EMERG, "/window/from=\"2026-10-25\";/window/to=\"2026-11-24\"", false,
     "approved", "emergency.follow_up@/emergency"},
    {"PA-7", P_CFR, EMERG, "/window/from=\"2026-08-27\"", false, "approved",
     "emergency.follow_up@/emergency"},
    {"PA-7", P_CFR, EMERG, "/window/from=\"2026-08-26\"", false, "refused",
     "emergency.window_too_long@/window/from"},
    {"PA-7", P_BOTH, EMERG, "/window/to=\"2026-11-25\"", false, "refused",
     "emergency.window_future@/window/to"},
    {"PA-7", P_STRICT, EMERG, "/purpose/activity=\"fugitive\"", false, "refused",
     "purpose.basis@/legal_basis/type"},
    {"PA-7", P_CFR, EMERG, "/purpose/activity=\"fugitive\"", false, "approved",
     "emergency.follow_up@/emergency"},
    {"PA-7", P_BOTH, EMERG,
     "/purpose={\"activity\": \"criminal_investigation\", \"offense\": \"18 USC 1201\"}", false,
     "refused", "purpose.basis@/legal_basis/type"},
    {"PA-7", P_STRICT, EMERG, "/categories=[\"contact\", \"payment_detail\"]", false, "refused",
     "category.locked@/categories/1"},
    {"PA-7", P_CFR, EMERG, "/categories=[\"contact\", \"payment_detail\"]", false, "approved",
     "emergency.follow_up@/emergency"},
    {"PA-7", P_STRICT, EMERG,
     "/categories=[\"identity\", \"contact\", \"network_session\", "
     "\"tracking\"]",
     false, "approved", "emergency.follow_up@/emergency"},
    /* PA-8: notice delay at most 90 days, and in the signed order */
    {"PA-8", P_BOTH, SUB, "/legal_basis/notice_delay_until=\"2027-02-20\"", false, "review",
     REVIEW},
    {"PA-8", P_BOTH, SUB, "/legal_basis/notice_delay_until=\"2027-02-23\"", false, "refused",
     "notice.delay_too_long@/legal_basis/notice_delay_until"},
    {"PA-8", P_BOTH, SUB, "/legal_basis/notice_delay_until=\"2026-11-01\"", false, "refused",
     "notice.delay_past@/legal_basis/notice_delay_until"},
    {"PA-8", P_BOTH, SUB,
     "/legal_basis/type=\"court_order\";/legal_basis/notice_delay_until=\"2027-01-10\"", true,
     "review", REVIEW},
    /* (the "NOTICE-AFTER-SIGN" edit adds the delay after the order was signed) */
    {"PA-8", P_BOTH, SUB, "/legal_basis/type=\"court_order\";NOTICE-AFTER-SIGN", true, "refused",
     "order.mismatch@/legal_basis/notice_delay_until"},
    /* PA-2: an order serves the agency it names (sealed-order/v2); "AGENCY-AFTER-SIGN"
     * edits only /agency after signing, "V1-ORDER" signs the old text without it */
    {"PA-2", P_BOTH, SUB, "/legal_basis/type=\"court_order\";AGENCY-AFTER-SIGN", true, "refused",
     "order.mismatch@/agency"},
    {"PA-2", P_BOTH, SUB, "/legal_basis/type=\"court_order\";V1-ORDER", true, "refused",
     "order.version@/legal_basis/order"},
    /* PA-9: preservation discloses nothing */
    {"PA-9", P_BOTH, PRES, "", false, "review", REVIEW},
    {"PA-9", P_BOTH, PRES, "/categories=[\"contact\"]", false, "refused",
     "preservation.categories@/categories"},
    /* PA-11: an address under a protective order needs a court order or warrant */
    {"PA-11", P_BOTH, SUB, "PROTECT", false, "refused", "address.protected@/subjects/0/address"},
    {"PA-11", P_BOTH, SUB, "PROTECT;/legal_basis/type=\"warrant\"", true, "review", REVIEW},
    /* MC-1: one ground from the list; a crime ground cites the statute */
    {"MC-1", P_BOTH, COVER, "", true, "review", "review.required@"},
    {"MC-1", P_CFR, COVER, "/cover/ground=\"curiosity\"", true, "refused",
     "cover.ground@/cover/ground"},
    {"MC-1", P_STRICT, COVER, "/cover/ground=\"curiosity\"", true, "refused",
     "cover.ground@/cover/ground,order.required@/legal_basis/order"},
    {"MC-1", P_BOTH, COVER, "/purpose/offense=DEL", true, "refused",
     "cover.statute_missing@/purpose/offense"},
    {"MC-1", P_BOTH, COVER, "/cover/ground=\"fugitive\"", true, "refused",
     "cover.ground_purpose@/cover/ground"},
    {"MC-1", P_BOTH, SUB, "/cover={}", false, "refused", "cover.unexpected@/cover"},
    /* MC-3: a complete request */
    {"MC-3", P_CFR, COVER, "/cover/supervisor=DEL", true, "refused",
     "schema.missing@/cover/supervisor"},
    {"MC-3", P_STRICT, COVER, "/cover/supervisor=DEL", true, "refused",
     "schema.missing@/cover/supervisor,order.required@/legal_basis/order"},
    {"MC-3", P_CFR, COVER,
     "/cover/indicted=DEL;/cover/attorney=DEL;/cover/subject_is_attorney_or_judicial_officer=DEL",
     true, "refused",
     "schema.missing@/cover/indicted,schema.missing@/cover/attorney,schema.missing@/cover/"
     "subject_is_attorney_or_judicial_officer"},
    {"MC-3", P_STRICT, COVER,
     "/cover/indicted=DEL;/cover/attorney=DEL;/cover/subject_is_attorney_or_judicial_officer=DEL",
     true, "refused",
     "schema.missing@/cover/indicted,schema.missing@/cover/attorney,schema.missing@/cover/"
     "subject_is_attorney_or_judicial_officer,order.required@/legal_basis/order"},
    {"MC-3", P_BOTH, COVER, "/cover/attorney=\"77 Brief Ln, Brantmoor VT 05001\"", true, "review",
     REVIEW},
    {"MC-3", P_STRICT, COVER, "/legal_basis/facts=\"Counterfeit notes were mailed.\"", true,
     "refused", "facts.too_short@/legal_basis/facts"},
    /* MC-4: one subject address and the named subjects at it */
    {"MC-4", P_BOTH, COVER, "/cover/address=\"21 Wexley Rd, Brantmoor VT 05001\"", true, "refused",
     "cover.many_addresses@/subjects/0,cover.address_not_subject@/cover/address"},
    {"MC-4", P_CFR, COVER, "/cover/all_at_address=true", true, "refused",
     "schema.missing@/cover/all_at_address_reason"},
    {"MC-4", P_STRICT, COVER, "/cover/all_at_address=true", true, "refused",
     "schema.missing@/cover/all_at_address_reason,order.required@/legal_basis/order"},
    {"MC-4", P_BOTH, COVER,
     "/cover/all_at_address=true;/cover/all_at_address_reason=\"The subject uses several "
     "aliases.\"",
     true, "review", "review.required@,cover.all_at_address@/cover/all_at_address"},
    {"MC-4", P_BOTH, COVER, "/subjects/0={\"type\": \"email\", \"value\": \"a@post.example\"}",
     true, "refused", "cover.subject_type@/subjects/0,cover.address_not_subject@/cover/address"},
    /* MC-5: durations, extensions, the window is the cover period */
    {"MC-5", P_BOTH, COVER, "/cover/days=45;/window/to=\"2027-01-08\"", true, "refused",
     "cover.too_long@/cover/days"},
    {"MC-5", P_BOTH, COVER,
     "/cover/days=45;/window/to=\"2027-01-08\";/cover/ground=\"fugitive\";/purpose={\"activity\": "
     "\"fugitive\"}",
     true, "review", REVIEW},
    {"MC-5", P_STRICT, COVER,
     "/cover/days=100;/window/to=\"2027-03-04\";/cover/ground=\"national_security\";/purpose={"
     "\"activity\": \"national_security\"};/legal_basis/expires_at=\"2027-06-01T00:00:00Z\"",
     true, "refused", "cover.too_long@/cover/days"},
    {"MC-5", P_CFR, COVER,
     "/cover/days=100;/window/to=\"2027-03-04\";/cover/ground=\"national_security\";/purpose={"
     "\"activity\": \"national_security\"};/legal_basis/expires_at=\"2027-06-01T00:00:00Z\"",
     true, "review", REVIEW},
    {"MC-5", P_BOTH, COVER, "/window/to=\"2026-12-31\"", true, "refused",
     "window.cover_mismatch@/window"},
    {"MC-5", P_BOTH, COVER,
     "/cover/start=\"2026-11-20\";/window={\"from\": \"2026-11-20\", "
     "\"to\": \"2026-12-19\"}",
     true, "refused", "cover.start_past@/cover/start"},
    {"MC-5", P_CFR, COVER, "/cover/extends=\"COV-1\"", true, "refused",
     "schema.missing@/cover/benefit_so_far,schema.missing@/cover/benefit_expected"},
    {"MC-5", P_STRICT, COVER, "/cover/extends=\"COV-1\"", true, "refused",
     "schema.missing@/cover/benefit_so_far,schema.missing@/cover/benefit_expected,order.required@/"
     "legal_basis/order"},
    {"MC-5", P_BOTH, COVER,
     "/cover/extends=\"COV-1\";/cover/benefit_so_far=\"Two buyers identified.\";/cover/"
     "benefit_expected=\"The supplier's address.\"",
     true, "review", REVIEW},
    /* MC-6: no crime cover on an indicted subject; fugitive covers continue */
    {"MC-6", P_BOTH, COVER, "/cover/indicted=true", true, "refused",
     "cover.indicted@/cover/indicted"},
    {"MC-6", P_BOTH, COVER,
     "/cover/indicted=true;/cover/ground=\"fugitive\";/purpose={\"activity\": \"fugitive\"}", true,
     "review", REVIEW},
    /* MC-9: an emergency cover needs no signed order but a follow-up */
    {"MC-9", P_BOTH, COVER,
     "/emergency={\"attestation\": \"The subject threatened to mail a device that can kill or "
     "maim its recipient within days.\"}",
     false, "review", "emergency.follow_up@/emergency,review.required@"},
    {"MC-9", P_BOTH, COVER, "/emergency={\"attestation\": \"urgent\"}", false, "refused",
     "emergency.attestation_short@/emergency/attestation"},
    {"MC-9", P_STRICT, COVER, "", false, "refused", "order.required@/legal_basis/order"},
    {"MC-9", P_CFR, COVER, "", false, "review", REVIEW},
};

/* ---- helpers ---------------------------------------------------------- */

static seal_note_signer *signer;
static seal_note_verifier *verifier;
static seal_policy *policies[2]; /* cfr-233, strict */

static unsigned protect_all(void *ud, const char *key)
{
    (void) ud;
    (void) key;
    return 1u << SEAL_PROTECT_ORDER;
}

/* Sets or deletes the value at a JSON pointer (no escapes needed here). */
static void edit(json_t *root, const char *ptr, const char *value)
{
    char path[256];
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

static void sign_into(json_t *root, bool v1)
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
        if (v1) { /* the old text: sealed-order/v1 and no agency line */
            char *a = strstr((char *) t.data, "\nagency ");
            char *e = a != NULL ? strchr(a + 1, '\n') : NULL;
            assert_non_null(e);
            memmove(a, e, strlen(e) + 1);
            t.len = strlen((char *) t.data);
            memcpy(t.data, "sealed-order/v1", 15);
        }
        assert_int_equal(seal_note_sign(signer, seal_buf_str(&t), t.len, &note, &err), SEAL_OK);
        json_object_set_new(json_object_get(root, "legal_basis"), "order",
                            json_string(seal_buf_str(&note)));
    }
    seal_buf_cleanup(&t);
    seal_buf_cleanup(&note);
    seal_request_free(r);
    free(text);
}

static char *build(const tcase *c, bool *protect)
{
    json_error_t je;
    json_t *root = json_loads(base_docs[c->base], JSON_REJECT_DUPLICATES, &je);
    assert_non_null(root);
    char edits[1024];
    snprintf(edits, sizeof(edits), "%s", c->edits);
    bool notice_after = false, agency_after = false, v1 = false;
    *protect = false;
    for (char *tok = edits; tok != NULL && *tok != '\0';) {
        char *semi = strchr(tok, ';');
        if (semi != NULL) {
            *semi = '\0';
        }
        if (strcmp(tok, "PROTECT") == 0) {
            *protect = true;
        } else if (strcmp(tok, "NOTICE-AFTER-SIGN") == 0) {
            notice_after = true;
        } else if (strcmp(tok, "AGENCY-AFTER-SIGN") == 0) {
            agency_after = true;
        } else if (strcmp(tok, "V1-ORDER") == 0) {
            v1 = true;
        } else {
            char *eq = strchr(tok, '=');
            assert_non_null(eq);
            *eq = '\0';
            edit(root, tok, eq + 1);
        }
        tok = semi != NULL ? semi + 1 : NULL;
    }
    if (c->sign) {
        sign_into(root, v1);
    }
    if (notice_after) {
        edit(root, "/legal_basis/notice_delay_until", "\"2027-01-10\"");
    }
    if (agency_after) {
        edit(root, "/agency", "\"another-pd\"");
    }
    char *s = json_dumps(root, JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}

static void reasons_string(const seal_decision *d, char *out, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0; i < d->n_reasons; i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s@%s", i > 0 ? "," : "", d->reasons[i].code,
                 d->reasons[i].pointer);
    }
}

static int setup(void **state)
{
    (void) state;
    seal_buf sk, vk;
    seal_buf_init(&sk);
    seal_buf_init(&vk);
    seal_error err;
    if (seal_note_generate_key("examplia-district", &sk, &vk, &err) != SEAL_OK ||
        seal_note_signer_new(seal_buf_str(&sk), sk.len, &signer, &err) != SEAL_OK ||
        seal_note_verifier_new(seal_buf_str(&vk), vk.len, &verifier, &err) != SEAL_OK ||
        seal_policy_builtin("cfr-233", &policies[0], &err) != SEAL_OK ||
        seal_policy_builtin("strict", &policies[1], &err) != SEAL_OK) {
        return -1;
    }
    seal_note_wipe(&sk);
    seal_buf_cleanup(&sk);
    seal_buf_cleanup(&vk);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    seal_note_signer_free(signer);
    seal_note_verifier_free(verifier);
    seal_policy_free(policies[0]);
    seal_policy_free(policies[1]);
    return 0;
}

/* ---- the table ----------------------------------------------------------- */

static void test_rule_table(void **state)
{
    (void) state;
    int64_t now;
    assert_int_equal(seal_time_parse(NOW_TEXT, &now), SEAL_OK);
    const seal_note_verifier *issuers[1] = {verifier};
    int failures = 0;
    /* every rule in scope has a passing and a failing case under each policy */
    static const char *const rules[] = {"PA-1", "PA-2", "PA-3", "PA-5",  "PA-6",
                                        "PA-7", "PA-8", "PA-9", "PA-11", "MC-1",
                                        "MC-3", "MC-4", "MC-5", "MC-6",  "MC-9"};
    bool seen[15][2][2] = {{{false}}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const tcase *c = &cases[i];
        bool protect;
        char *doc = build(c, &protect);
        seal_request *r = NULL;
        seal_error err;
        assert_int_equal(seal_request_parse(doc, strlen(doc), &r, &err), SEAL_OK);
        for (int k = 0; k < 2; k++) {
            if ((c->policy == P_CFR && k != 0) || (c->policy == P_STRICT && k != 1)) {
                continue;
            }
            seal_check_options o;
            seal_check_options_init(&o, now);
            o.issuers = issuers;
            o.n_issuers = 1;
            o.protect = protect ? protect_all : NULL;
            seal_decision d;
            seal_policy_check(policies[k], r, &o, &d);
            char got[2048];
            reasons_string(&d, got, sizeof(got));
            const char *verdict = seal_verdict_name(d.verdict);
            if (strcmp(verdict, c->verdict) != 0 || strcmp(got, c->reasons) != 0) {
                print_error("case %zu (%s, %s): expected %s [%s]\n   got %s [%s]\n", i, c->rule,
                            seal_policy_name(policies[k]), c->verdict, c->reasons, verdict, got);
                failures++;
            }
            for (size_t j = 0; j < 15; j++) {
                if (strcmp(rules[j], c->rule) == 0) {
                    seen[j][k][strcmp(c->verdict, "refused") == 0] = true;
                }
            }
        }
        seal_request_free(r);
        free(doc);
    }
    for (size_t j = 0; j < 15; j++) {
        for (int k = 0; k < 2; k++) {
            if (!seen[j][k][0] || !seen[j][k][1]) {
                print_error("rule %s lacks a %s case under %s\n", rules[j],
                            seen[j][k][0] ? "failing" : "passing", k == 0 ? "cfr-233" : "strict");
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
}

/* ---- details --------------------------------------------------------- */

static seal_request *parse(const char *s)
{
    seal_request *r = NULL;
    seal_error err;
    assert_int_equal(seal_request_parse(s, strlen(s), &r, &err), SEAL_OK);
    return r;
}

static void test_emergency_deadlines(void **state)
{
    (void) state;
    int64_t now;
    assert_int_equal(seal_time_parse(NOW_TEXT, &now), SEAL_OK);
    seal_request *r = parse(base_docs[EMERG]);
    seal_check_options o;
    seal_check_options_init(&o, now);
    seal_decision d;
    seal_policy_check(policies[0], r, &o, &d);
    assert_int_equal(d.follow_up_by - now, 72 * 3600); /* cfr-233: 3 calendar days */
    assert_int_equal(d.approvers, 0);
    seal_policy_check(policies[1], r, &o, &d);
    assert_int_equal(d.follow_up_by - now, 48 * 3600); /* strict: 48 hours */
    assert_string_equal(d.reasons[0].message,
                        "proper written process must follow within 48 hours, by "
                        "2026-11-26T00:00:00Z, or the disclosure ends and is reported");
    seal_request_free(r);
}

static void test_cover_approvers(void **state)
{
    (void) state;
    int64_t now;
    assert_int_equal(seal_time_parse(NOW_TEXT, &now), SEAL_OK);
    seal_request *r = parse(base_docs[COVER]);
    seal_check_options o;
    seal_check_options_init(&o, now);
    o.skip_signatures = true; /* MC-2's numbers, not the order */
    seal_decision d;
    seal_policy_check(policies[0], r, &o, &d);
    assert_int_equal(d.verdict, SEAL_VERDICT_REVIEW);
    assert_int_equal(d.approvers, 1);
    assert_string_equal(d.approver_role, "cover_approver");
    /* LAW.md MC-2: cfr-233's approver is of the inspection service; strict's
     * two are only "neither from the requesting agency" */
    seal_policy_numbers num;
    seal_policy_get_numbers(policies[0], &num);
    assert_int_equal(num.cover_approver_agency, SEAL_COVER_APPROVERS_INSPECTION_SERVICE);
    seal_policy_get_numbers(policies[1], &num);
    assert_int_equal(num.cover_approver_agency, SEAL_COVER_APPROVERS_OTHER_AGENCY);
    bool said = false;
    for (size_t i = 0; i < d.n_reasons; i++) {
        said = said || strstr(d.reasons[i].message, "of the inspection service") != NULL;
    }
    assert_true(said);
    seal_request_free(r);
}

/* /cover/approver_agency is required and closed: errors name its pointer. */
static void test_approver_agency_errors(void **state)
{
    (void) state;
    const char *src = getenv("SEAL_SOURCE_DIR");
    if (src == NULL) {
        skip();
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/policies/cfr-233.json", src);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[SEAL_POLICY_MAX_SIZE + 1];
    size_t n = fread(text, 1, SEAL_POLICY_MAX_SIZE, f);
    fclose(f);
    text[n] = '\0';
    static const char key[] = "\"approver_agency\": \"inspection_service\"";
    char *at = strstr(text, key);
    assert_non_null(at);
    static const struct {
        const char *with;
        const char *msg;
    } edits[] = {
        {"\"approver_agency\": \"requesting\"",
         "t.json: /cover/approver_agency: must be \"other_than_requesting\" or "
         "\"inspection_service\""},
        {"\"approver_agency\": 1", "t.json: /cover/approver_agency: must be a string"},
        {"\"approver_agenc\": \"inspection_service\"",
         "t.json: /cover/approver_agenc: unknown key"},
    };
    static char bad[SEAL_POLICY_MAX_SIZE + 1];
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        memcpy(bad, text, n + 1);
        size_t w = strlen(edits[i].with);
        assert_true(w <= strlen(key));
        memset(bad + (at - text), ' ', strlen(key));
        memcpy(bad + (at - text), edits[i].with, w);
        seal_policy *p = NULL;
        seal_error err;
        seal_error_init(&err);
        assert_int_equal(seal_policy_load(bad, n, "t.json", &p, &err), SEAL_INVALID);
        assert_null(p);
        assert_string_equal(err.msg, edits[i].msg);
    }
}

/* PA-2: only cfr-233 lets a reviewer's record of written consent stand in for
 * the subject; the key is for consent only, a boolean. */
static void test_written_consent(void **state)
{
    (void) state;
    seal_policy_numbers num;
    seal_policy_get_numbers(policies[0], &num);
    assert_true(num.consent_written_reference);
    seal_policy_get_numbers(policies[1], &num);
    assert_false(num.consent_written_reference);
    const char *src = getenv("SEAL_SOURCE_DIR");
    if (src == NULL) {
        skip();
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/policies/cfr-233.json", src);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[SEAL_POLICY_MAX_SIZE + 1];
    size_t n = fread(text, 1, SEAL_POLICY_MAX_SIZE, f);
    fclose(f);
    text[n] = '\0';
    static const char key[] = "\"written_consent_reference\": true";
    char *at = strstr(text, key);
    assert_non_null(at);
    static char bad[SEAL_POLICY_MAX_SIZE + 1];
    memcpy(bad, text, n + 1);
    memset(bad + (at - text), ' ', strlen(key));
    memcpy(bad + (at - text), "\"written_consent_reference\": 1", 30);
    seal_policy *p = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_policy_load(bad, n, "t.json", &p, &err), SEAL_INVALID);
    assert_null(p);
    assert_string_equal(err.msg,
                        "t.json: /bases/consent/written_consent_reference: a boolean, allowed for "
                        "consent only");
}

static void test_decision_json(void **state)
{
    (void) state;
    seal_request *r = parse("{\"subjects\": [{\"type\": \"person\", \"name\": \"A\\\"B\", "
                            "\"address\": \"1 Main St, Quellford MN 55001\"}]}");
    seal_check_options o;
    seal_check_options_init(&o, 0);
    seal_decision d;
    seal_policy_check(policies[1], r, &o, &d);
    seal_buf b;
    seal_buf_init(&b);
    assert_int_equal(seal_decision_json(&d, &b), SEAL_OK);
    json_error_t je;
    json_t *j = json_loads(seal_buf_str(&b), 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "decision")), "refused");
    assert_int_equal(json_array_size(json_object_get(j, "reasons")), 6);
    /* no personal data in any reason */
    assert_null(strstr(seal_buf_str(&b), "Main"));
    json_decref(j);
    seal_buf_cleanup(&b);
    seal_request_free(r);
}

static void test_subjects_digest(void **state)
{
    (void) state;
    /* canonical JSON: keys sorted, no whitespace, UTF-8 as is */
    seal_request *r = parse("{\"subjects\": [ {\"value\": \"AC-1\", \"type\": \"account\"}, "
                            "{\"type\":\"person\",\"name\":\"Zo\xc3\xab\",\"address\":\"1 Main "
                            "St, Quellford MN 55001\"} ]}");
    char hex[65];
    assert_int_equal(seal_request_subjects_digest(r, hex), SEAL_OK);
    /* sha256 of [{"type":"account","value":"AC-1"},{"address":"1 Main St, Quellford MN
     * 55001","name":"Zoë","type":"person"}] */
    assert_string_equal(hex, "ccec0b5eb4e138e5baa78c1e567a35f2e5b8f24fe9c95650d1a6ecebd2cd0830");
    seal_request_free(r);
}

static void test_policy_errors(void **state)
{
    (void) state;
    static const struct {
        const char *text;
        const char *msg;
    } bad[] = {
        {"[]", "t.json: /: a policy is one JSON object"},
        {"{\"format\": \"sealed-policy/v2\"}", "t.json: /format: must be \"sealed-policy/v1\""},
        {"{\"format\": \"sealed-policy/v1\", \"x\": 1}", "t.json: /x: unknown key"},
        {"{\"format\": \"sealed-policy/v1\", \"name\": \"A B\"}",
         "t.json: /name: 1..63 characters of a-z 0-9 - _ ."},
        {"{\"a\": 1, \"a\": 2}", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        seal_policy *p = NULL;
        seal_error err;
        seal_error_init(&err);
        assert_int_equal(seal_policy_load(bad[i].text, strlen(bad[i].text), "t.json", &p, &err),
                         SEAL_INVALID);
        assert_null(p);
        if (bad[i].msg != NULL) {
            assert_string_equal(err.msg, bad[i].msg);
        }
    }
}

static void test_policy_files(void **state)
{
    (void) state;
    /* the embedded policies are the files in policies/, byte for byte */
    const char *src = getenv("SEAL_SOURCE_DIR");
    if (src == NULL) {
        skip();
    }
    for (int k = 0; k < 2; k++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/policies/%s.json", src, seal_policy_name(policies[k]));
        seal_policy *p = NULL;
        seal_error err;
        assert_int_equal(seal_policy_load_file(path, &p, &err), SEAL_OK);
        assert_string_equal(seal_policy_sha256(p), seal_policy_sha256(policies[k]));
        seal_buf rep;
        seal_buf_init(&rep);
        assert_int_equal(seal_policy_verify(p, &rep, &err), SEAL_OK);
        assert_non_null(strstr(seal_buf_str(&rep), "\"holds\": true}"));
        seal_buf_cleanup(&rep);
        seal_policy_free(p);
    }
    seal_buf rep;
    seal_buf_init(&rep);
    size_t n = 0;
    seal_error err;
    assert_int_equal(seal_policy_diff(policies[0], policies[0], &rep, &n, &err), SEAL_OK);
    assert_int_equal(n, 0);
    seal_buf_reset(&rep);
    assert_int_equal(seal_policy_diff(policies[0], policies[1], &rep, &n, &err), SEAL_OK);
    assert_true(n > 0);
    seal_buf_cleanup(&rep);
}

/* PA-7: `policy verify` catches a policy that loosens the emergency rules;
 * the loader refuses one without the emergency limits. */
static void test_emergency_invariants(void **state)
{
    (void) state;
    const char *src = getenv("SEAL_SOURCE_DIR");
    if (src == NULL) {
        skip();
    }
    char path[1024];
    snprintf(path, sizeof(path), "%s/policies/strict.json", src);
    static const struct {
        const char *edit;
        const char *invariant; /* NULL: the loader refuses it, naming this */
        const char *msg;
    } bad[] = {
        {"purpose", "emergency-purposes", "\"criminal_investigation\""},
        {"unlock", "emergency-customer-data", "\"mail_exterior\""},
        {"subjects", "emergency-limits", "\"emergency_subjects_max\""},
        {"window", "emergency-limits", "\"emergency_window_days_max\""},
        {"missing", NULL, "emergency_window_days_max"},
        {"zero", NULL, "emergency_subjects_max"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_error_t je;
        json_t *root = json_load_file(path, 0, &je);
        assert_non_null(root);
        json_t *lim = json_object_get(root, "limits");
        const char *e = bad[i].edit;
        if (strcmp(e, "purpose") == 0) {
            json_array_append_new(json_object_get(json_object_get(json_object_get(root, "purposes"),
                                                                  "criminal_investigation"),
                                                  "bases"),
                                  json_string("emergency"));
        } else if (strcmp(e, "unlock") == 0) {
            json_array_append_new(
                json_object_get(json_object_get(json_object_get(root, "bases"), "emergency"),
                                "unlocks"),
                json_string("mail_exterior"));
        } else if (strcmp(e, "subjects") == 0) {
            json_object_set_new(lim, "emergency_subjects_max", json_integer(11));
        } else if (strcmp(e, "window") == 0) {
            json_object_set_new(lim, "emergency_window_days_max", json_integer(366));
        } else if (strcmp(e, "missing") == 0) {
            json_object_del(lim, "emergency_window_days_max");
        } else {
            json_object_set_new(lim, "emergency_subjects_max", json_integer(0));
        }
        char *text = json_dumps(root, 0);
        json_decref(root);
        assert_non_null(text);
        seal_policy *p = NULL;
        seal_error err;
        seal_error_init(&err);
        seal_status s = seal_policy_load(text, strlen(text), "t.json", &p, &err);
        free(text);
        if (bad[i].invariant == NULL) {
            assert_int_equal(s, SEAL_INVALID);
            assert_non_null(strstr(err.msg, bad[i].msg));
            continue;
        }
        assert_int_equal(s, SEAL_OK);
        seal_buf rep;
        seal_buf_init(&rep);
        assert_int_equal(seal_policy_verify(p, &rep, &err), SEAL_VERIFY);
        char want[256];
        snprintf(want, sizeof(want), "{\"id\": \"%s\", ", bad[i].invariant);
        const char *at = strstr(seal_buf_str(&rep), want);
        assert_non_null(at);
        const char *end = strchr(at, '}');
        assert_non_null(end);
        char one[1024];
        snprintf(one, sizeof(one), "%.*s", (int) (end - at), at);
        assert_non_null(strstr(one, "\"holds\": false"));
        assert_non_null(strstr(one, bad[i].msg));
        seal_buf_cleanup(&rep);
        seal_policy_free(p);
    }
}

/* Every allocation in parse + check may fail; nothing leaks or crashes. */
static void test_alloc_failures(void **state)
{
    (void) state;
    int64_t now;
    assert_int_equal(seal_time_parse(NOW_TEXT, &now), SEAL_OK);
    for (unsigned long n = 1; n < 200; n++) {
        seal_alloc_fail_after(n);
        seal_request *r = NULL;
        seal_error err;
        seal_status s = seal_request_parse(base_docs[COVER], strlen(base_docs[COVER]), &r, &err);
        seal_alloc_fail_after(0);
        if (s == SEAL_OK) {
            seal_check_options o;
            seal_check_options_init(&o, now);
            seal_decision d;
            seal_policy_check(policies[1], r, &o, &d);
            seal_request_free(r);
        } else {
            assert_int_equal(s, SEAL_NOMEM);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_table),           cmocka_unit_test(test_emergency_deadlines),
        cmocka_unit_test(test_cover_approvers),      cmocka_unit_test(test_approver_agency_errors),
        cmocka_unit_test(test_decision_json),        cmocka_unit_test(test_subjects_digest),
        cmocka_unit_test(test_policy_errors),        cmocka_unit_test(test_policy_files),
        cmocka_unit_test(test_alloc_failures),       cmocka_unit_test(test_written_consent),
        cmocka_unit_test(test_emergency_invariants),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

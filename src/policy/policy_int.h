/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A loaded policy as the evaluator reads it: LAW.md's unlock table and
 * numbers turned into bitmasks and integers at load time, so a decision
 * never touches JSON. Private to src/policy.
 */
#ifndef SEAL_POLICY_INT_H
#define SEAL_POLICY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "sealed/policy.h"

/* DESIGN.md "Roles". */
typedef enum {
    SEAL__ROLE_REQUESTER = 0,
    SEAL__ROLE_REVIEWER,
    SEAL__ROLE_COVER_APPROVER,
    SEAL__ROLE_HQ_APPROVER,
    SEAL__ROLE_PRIVACY_OFFICER,
    SEAL__ROLE_ISSUER,
    SEAL__ROLE_AUDITOR,
    SEAL__ROLE_SUBJECT,
    SEAL__ROLE_COUNT
} seal__role;

const char *seal__role_name(int role);

typedef struct seal__protect_rule {
    uint32_t bases; /* bitmask of seal_basis that may reach the address */
    unsigned extra; /* further approvals needed */
    int extra_role; /* seal__role */
} seal__protect_rule;

struct seal_policy {
    char name[64];
    char sha256[65];
    uint32_t unlock[SEAL_BASIS_COUNT]; /* bitmask of seal_category */
    bool signed_order[SEAL_BASIS_COUNT];
    bool signed_order_in_emergency;   /* mail_cover with an emergency object */
    bool consent_written_reference;   /* a reviewer may record written consent (PA-2) */
    bool discloses[SEAL_BASIS_COUNT]; /* has a Privacy Act basis (PA-1) */
    unsigned approvers[SEAL_BASIS_COUNT];
    int approver_role[SEAL_BASIS_COUNT];
    char review_msg[SEAL_BASIS_COUNT][SEAL_REASON_MESSAGE_MAX];
    uint32_t cats_need_order;
    uint32_t customer_cats;
    uint32_t purpose_bases[SEAL_PURPOSE_COUNT];          /* bitmask of seal_basis */
    uint32_t purpose_customer_bases[SEAL_PURPOSE_COUNT]; /* all ones: no extra rule */
    bool offense_required[SEAL_PURPOSE_COUNT];
    int ground_purpose[SEAL_GROUND_COUNT];
    int64_t subjects_max, window_days_max, facts_min, attestation_min;
    /* PA-7: an emergency (legal_basis.type emergency) is narrower still */
    int64_t emergency_subjects_max, emergency_window_days_max;
    int64_t cover_first, cover_first_fugitive, cover_extension, cover_cumulative;
    int beyond_cumulative_role;
    int64_t ns_first, ns_cumulative;
    unsigned all_at_address_extra;
    int cover_approver_agency; /* seal_cover_approver_agency */
    int64_t cover_records_days;
    int64_t cover_return_alert_days;
    int64_t key_backup_grace_days;
    int64_t amend_ack_days;
    int64_t amend_review_days;
    int64_t follow_up_hours;
    int64_t notice_days_max;
    int64_t preservation_days, preservation_renewals;
    int64_t accounting_years;
    seal__protect_rule protect[SEAL_PROTECT_KIND_COUNT];
};

#endif

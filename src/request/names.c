/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The closed lists of the request document (DESIGN.md): legal bases,
 * categories, purposes, cover grounds and subject types, with their wire
 * names. Policies and the evaluator's bitmasks index by these enums.
 */
#include <string.h>

#include "sealed/request.h"

static const char *const basis_names[SEAL_BASIS_COUNT] = {
    "consent", "subpoena", "court_order", "warrant", "mail_cover", "emergency", "preservation"};
static const char *const category_names[SEAL_CAT_COUNT] = {
    "identity",       "contact",  "network_session", "payment_means", "network_activity",
    "payment_detail", "tracking", "address_history", "mail_exterior"};
static const char *const purpose_names[SEAL_PURPOSE_COUNT] = {
    "criminal_investigation", "fugitive",          "national_security", "forfeiture",
    "postal_statute",         "civil_immigration", "civil_other",       "health_safety"};
static const char *const ground_names[SEAL_GROUND_COUNT] = {
    "crime", "fugitive", "national_security", "postal_statute", "forfeiture"};
static const char *const subject_names[SEAL_SUBJECT_TYPE_COUNT] = {"person", "address", "email",
                                                                   "phone",  "account", "tracking"};

const char *seal_basis_name(seal_basis b)
{
    return (unsigned) b < SEAL_BASIS_COUNT ? basis_names[b] : NULL;
}

const char *seal_category_name(seal_category c)
{
    return (unsigned) c < SEAL_CAT_COUNT ? category_names[c] : NULL;
}

const char *seal_purpose_name(seal_purpose p)
{
    return (unsigned) p < SEAL_PURPOSE_COUNT ? purpose_names[p] : NULL;
}

const char *seal_ground_name(seal_ground g)
{
    return (unsigned) g < SEAL_GROUND_COUNT ? ground_names[g] : NULL;
}

const char *seal_subject_type_name(seal_subject_type t)
{
    return (unsigned) t < SEAL_SUBJECT_TYPE_COUNT ? subject_names[t] : NULL;
}

static int lookup(const char *const *names, int n, const char *s, size_t len)
{
    for (int i = 0; i < n; i++) {
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) {
            return i;
        }
    }
    return -1;
}

int seal_basis_from_name(const char *s, size_t n)
{
    return lookup(basis_names, SEAL_BASIS_COUNT, s, n);
}

int seal_category_from_name(const char *s, size_t n)
{
    return lookup(category_names, SEAL_CAT_COUNT, s, n);
}

int seal_purpose_from_name(const char *s, size_t n)
{
    return lookup(purpose_names, SEAL_PURPOSE_COUNT, s, n);
}

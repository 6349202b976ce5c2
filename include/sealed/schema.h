/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record catalogue: record kinds, their fields, categories, owners,
 * natural keys and retention, loaded from schema/catalogue.json (embedded in
 * the library at build time, or a file). The catalogue is data, not code.
 * A loaded catalogue is immutable and may be shared between threads.
 */
#ifndef SEALED_SCHEMA_H
#define SEALED_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sealed/buf.h"
#include "sealed/status.h"

#define SEAL_MAX_FIELDS 16
#define SEAL_MAX_OWNERS 4

typedef enum {
    SEAL_FT_ID,      /* [A-Za-z0-9._-]{1,64} */
    SEAL_FT_NAME,    /* a person's or business's name */
    SEAL_FT_TEXT,    /* printable UTF-8 up to max bytes */
    SEAL_FT_EMAIL,   /* an email address */
    SEAL_FT_PHONE,   /* a telephone number */
    SEAL_FT_ADDRESS, /* a one-line postal address */
    SEAL_FT_TIME,    /* RFC 3339 UTC */
    SEAL_FT_DATE,    /* YYYY-MM-DD */
    SEAL_FT_IP,      /* IPv4 or IPv6 text */
    SEAL_FT_INT,     /* non-negative decimal integer up to max */
    SEAL_FT_LAST4,   /* exactly four digits */
    SEAL_FT_ENUM     /* one of values */
} seal_field_type;

/* What a field is looked up by, if anything (a blind index). */
typedef enum {
    SEAL_IDX_NONE = 0,
    SEAL_IDX_ACCOUNT,
    SEAL_IDX_EMAIL,
    SEAL_IDX_PHONE,
    SEAL_IDX_ADDRESS,
    SEAL_IDX_TRACKING,
    SEAL_IDX_COUNT
} seal_index_type;

typedef struct seal_field {
    const char *name;
    seal_field_type type;
    int category; /* index into seal_catalogue categories, -1 for none */
    bool required;
    seal_index_type index;
    size_t max; /* bytes for text, value for int; 0 = type default */
    const char **values;
    size_t nvalues;
} seal_field;

typedef struct seal_owner_rule {
    int field;               /* field index */
    seal_index_type subject; /* SEAL_IDX_ACCOUNT or SEAL_IDX_ADDRESS */
} seal_owner_rule;

typedef struct seal_kind {
    const char *name;
    int id; /* stable small number, stored with records */
    bool ingest;
    const char *purpose;
    seal_field fields[SEAL_MAX_FIELDS];
    size_t nfields;
    int natural_key[SEAL_MAX_FIELDS];
    size_t nnatural;
    seal_owner_rule owners[SEAL_MAX_OWNERS];
    size_t nowners;
    int time_field; /* the record's time, for windows and retention */
    /* A record of standing state (an account) is in force from its time
     * until this field's time (absent: still in force), and is in a
     * request's window when it was in force during it; -1 for an event,
     * which is in a window when its own time is. */
    bool standing;
    int standing_until;
    int drop_without;   /* records lacking this field are not stored; -1 none */
    int retention_days; /* kept for this many days after time (or after retention_from) */
    int retention_from; /* field that starts the retention clock; -1 = time_field */
    const char *retention_text;
    int truncate_field; /* field truncated early (web_visit ip); -1 none */
    int truncate_days;
} seal_kind;

typedef struct seal_catalogue seal_catalogue;

/* The catalogue built into the library. *out is owned by the caller. */
seal_status seal_catalogue_load_default(seal_catalogue **out, seal_error *err) SEAL_MUST_USE;
seal_status seal_catalogue_load_file(const char *path, seal_catalogue **out,
                                     seal_error *err) SEAL_MUST_USE;
seal_status seal_catalogue_load_buf(const char *json, size_t len, seal_catalogue **out,
                                    seal_error *err) SEAL_MUST_USE;
void seal_catalogue_free(seal_catalogue *cat);

int seal_catalogue_version(const seal_catalogue *cat);
size_t seal_catalogue_kind_count(const seal_catalogue *cat);
const seal_kind *seal_catalogue_kind_at(const seal_catalogue *cat, size_t i);
/* NULL when there is no such kind. */
const seal_kind *seal_catalogue_kind(const seal_catalogue *cat, const char *name);
const seal_kind *seal_catalogue_kind_by_id(const seal_catalogue *cat, int id);
size_t seal_catalogue_category_count(const seal_catalogue *cat);
const char *seal_catalogue_category(const seal_catalogue *cat, size_t i);
/* Field index by name, -1 if absent. */
int seal_kind_field(const seal_kind *kind, const char *name, size_t len);

const char *seal_index_type_name(seal_index_type t);
seal_status seal_index_type_parse(const char *s, seal_index_type *out) SEAL_MUST_USE;

/*
 * Validates one value of a field. On failure returns SEAL_INVALID and writes
 * a short reason (never the value itself: it may be personal data) to err.
 */
seal_status seal_field_validate(const seal_field *f, const char *v, size_t n,
                                seal_error *err) SEAL_MUST_USE;

/* True when s[0..n) is well-formed UTF-8 without NUL or C0/C1 controls. */
bool seal_utf8_printable(const char *s, size_t n);

#endif

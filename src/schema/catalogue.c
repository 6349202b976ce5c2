/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loads and checks the record catalogue (schema/catalogue.json). The loaded
 * catalogue keeps the jansson document alive so field names and enum values
 * borrow its strings.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/alloc.h"
#include "sealed/schema.h"

#define MAX_KINDS 16
#define MAX_CATEGORIES 16

struct seal_catalogue {
    json_t *doc;
    int version;
    const char *categories[MAX_CATEGORIES];
    size_t ncategories;
    seal_kind kinds[MAX_KINDS];
    size_t nkinds;
    const char **values; /* all enum values, one allocation */
};

extern const unsigned char seal__catalogue_json[];
extern const size_t seal__catalogue_json_len;

static const char *const type_names[] = {"id",   "name", "text", "email", "phone", "address",
                                         "time", "date", "ip",   "int",   "last4", "enum"};
static const char *const index_names[] = {"none",  "account", "email",
                                          "phone", "address", "tracking"};

const char *seal_index_type_name(seal_index_type t)
{
    return (unsigned) t < SEAL_IDX_COUNT ? index_names[t] : "unknown";
}

seal_status seal_index_type_parse(const char *s, seal_index_type *out)
{
    for (size_t i = 1; i < SEAL_IDX_COUNT; i++) {
        if (strcmp(s, index_names[i]) == 0) {
            *out = (seal_index_type) i;
            return SEAL_OK;
        }
    }
    return SEAL_INVALID;
}

static const char *str_member(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int seal_kind_field(const seal_kind *kind, const char *name, size_t len)
{
    for (size_t i = 0; i < kind->nfields; i++) {
        if (strlen(kind->fields[i].name) == len && memcmp(kind->fields[i].name, name, len) == 0) {
            return (int) i;
        }
    }
    return -1;
}

static int field_by_name(const seal_kind *k, const char *name)
{
    return name == NULL ? -1 : seal_kind_field(k, name, strlen(name));
}

static seal_status load_field(seal_catalogue *cat, seal_kind *k, json_t *jf, size_t *nvalues_used,
                              size_t values_cap, seal_error *err)
{
    seal_field *f = &k->fields[k->nfields];
    memset(f, 0, sizeof(*f));
    f->category = -1;
    f->name = str_member(jf, "name");
    const char *type = str_member(jf, "type");
    if (f->name == NULL || type == NULL) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: field %zu: needs name and type", k->name,
                              k->nfields);
    }
    size_t t = 0;
    while (t < sizeof(type_names) / sizeof(type_names[0]) && strcmp(type, type_names[t]) != 0) {
        t++;
    }
    if (t == sizeof(type_names) / sizeof(type_names[0])) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: field %s: unknown type '%s'", k->name,
                              f->name, type);
    }
    f->type = (seal_field_type) t;
    const char *cat_name = str_member(jf, "category");
    if (cat_name != NULL) {
        for (size_t c = 0; c < cat->ncategories; c++) {
            if (strcmp(cat->categories[c], cat_name) == 0) {
                f->category = (int) c;
            }
        }
        if (f->category < 0) {
            return seal_error_set(err, SEAL_INVALID, "kind %s: field %s: unknown category '%s'",
                                  k->name, f->name, cat_name);
        }
    }
    f->required = json_is_true(json_object_get(jf, "required"));
    const char *idx = str_member(jf, "index");
    if (idx != NULL && seal_index_type_parse(idx, &f->index) != SEAL_OK) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: field %s: unknown index '%s'", k->name,
                              f->name, idx);
    }
    json_t *max = json_object_get(jf, "max");
    if (json_is_integer(max) && json_integer_value(max) > 0) {
        f->max = (size_t) json_integer_value(max);
    }
    json_t *values = json_object_get(jf, "values");
    if (f->type == SEAL_FT_ENUM) {
        if (!json_is_array(values) || json_array_size(values) == 0 ||
            *nvalues_used + json_array_size(values) > values_cap) {
            return seal_error_set(err, SEAL_INVALID, "kind %s: field %s: enum needs values",
                                  k->name, f->name);
        }
        f->values = cat->values + *nvalues_used;
        size_t i;
        json_t *v;
        json_array_foreach(values, i, v)
        {
            if (!json_is_string(v)) {
                return seal_error_set(err, SEAL_INVALID, "kind %s: field %s: values[%zu]", k->name,
                                      f->name, i);
            }
            cat->values[(*nvalues_used)++] = json_string_value(v);
        }
        f->nvalues = json_array_size(values);
    }
    k->nfields++;
    return SEAL_OK;
}

static seal_status load_kind(seal_catalogue *cat, json_t *jk, size_t *nvalues_used,
                             size_t values_cap, seal_error *err)
{
    seal_kind *k = &cat->kinds[cat->nkinds];
    memset(k, 0, sizeof(*k));
    k->name = str_member(jk, "name");
    json_t *id = json_object_get(jk, "id");
    json_t *fields = json_object_get(jk, "fields");
    if (k->name == NULL || !json_is_integer(id) || !json_is_array(fields)) {
        return seal_error_set(err, SEAL_INVALID, "kinds[%zu]: needs name, id and fields",
                              cat->nkinds);
    }
    k->id = (int) json_integer_value(id);
    if (k->id < 1 || k->id > 255) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: id must be 1..255", k->name);
    }
    for (size_t i = 0; i < cat->nkinds; i++) {
        if (cat->kinds[i].id == k->id || strcmp(cat->kinds[i].name, k->name) == 0) {
            return seal_error_set(err, SEAL_INVALID, "kind %s: duplicate name or id", k->name);
        }
    }
    k->ingest = json_is_true(json_object_get(jk, "ingest"));
    k->purpose = str_member(jk, "purpose");
    if (json_array_size(fields) > SEAL_MAX_FIELDS) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: more than %d fields", k->name,
                              SEAL_MAX_FIELDS);
    }
    size_t i;
    json_t *jf;
    json_array_foreach(fields, i, jf)
    {
        seal_status s = load_field(cat, k, jf, nvalues_used, values_cap, err);
        if (s != SEAL_OK) {
            return s;
        }
        if (field_by_name(k, k->fields[k->nfields - 1].name) != (int) k->nfields - 1) {
            return seal_error_set(err, SEAL_INVALID, "kind %s: duplicate field", k->name);
        }
    }
    json_t *nat = json_object_get(jk, "natural_key");
    json_t *v;
    json_array_foreach(nat, i, v)
    {
        int f = field_by_name(k, json_string_value(v));
        if (f < 0 || !k->fields[f].required || k->nnatural >= SEAL_MAX_FIELDS) {
            return seal_error_set(err, SEAL_INVALID,
                                  "kind %s: natural_key[%zu] must name a required field", k->name,
                                  i);
        }
        k->natural_key[k->nnatural++] = f;
    }
    if (k->nnatural == 0) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: needs a natural_key", k->name);
    }
    json_array_foreach(json_object_get(jk, "owner"), i, v)
    {
        int f = field_by_name(k, str_member(v, "field"));
        const char *subj = str_member(v, "subject");
        seal_index_type t = SEAL_IDX_NONE;
        if (f < 0 || subj == NULL || seal_index_type_parse(subj, &t) != SEAL_OK ||
            (t != SEAL_IDX_ACCOUNT && t != SEAL_IDX_ADDRESS) || k->nowners >= SEAL_MAX_OWNERS) {
            return seal_error_set(err, SEAL_INVALID, "kind %s: owner[%zu] is not valid", k->name,
                                  i);
        }
        k->owners[k->nowners++] = (seal_owner_rule){f, t};
    }
    if (k->nowners == 0) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: needs an owner", k->name);
    }
    k->time_field = field_by_name(k, str_member(jk, "time"));
    if (k->time_field < 0 || k->fields[k->time_field].type != SEAL_FT_TIME ||
        !k->fields[k->time_field].required) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: time must name a required time field",
                              k->name);
    }
    json_t *standing = json_object_get(jk, "standing");
    k->standing = standing != NULL;
    k->standing_until = field_by_name(k, str_member(standing, "until"));
    if (standing != NULL && (!json_is_object(standing) || k->standing_until < 0 ||
                             k->fields[k->standing_until].type != SEAL_FT_TIME)) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: standing.until must name a time field",
                              k->name);
    }
    k->drop_without = field_by_name(k, str_member(jk, "drop_without"));
    json_t *ret = json_object_get(jk, "retention");
    json_t *days = json_object_get(ret, "days");
    if (!json_is_integer(days) || json_integer_value(days) < 1 ||
        json_integer_value(days) > 36500) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: retention.days must be 1..36500",
                              k->name);
    }
    k->retention_days = (int) json_integer_value(days);
    k->retention_text = str_member(ret, "text");
    k->retention_from = field_by_name(k, str_member(ret, "from"));
    json_t *tr = json_object_get(ret, "truncate");
    k->truncate_field = field_by_name(k, str_member(tr, "field"));
    k->truncate_days = (int) json_integer_value(json_object_get(tr, "after_days"));
    if (k->truncate_field >= 0 && k->fields[k->truncate_field].type != SEAL_FT_IP) {
        return seal_error_set(err, SEAL_INVALID, "kind %s: only ip fields can be truncated",
                              k->name);
    }
    cat->nkinds++;
    return SEAL_OK;
}

seal_status seal_catalogue_load_buf(const char *text, size_t len, seal_catalogue **out,
                                    seal_error *err)
{
    seal_status s = SEAL_OK;
    json_error_t jerr;
    seal_catalogue *cat = seal_calloc(1, sizeof(*cat));
    if (cat == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "catalogue: out of memory");
    }
    cat->doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (cat->doc == NULL) {
        s = seal_error_set(err, SEAL_INVALID, "catalogue: line %d: %s", jerr.line, jerr.text);
        goto out;
    }
    json_t *ver = json_object_get(cat->doc, "version");
    json_t *cats = json_object_get(cat->doc, "categories");
    json_t *kinds = json_object_get(cat->doc, "kinds");
    if (!json_is_integer(ver) || !json_is_array(cats) || !json_is_array(kinds) ||
        json_array_size(cats) > MAX_CATEGORIES || json_array_size(kinds) > MAX_KINDS) {
        s = seal_error_set(err, SEAL_INVALID, "catalogue: needs version, categories and kinds");
        goto out;
    }
    cat->version = (int) json_integer_value(ver);
    size_t i;
    json_t *v;
    json_array_foreach(cats, i, v)
    {
        if (!json_is_string(v)) {
            s = seal_error_set(err, SEAL_INVALID, "catalogue: categories[%zu]", i);
            goto out;
        }
        cat->categories[cat->ncategories++] = json_string_value(v);
    }
    size_t values_cap = 256;
    cat->values = seal_calloc(values_cap, sizeof(char *));
    if (cat->values == NULL) {
        s = seal_error_set(err, SEAL_NOMEM, "catalogue: out of memory");
        goto out;
    }
    size_t nvalues = 0;
    json_array_foreach(kinds, i, v)
    {
        s = load_kind(cat, v, &nvalues, values_cap, err);
        if (s != SEAL_OK) {
            seal_error_prefix(err, "catalogue");
            goto out;
        }
    }
out:
    if (s != SEAL_OK) {
        seal_catalogue_free(cat);
        cat = NULL;
    }
    *out = cat;
    return s;
}

seal_status seal_catalogue_load_default(seal_catalogue **out, seal_error *err)
{
    return seal_catalogue_load_buf((const char *) seal__catalogue_json, seal__catalogue_json_len,
                                   out, err);
}

seal_status seal_catalogue_load_file(const char *path, seal_catalogue **out, seal_error *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        *out = NULL;
        return seal_error_set(err, SEAL_INVALID, "%s: line %d: %s", path, jerr.line, jerr.text);
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    if (text == NULL) {
        *out = NULL;
        return seal_error_set(err, SEAL_NOMEM, "%s: out of memory", path);
    }
    seal_status s = seal_catalogue_load_buf(text, strlen(text), out, err);
    free(text);
    return s;
}

void seal_catalogue_free(seal_catalogue *cat)
{
    if (cat == NULL) {
        return;
    }
    json_decref(cat->doc);
    seal_free(cat->values);
    seal_free(cat);
}

int seal_catalogue_version(const seal_catalogue *cat)
{
    return cat->version;
}

size_t seal_catalogue_kind_count(const seal_catalogue *cat)
{
    return cat->nkinds;
}

const seal_kind *seal_catalogue_kind_at(const seal_catalogue *cat, size_t i)
{
    return i < cat->nkinds ? &cat->kinds[i] : NULL;
}

const seal_kind *seal_catalogue_kind(const seal_catalogue *cat, const char *name)
{
    for (size_t i = 0; i < cat->nkinds; i++) {
        if (strcmp(cat->kinds[i].name, name) == 0) {
            return &cat->kinds[i];
        }
    }
    return NULL;
}

const seal_kind *seal_catalogue_kind_by_id(const seal_catalogue *cat, int id)
{
    for (size_t i = 0; i < cat->nkinds; i++) {
        if (cat->kinds[i].id == id) {
            return &cat->kinds[i];
        }
    }
    return NULL;
}

size_t seal_catalogue_category_count(const seal_catalogue *cat)
{
    return cat->ncategories;
}

const char *seal_catalogue_category(const seal_catalogue *cat, size_t i)
{
    return i < cat->ncategories ? cat->categories[i] : NULL;
}

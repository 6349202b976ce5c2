/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The request document parser (DESIGN.md "The request document"). Strict by
 * construction: the size, nesting and NUL checks run on the raw bytes before
 * jansson sees them; jansson rejects duplicate keys and invalid UTF-8; then
 * every object is walked against a closed table of fields, so an unknown
 * field, a wrong type or a value outside a closed list becomes a reason with
 * the field's JSON pointer. Subjects are checked for particularity (PA-6):
 * one exact identifier each, no patterns, ranges or areas.
 */
#include <string.h>

#include "request/request_int.h"
#include "sealed/address.h"
#include "sealed/alloc.h"
#include "sealed/ident.h"
#include "sealed/time.h"

#define MAX_STRING 4096

enum ftype { F_STR, F_BOOL, F_INT, F_OBJ, F_ARR, F_STR_NULL };

typedef struct field {
    const char *name;
    enum ftype type;
    bool required;
    const char *rule;
} field;

/* ---- reasons ---------------------------------------------------------- */

size_t seal__utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++) {
        if ((*p & 0xc0) != 0x80) {
            n++;
        }
    }
    return n;
}

static void copy_trunc(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        /* never cut a UTF-8 sequence in half */
        while (n > 0 && ((unsigned char) src[n] & 0xc0) == 0x80) {
            n--;
        }
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void seal__reason_set(seal_reason *x, seal_severity sev, const char *code, const char *rule,
                      const char *pointer, const char *message)
{
    x->code = code;
    x->rule = rule;
    x->severity = sev;
    copy_trunc(x->pointer, sizeof(x->pointer), pointer);
    copy_trunc(x->message, sizeof(x->message), message);
}

static void problem(seal_request *r, const char *code, const char *rule, const char *pointer,
                    const char *message)
{
    r->well_formed = false;
    if (r->n_problems >= SEAL__REQ_MAX_PROBLEMS) {
        r->n_dropped++;
        return;
    }
    seal__reason_set(&r->problems[r->n_problems++], SEAL_SEVERITY_REFUSE, code, rule, pointer,
                     message);
}

/* Appends "/" and the RFC 6901 escape of key to a pointer buffer. */
static void ptr_join(char *out, size_t cap, const char *base, const char *key)
{
    size_t n = strlen(base);
    if (n >= cap) {
        n = cap - 1;
    }
    memmove(out, base, n);
    if (n + 1 < cap) {
        out[n++] = '/';
    }
    for (const char *k = key; *k != '\0' && n + 1 < cap; k++) {
        if (*k == '~' || *k == '/') {
            if (n + 2 >= cap) {
                break;
            }
            out[n++] = '~';
            out[n++] = *k == '~' ? '0' : '1';
        } else {
            out[n++] = *k;
        }
    }
    while (n > 0 && ((unsigned char) out[n - 1] & 0xc0) == 0xc0) {
        n--; /* a lead byte without its continuation */
    }
    out[n] = '\0';
}

static void ptr_index(char *out, size_t cap, const char *base, size_t i)
{
    char num[24];
    snprintf(num, sizeof(num), "%zu", i);
    ptr_join(out, cap, base, num);
}

/* ---- raw pre-scan: size, NUL bytes, nesting ------------------------------ */

/* The JSON pointer of the value being read at byte offset `at`, found by a
 * tolerant re-scan; used to place jansson's errors (duplicate keys,
 * invalid UTF-8) on a field. */
static void pointer_at(const char *s, size_t len, size_t at, char *out, size_t cap)
{
    struct level {
        bool array;
        size_t index;
        size_t key_start, key_len;
        bool have_key;
    } st[SEAL_REQUEST_MAX_DEPTH + 1];
    int depth = -1;
    bool in_str = false, esc = false;
    size_t str_start = 0;
    if (at > len) {
        at = len;
    }
    for (size_t i = 0; i < at; i++) {
        char c = s[i];
        if (in_str) {
            if (esc) {
                esc = false;
            } else if (c == '\\') {
                esc = true;
            } else if (c == '"') {
                in_str = false;
                if (depth >= 0 && !st[depth].array && !st[depth].have_key) {
                    /* a string before ':' in an object is a key */
                    size_t j = i + 1;
                    while (j < len &&
                           (s[j] == ' ' || s[j] == '\n' || s[j] == '\r' || s[j] == '\t')) {
                        j++;
                    }
                    if (j < len && s[j] == ':') {
                        st[depth].key_start = str_start;
                        st[depth].key_len = i - str_start;
                        st[depth].have_key = true;
                    }
                }
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
            str_start = i + 1;
        } else if (c == '{' || c == '[') {
            if (depth + 1 > SEAL_REQUEST_MAX_DEPTH) {
                break;
            }
            depth++;
            st[depth] = (struct level){.array = c == '['};
        } else if (c == '}' || c == ']') {
            if (depth >= 0) {
                depth--;
            }
        } else if (c == ',' && depth >= 0) {
            if (st[depth].array) {
                st[depth].index++;
            } else {
                st[depth].have_key = false;
            }
        }
    }
    out[0] = '\0';
    for (int d = 0; d <= depth; d++) {
        char tmp[SEAL_REASON_POINTER_MAX];
        copy_trunc(tmp, sizeof(tmp), out);
        if (st[d].array) {
            ptr_index(out, cap, tmp, st[d].index);
        } else if (st[d].have_key) {
            char key[SEAL_REASON_POINTER_MAX];
            size_t kl = st[d].key_len < sizeof(key) - 1 ? st[d].key_len : sizeof(key) - 1;
            memcpy(key, s + st[d].key_start, kl);
            key[kl] = '\0';
            ptr_join(out, cap, tmp, key);
        } else {
            break;
        }
    }
}

/* SEAL_OK, or the reason code for a document that must not reach jansson. */
static const char *prescan(const char *s, size_t len, size_t *where)
{
    int depth = 0;
    bool in_str = false, esc = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\0') {
            *where = i;
            return "schema.nul";
        }
        if (in_str) {
            if (esc) {
                esc = false;
            } else if (c == '\\') {
                esc = true;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > SEAL_REQUEST_MAX_DEPTH) {
                *where = i;
                return "schema.too_deep";
            }
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return NULL;
}

/* ---- object walking ----------------------------------------------------- */

static const char *type_word(enum ftype t)
{
    switch (t) {
    case F_STR:
        return "must be a non-empty string";
    case F_BOOL:
        return "must be true or false";
    case F_INT:
        return "must be an integer";
    case F_OBJ:
        return "must be an object";
    case F_ARR:
        return "must be an array";
    case F_STR_NULL:
        return "must be a string or null";
    }
    return "has the wrong type";
}

static bool type_ok(const json_t *v, enum ftype t)
{
    switch (t) {
    case F_STR:
        return json_is_string(v);
    case F_BOOL:
        return json_is_boolean(v);
    case F_INT:
        return json_is_integer(v);
    case F_OBJ:
        return json_is_object(v);
    case F_ARR:
        return json_is_array(v);
    case F_STR_NULL:
        return json_is_string(v) || json_is_null(v);
    }
    return false;
}

static bool blank(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
            return false;
        }
    }
    return true;
}

/* Walks obj against fields; vals[i] gets the value of fields[i] when it has
 * the right shape, else NULL. Unknown fields, wrong types, empty or overlong
 * strings and missing required fields become problems. */
static void walk(seal_request *r, json_t *obj, const field *fields, size_t n, const char *base,
                 const char *unknown_rule, json_t **vals)
{
    const char *key;
    json_t *v;
    char ptr[SEAL_REASON_POINTER_MAX];
    for (size_t i = 0; i < n; i++) {
        vals[i] = NULL;
    }
    json_object_foreach(obj, key, v)
    {
        size_t i = 0;
        while (i < n && strcmp(fields[i].name, key) != 0) {
            i++;
        }
        ptr_join(ptr, sizeof(ptr), base, key);
        if (i == n) {
            problem(r, "schema.unknown_field", unknown_rule, ptr,
                    "unknown field: the request document has a closed list of fields");
            continue;
        }
        if (!type_ok(v, fields[i].type)) {
            problem(r, "schema.type", fields[i].rule, ptr, type_word(fields[i].type));
            continue;
        }
        if (json_is_string(v)) {
            if (json_string_length(v) > MAX_STRING) {
                problem(r, "schema.too_long", fields[i].rule, ptr, "string longer than 4096 bytes");
                continue;
            }
            if (blank(json_string_value(v))) {
                problem(r, "schema.empty", fields[i].rule, ptr, "must not be empty");
                continue;
            }
        }
        vals[i] = v;
    }
    for (size_t i = 0; i < n; i++) {
        if (fields[i].required && json_object_get(obj, fields[i].name) == NULL) {
            ptr_join(ptr, sizeof(ptr), base, fields[i].name);
            problem(r, "schema.missing", fields[i].rule, ptr, "required field is missing");
        }
    }
}

static const char *str(const json_t *v)
{
    return v != NULL ? json_string_value(v) : NULL;
}

/* ---- subjects: particularity (PA-6) --------------------------------------- */

static bool has_pattern(const char *s)
{
    return strpbrk(s, "*?%") != NULL;
}

static bool word_at(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = s; *p != '\0'; p++) {
        if ((p == s || p[-1] == ' ') && strncasecmp(p, w, n) == 0 &&
            (p[n] == ' ' || p[n] == '\0')) {
            return true;
        }
    }
    return false;
}

/* "A..B", "A to B", "A through B", "A – B" (en/em dash), "A - B". */
static bool has_range(const char *s)
{
    return strstr(s, "..") != NULL || strstr(s, "\xe2\x80\x93") != NULL ||
           strstr(s, "\xe2\x80\x94") != NULL || strstr(s, " - ") != NULL || word_at(s, "to") ||
           word_at(s, "through") || word_at(s, "thru") || word_at(s, "between");
}

/* An address with no primary number or box: "Denver CO 80204", "80903". */
static bool looks_like_area(const char *s)
{
    while (*s == ' ') {
        s++;
    }
    if (*s >= '0' && *s <= '9') {
        /* a bare ZIP (or ZIP+4) is an area, not a delivery point */
        size_t d = strspn(s, "0123456789");
        const char *t = s + d;
        if (*t == '-') {
            t += 1 + strspn(t + 1, "0123456789");
        }
        while (*t == ' ') {
            t++;
        }
        return *t == '\0' && (d == 5 || d == 3);
    }
    static const char *const boxes[] = {"PO ",  "P.O.",  "P O ", "BOX ",   "RR ",      "HC ",
                                        "PSC ", "UNIT ", "CMR ", "RURAL ", "HIGHWAY ", "POST "};
    for (size_t i = 0; i < sizeof(boxes) / sizeof(boxes[0]); i++) {
        if (strncasecmp(s, boxes[i], strlen(boxes[i])) == 0) {
            return false;
        }
    }
    return true;
}

/* Military addresses (USPS Publication 28 §225): "PSC 1234 BOX 5678, APO AE
 * 09204", also UNIT and CMR, with APO/FPO/DPO and AA/AE/AP. The street
 * standardiser does not know them; they are one delivery point each, keyed
 * "<ZIP5>|<PSC|UNIT|CMR> <n>|BOX <n>". */
static bool military_key(const char *s, seal_buf *out)
{
    char tok[8][16];
    size_t nt = 0;
    const char *p = s;
    while (*p != '\0' && nt < 8) {
        while (*p == ' ' || *p == ',') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        size_t n = 0;
        while (p[n] != '\0' && p[n] != ' ' && p[n] != ',') {
            n++;
        }
        if (n >= sizeof(tok[0])) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            char c = p[i];
            tok[nt][i] = (char) (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        }
        tok[nt][n] = '\0';
        nt++;
        p += n;
    }
    while (*p == ' ' || *p == ',') {
        p++;
    }
    if (*p != '\0' || nt != 7) {
        return false;
    }
    bool unit =
        strcmp(tok[0], "PSC") == 0 || strcmp(tok[0], "UNIT") == 0 || strcmp(tok[0], "CMR") == 0;
    bool post =
        strcmp(tok[4], "APO") == 0 || strcmp(tok[4], "FPO") == 0 || strcmp(tok[4], "DPO") == 0;
    bool region =
        strcmp(tok[5], "AA") == 0 || strcmp(tok[5], "AE") == 0 || strcmp(tok[5], "AP") == 0;
    size_t zl = strlen(tok[6]);
    if (!unit || !post || !region || strcmp(tok[2], "BOX") != 0 || tok[1][0] == '\0' ||
        strspn(tok[1], "0123456789") != strlen(tok[1]) || tok[3][0] == '\0' ||
        strspn(tok[3], "0123456789") != strlen(tok[3]) ||
        !((zl == 5 && strspn(tok[6], "0123456789") == 5) ||
          (zl == 10 && strspn(tok[6], "0123456789") == 5 && tok[6][5] == '-' &&
           strspn(tok[6] + 6, "0123456789") == 4))) {
        return false;
    }
    seal_buf_reset(out);
    return seal_buf_printf(out, "%.5s|%s %s|BOX %s", tok[6], tok[0], tok[1], tok[3]) == SEAL_OK;
}

static uint32_t keep_key(seal_request *r, const seal_buf *k)
{
    uint32_t off = (uint32_t) r->keys.len;
    if (seal_buf_append(&r->keys, k->data, k->len) != SEAL_OK ||
        seal_buf_append_byte(&r->keys, 0) != SEAL_OK) {
        return SEAL__NO_KEY;
    }
    return off;
}

/* Checks one address for deliverability; SEAL__NO_KEY on failure (a problem
 * recorded), else the offset of its match key. */
static uint32_t address_check(seal_request *r, const char *addr, const char *ptr, seal_buf *tmp)
{
    if (has_pattern(addr)) {
        problem(r, "subject.pattern", "PA-6", ptr,
                "a subject must be one exact identifier, not a pattern");
        return SEAL__NO_KEY;
    }
    if (has_range(addr)) {
        problem(r, "subject.range", "PA-6", ptr,
                "a subject must be one exact identifier, not a range");
        return SEAL__NO_KEY;
    }
    if (military_key(addr, tmp)) {
        return keep_key(r, tmp);
    }
    seal_address a;
    if (seal_address_parse(addr, strlen(addr), &a, NULL) != SEAL_OK) {
        if (looks_like_area(addr)) {
            problem(r, "subject.area", "PA-6", ptr,
                    "an address must name one delivery point, not a ZIP code, city or area");
        } else {
            problem(r, "subject.address", "PA-6", ptr,
                    "not a deliverable address: one line with number, street and ZIP code");
        }
        return SEAL__NO_KEY;
    }
    if (a.zip5[0] == '\0') {
        problem(r, "subject.address", "PA-6", ptr,
                "not a deliverable address: one line with number, street and ZIP code");
        return SEAL__NO_KEY;
    }
    seal_buf_reset(tmp);
    if (seal_address_key_of(&a, tmp, NULL) != SEAL_OK) {
        problem(r, "subject.address", "PA-6", ptr,
                "not a deliverable address: one line with number, street and ZIP code");
        return SEAL__NO_KEY;
    }
    return keep_key(r, tmp);
}

typedef seal_status (*std_fn)(const char *, size_t, seal_buf *, seal_error *);

static void subject_one(seal_request *r, json_t *o, size_t idx, seal_buf *tmp)
{
    char base[SEAL_REASON_POINTER_MAX], ptr[SEAL_REASON_POINTER_MAX];
    ptr_index(base, sizeof(base), "/subjects", idx);
    seal__subject *s = &r->subjects[idx];
    *s = (seal__subject){.type = 0xff, .addr_key = SEAL__NO_KEY, .ident_key = SEAL__NO_KEY};
    if (!json_is_object(o)) {
        problem(r, "schema.type", "PA-6", base, "a subject must be an object");
        return;
    }
    if (json_object_size(o) == 0) {
        problem(r, "subject.empty", "PA-6", base,
                "a subject must be one exact identifier; this one is empty");
        return;
    }
    const char *t = str(json_object_get(o, "type"));
    int type = -1;
    if (t != NULL) {
        for (int i = 0; i < SEAL_SUBJECT_TYPE_COUNT; i++) {
            if (strcmp(t, seal_subject_type_name((seal_subject_type) i)) == 0) {
                type = i;
            }
        }
    }
    ptr_join(ptr, sizeof(ptr), base, "type");
    if (json_object_get(o, "type") == NULL) {
        problem(r, "subject.attribute", "PA-6", ptr,
                "a subject needs a type: person, address, email, phone, account or tracking");
        return;
    }
    if (type < 0) {
        problem(r, "subject.type", "PA-6", ptr,
                "unknown subject type: person, address, email, phone, account or tracking");
        return;
    }
    s->type = (uint8_t) type;
    bool ok = true;
    /* every field of the subject: known for its type, a string, no pattern */
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strcmp(key, "type") == 0) {
            continue;
        }
        ptr_join(ptr, sizeof(ptr), base, key);
        bool known = (type == SEAL_SUBJECT_PERSON && strcmp(key, "name") == 0) ||
                     ((type == SEAL_SUBJECT_PERSON || type == SEAL_SUBJECT_ADDRESS) &&
                      strcmp(key, "address") == 0) ||
                     (type >= SEAL_SUBJECT_EMAIL && strcmp(key, "value") == 0);
        if (!known) {
            problem(r, "subject.attribute", "PA-6", ptr,
                    "a subject is one exact identifier; selectors by attribute cannot be written");
            ok = false;
            continue;
        }
        if (!json_is_string(v)) {
            problem(r, "schema.type", "PA-6", ptr, "must be a non-empty string");
            ok = false;
            continue;
        }
        const char *sv = json_string_value(v);
        if (json_string_length(v) > SEAL_ADDRESS_MAX_INPUT) {
            problem(r, "schema.too_long", "PA-6", ptr, "identifier longer than 512 bytes");
            ok = false;
        } else if (blank(sv)) {
            problem(r, "subject.empty", "PA-6", ptr,
                    "a subject must be one exact identifier; this field is empty");
            ok = false;
        } else if (has_pattern(sv)) {
            problem(r, "subject.pattern", "PA-6", ptr,
                    "a subject must be one exact identifier, not a pattern");
            ok = false;
        }
    }
    if (!ok) {
        return;
    }
    if (type == SEAL_SUBJECT_PERSON || type == SEAL_SUBJECT_ADDRESS) {
        if (type == SEAL_SUBJECT_PERSON) {
            s->name = str(json_object_get(o, "name"));
            if (s->name == NULL) {
                ptr_join(ptr, sizeof(ptr), base, "name");
                problem(r, "subject.incomplete", "PA-6", ptr,
                        "a person is named by name and deliverable address");
                return;
            }
            ptr_join(ptr, sizeof(ptr), base, "name");
            if (has_range(s->name)) {
                problem(r, "subject.range", "PA-6", ptr,
                        "a subject must be one exact identifier, not a range");
                return;
            }
            seal_buf_reset(tmp);
            if (seal_name_std(s->name, strlen(s->name), tmp, NULL) != SEAL_OK) {
                problem(r, "subject.name", "PA-6", ptr, "not a person's name");
                return;
            }
            s->ident_key = keep_key(r, tmp);
        }
        s->address = str(json_object_get(o, "address"));
        ptr_join(ptr, sizeof(ptr), base, "address");
        if (s->address == NULL) {
            problem(r, "subject.incomplete", "PA-6", ptr,
                    type == SEAL_SUBJECT_PERSON
                        ? "a person is named by name and deliverable address"
                        : "an address subject needs its address");
            return;
        }
        s->addr_key = address_check(r, s->address, ptr, tmp);
        s->ok = s->addr_key != SEAL__NO_KEY;
        if (type == SEAL_SUBJECT_ADDRESS) {
            s->ident_key = s->addr_key;
        }
        return;
    }
    s->value = str(json_object_get(o, "value"));
    ptr_join(ptr, sizeof(ptr), base, "value");
    if (s->value == NULL) {
        problem(r, "subject.incomplete", "PA-6", ptr, "this subject type needs its value");
        return;
    }
    if (has_range(s->value)) {
        problem(r, "subject.range", "PA-6", ptr,
                "a subject must be one exact identifier, not a range");
        return;
    }
    static const std_fn fns[] = {seal_email_std, seal_phone_std, seal_account_id_std,
                                 seal_tracking_std};
    static const char *const codes[] = {"subject.email", "subject.phone", "subject.account",
                                        "subject.tracking"};
    static const char *const msgs[] = {"not one email address", "not one phone number",
                                       "not one account id", "not one tracking number"};
    int k = type - SEAL_SUBJECT_EMAIL;
    seal_buf_reset(tmp);
    if (fns[k](s->value, strlen(s->value), tmp, NULL) != SEAL_OK) {
        problem(r, codes[k], "PA-6", ptr, msgs[k]);
        return;
    }
    s->ident_key = keep_key(r, tmp);
    s->ok = true;
}

static void subjects_parse(seal_request *r, json_t *arr)
{
    size_t n = json_array_size(arr);
    r->subjects_json = arr;
    if (n == 0) {
        problem(r, "subject.none", "PA-6", "/subjects",
                "a request names at least one subject: no request without a named subject");
        return;
    }
    if (n > SEAL_REQUEST_MAX_SUBJECTS) {
        problem(r, "subjects.too_many", "PA-6", "/subjects",
                "more than 100 subjects: refer to a court");
        return;
    }
    seal_buf tmp;
    seal_buf_init(&tmp);
    r->n_subjects = n;
    for (size_t i = 0; i < n; i++) {
        subject_one(r, json_array_get(arr, i), i, &tmp);
    }
    seal_buf_cleanup(&tmp);
    /* the same identifier twice is a sign of a generated list (PA-6) */
    for (size_t i = 1; i < n; i++) {
        const seal__subject *a = &r->subjects[i];
        if (!a->ok || a->ident_key == SEAL__NO_KEY) {
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const seal__subject *b = &r->subjects[j];
            if (b->ok && b->type == a->type && b->ident_key != SEAL__NO_KEY &&
                strcmp(seal__req_key(r, a->ident_key), seal__req_key(r, b->ident_key)) == 0 &&
                (a->type != SEAL_SUBJECT_PERSON ||
                 strcmp(seal__req_key(r, a->addr_key), seal__req_key(r, b->addr_key)) == 0)) {
                char ptr[SEAL_REASON_POINTER_MAX];
                ptr_index(ptr, sizeof(ptr), "/subjects", i);
                problem(r, "subject.duplicate", "PA-6", ptr, "the same subject is named twice");
                break;
            }
        }
    }
}

/* ---- the document ------------------------------------------------------- */

static const field top_fields[] = {
    {"agency", F_STR, true, "PA-2"},      {"official", F_STR, true, "PA-2"},
    {"legal_basis", F_OBJ, true, "PA-1"}, {"purpose", F_OBJ, true, "PA-3"},
    {"subjects", F_ARR, true, "PA-6"},    {"categories", F_ARR, true, "PA-5"},
    {"window", F_OBJ, true, "PA-6"},      {"cover", F_OBJ, false, "MC-1"},
    {"emergency", F_OBJ, false, "PA-7"},
};
enum { T_AGENCY, T_OFFICIAL, T_BASIS, T_PURPOSE, T_SUBJECTS, T_CATS, T_WINDOW, T_COVER, T_EMERG };

static const field basis_fields[] = {
    {"type", F_STR, true, "PA-1"},       {"reference", F_STR, true, "PA-2"},
    {"issued_by", F_STR, true, "PA-2"},  {"issued_at", F_STR, true, "PA-2"},
    {"expires_at", F_STR, true, "PA-2"}, {"facts", F_STR, true, "PA-2"},
    {"order", F_STR, false, "PA-2"},     {"notice_delay_until", F_STR, false, "PA-8"},
};
enum { B_TYPE, B_REF, B_BY, B_ISSUED, B_EXPIRES, B_FACTS, B_ORDER, B_NOTICE };

static const field purpose_fields[] = {
    {"activity", F_STR, true, "PA-3"},
    {"offense", F_STR, false, "PA-2"},
};

static const field window_fields[] = {
    {"from", F_STR, true, "PA-6"},
    {"to", F_STR, true, "PA-6"},
};

static const field cover_fields[] = {
    {"ground", F_STR, true, "MC-1"},
    {"address", F_STR, true, "MC-4"},
    {"dpc", F_STR, false, "MC-4"},
    {"start", F_STR, true, "MC-5"},
    {"days", F_INT, true, "MC-5"},
    {"supervisor", F_STR, true, "MC-3"},
    {"indicted", F_BOOL, true, "MC-3"},
    {"attorney", F_STR_NULL, true, "MC-3"},
    {"subject_is_attorney_or_judicial_officer", F_BOOL, true, "MC-3"},
    {"all_at_address", F_BOOL, false, "MC-4"},
    {"all_at_address_reason", F_STR, false, "MC-4"},
    {"non_subjects", F_ARR, false, "MC-4"},
    {"exclude", F_ARR, false, "MC-7"},
    {"extends", F_STR, false, "MC-5"},
    {"benefit_so_far", F_STR, false, "MC-5"},
    {"benefit_expected", F_STR, false, "MC-5"},
};
enum {
    C_GROUND,
    C_ADDRESS,
    C_DPC,
    C_START,
    C_DAYS,
    C_SUPERVISOR,
    C_INDICTED,
    C_ATTORNEY,
    C_SUBJ_ATTY,
    C_ALL,
    C_ALL_REASON,
    C_NON_SUBJECTS,
    C_EXCLUDE,
    C_EXTENDS,
    C_BENEFIT_SO_FAR,
    C_BENEFIT_EXPECTED,
    C_COUNT
};

static const field emergency_fields[] = {
    {"attestation", F_STR, true, "PA-7"},
};

static void time_field(seal_request *r, const json_t *v, const char *ptr, bool date, bool *has,
                       int64_t *out, const char *rule)
{
    if (v == NULL) {
        return;
    }
    const char *s = json_string_value(v);
    seal_status st = date ? seal_date_parse(s, out) : seal_time_parse(s, out);
    if (st != SEAL_OK) {
        problem(r, date ? "schema.date" : "schema.time", rule, ptr,
                date ? "must be a date YYYY-MM-DD" : "must be an RFC 3339 UTC time");
        return;
    }
    *has = true;
}

static void string_list(seal_request *r, const json_t *arr, const char *base, const char *rule,
                        size_t *count)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        char ptr[SEAL_REASON_POINTER_MAX];
        ptr_index(ptr, sizeof(ptr), base, i);
        if (!json_is_string(v) || blank(json_string_value(v)) ||
            json_string_length(v) > SEAL_ADDRESS_MAX_INPUT) {
            problem(r, "schema.type", rule, ptr, "must be a non-empty string");
        } else if (has_pattern(json_string_value(v))) {
            problem(r, "subject.pattern", "PA-6", ptr,
                    "a subject must be one exact identifier, not a pattern");
        }
    }
    *count = json_array_size(arr);
}

static void cover_parse(seal_request *r, json_t *o)
{
    json_t *v[C_COUNT];
    seal__cover *c = &r->cover;
    c->present = true;
    walk(r, o, cover_fields, C_COUNT, "/cover", "MC-1", v);
    if (v[C_GROUND] != NULL) {
        const char *g = json_string_value(v[C_GROUND]);
        for (int i = 0; i < SEAL_GROUND_COUNT; i++) {
            if (strcmp(g, seal_ground_name((seal_ground) i)) == 0) {
                c->ground = i;
            }
        }
        if (c->ground < 0) {
            problem(r, "cover.ground", "MC-1", "/cover/ground",
                    "a cover states one ground: crime, fugitive, national_security, "
                    "postal_statute or forfeiture");
        }
    }
    c->address = str(v[C_ADDRESS]);
    if (c->address != NULL) {
        seal_buf tmp;
        seal_buf_init(&tmp);
        c->addr_key = address_check(r, c->address, "/cover/address", &tmp);
        seal_buf_cleanup(&tmp);
    }
    c->dpc = str(v[C_DPC]);
    if (c->dpc != NULL && (strlen(c->dpc) != 11 || strspn(c->dpc, "0123456789") != 11)) {
        problem(r, "cover.dpc", "MC-4", "/cover/dpc", "a delivery point code is 11 digits");
    }
    time_field(r, v[C_START], "/cover/start", true, &c->has_start, &c->start, "MC-5");
    c->start_str = str(v[C_START]);
    if (v[C_DAYS] != NULL) {
        json_int_t d = json_integer_value(v[C_DAYS]);
        if (d < 1 || d > 3660) {
            problem(r, "cover.days", "MC-5", "/cover/days",
                    "a cover period is a positive number of days");
        } else {
            c->days = (int64_t) d;
        }
    }
    c->supervisor = str(v[C_SUPERVISOR]);
    c->indicted = v[C_INDICTED] != NULL ? json_is_true(v[C_INDICTED]) : -1;
    c->attorney_set = v[C_ATTORNEY] != NULL;
    c->attorney = v[C_ATTORNEY] != NULL ? json_string_value(v[C_ATTORNEY]) : NULL;
    if (c->attorney != NULL && blank(c->attorney)) {
        problem(r, "schema.empty", "MC-3", "/cover/attorney",
                "must be the attorney's address, or null when none is known");
    }
    c->subject_is_attorney = v[C_SUBJ_ATTY] != NULL ? json_is_true(v[C_SUBJ_ATTY]) : -1;
    c->all_at_address = v[C_ALL] != NULL && json_is_true(v[C_ALL]);
    c->all_at_address_reason = str(v[C_ALL_REASON]);
    if (c->all_at_address && c->all_at_address_reason == NULL &&
        json_object_get(o, "all_at_address_reason") == NULL) {
        problem(r, "schema.missing", "MC-4", "/cover/all_at_address_reason",
                "covering everyone at the address needs its own justification");
    }
    if (v[C_NON_SUBJECTS] != NULL) {
        string_list(r, v[C_NON_SUBJECTS], "/cover/non_subjects", "MC-4", &c->n_non_subjects);
    }
    if (v[C_EXCLUDE] != NULL) {
        string_list(r, v[C_EXCLUDE], "/cover/exclude", "MC-7", &c->n_exclude);
    }
    c->extends = str(v[C_EXTENDS]);
    c->benefit_so_far = str(v[C_BENEFIT_SO_FAR]);
    c->benefit_expected = str(v[C_BENEFIT_EXPECTED]);
    if (c->extends != NULL) {
        if (json_object_get(o, "benefit_so_far") == NULL) {
            problem(r, "schema.missing", "MC-5", "/cover/benefit_so_far",
                    "an extension states the benefit so far");
        }
        if (json_object_get(o, "benefit_expected") == NULL) {
            problem(r, "schema.missing", "MC-5", "/cover/benefit_expected",
                    "an extension states the benefit expected");
        }
    }
}

static void categories_parse(seal_request *r, json_t *arr)
{
    size_t i;
    json_t *v;
    r->categories_present = true;
    json_array_foreach(arr, i, v)
    {
        char ptr[SEAL_REASON_POINTER_MAX];
        ptr_index(ptr, sizeof(ptr), "/categories", i);
        int c = json_is_string(v)
                    ? seal_category_from_name(json_string_value(v), json_string_length(v))
                    : -1;
        if (c < 0) {
            problem(r, "schema.value", "PA-5", ptr,
                    "not a category: identity, contact, network_session, payment_means, "
                    "network_activity, payment_detail, tracking, address_history, mail_exterior");
            continue;
        }
        if (r->categories & (1u << c)) {
            problem(r, "schema.duplicate", "PA-5", ptr, "category named twice");
            continue;
        }
        r->categories |= 1u << c;
        r->cat_index[c] = (uint8_t) (i < 255 ? i : 255);
    }
}

static void document(seal_request *r, json_t *root)
{
    json_t *t[9], *b[8], *p[2], *w[2], *e[1];
    walk(r, root, top_fields, 9, "", "PA-2", t);
    r->agency = str(t[T_AGENCY]);
    r->official = str(t[T_OFFICIAL]);
    if (t[T_BASIS] != NULL) {
        walk(r, t[T_BASIS], basis_fields, 8, "/legal_basis", "PA-2", b);
        if (b[B_TYPE] != NULL) {
            r->basis =
                seal_basis_from_name(json_string_value(b[B_TYPE]), json_string_length(b[B_TYPE]));
            if (r->basis < 0) {
                problem(r, "basis.unknown", "PA-1", "/legal_basis/type",
                        "not a legal basis: consent, subpoena, court_order, warrant, mail_cover, "
                        "emergency or preservation");
            }
        }
        r->reference = str(b[B_REF]);
        r->issued_by = str(b[B_BY]);
        time_field(r, b[B_ISSUED], "/legal_basis/issued_at", false, &r->has_issued, &r->issued_at,
                   "PA-2");
        time_field(r, b[B_EXPIRES], "/legal_basis/expires_at", false, &r->has_expires,
                   &r->expires_at, "PA-2");
        r->expires_str = str(b[B_EXPIRES]);
        r->facts = str(b[B_FACTS]);
        r->facts_chars = r->facts != NULL ? seal__utf8_chars(r->facts) : 0;
        r->order = str(b[B_ORDER]);
        r->order_len = b[B_ORDER] != NULL ? json_string_length(b[B_ORDER]) : 0;
        time_field(r, b[B_NOTICE], "/legal_basis/notice_delay_until", true, &r->has_notice,
                   &r->notice_until, "PA-8");
        r->notice_str = str(b[B_NOTICE]);
        if (r->has_issued && r->has_expires && r->expires_at <= r->issued_at) {
            problem(r, "basis.expiry_order", "PA-2", "/legal_basis/expires_at",
                    "expires_at must be later than issued_at");
        }
    }
    if (t[T_PURPOSE] != NULL) {
        walk(r, t[T_PURPOSE], purpose_fields, 2, "/purpose", "PA-3", p);
        if (p[0] != NULL) {
            r->purpose = seal_purpose_from_name(json_string_value(p[0]), json_string_length(p[0]));
            if (r->purpose < 0) {
                problem(r, "schema.value", "PA-3", "/purpose/activity",
                        "not a purpose: criminal_investigation, fugitive, national_security, "
                        "forfeiture, postal_statute, civil_immigration, civil_other, "
                        "health_safety");
            }
        }
        r->offense = str(p[1]);
    }
    if (t[T_SUBJECTS] != NULL) {
        subjects_parse(r, t[T_SUBJECTS]);
    }
    if (t[T_CATS] != NULL) {
        categories_parse(r, t[T_CATS]);
    }
    if (t[T_WINDOW] != NULL) {
        walk(r, t[T_WINDOW], window_fields, 2, "/window", "PA-6", w);
        bool hf = false, ht = false;
        time_field(r, w[0], "/window/from", true, &hf, &r->win_from, "PA-6");
        time_field(r, w[1], "/window/to", true, &ht, &r->win_to, "PA-6");
        r->from_str = str(w[0]);
        r->to_str = str(w[1]);
        if (hf && ht) {
            if (r->win_from > r->win_to) {
                problem(r, "window.order", "PA-6", "/window",
                        "a window's from must not be later than its to");
            } else {
                r->has_window = true;
            }
        }
    }
    /* a cover or emergency object under a basis that takes none is refused
     * as a whole below; its fields are not worth a reason each */
    if (t[T_COVER] != NULL && (r->basis < 0 || r->basis == SEAL_BASIS_MAIL_COVER)) {
        cover_parse(r, t[T_COVER]);
    }
    if (t[T_EMERG] != NULL &&
        (r->basis < 0 || r->basis == SEAL_BASIS_MAIL_COVER || r->basis == SEAL_BASIS_EMERGENCY)) {
        r->emergency_present = true;
        walk(r, t[T_EMERG], emergency_fields, 1, "/emergency", "PA-7", e);
        r->attestation = str(e[0]);
        r->attestation_chars = r->attestation != NULL ? seal__utf8_chars(r->attestation) : 0;
    }
    /* fields whose presence depends on the basis (DESIGN.md field table) */
    if (r->basis >= 0) {
        if (r->basis == SEAL_BASIS_MAIL_COVER && t[T_COVER] == NULL &&
            json_object_get(root, "cover") == NULL) {
            problem(r, "cover.missing", "MC-1", "/cover",
                    "a mail_cover request carries a cover object");
        }
        if (r->basis != SEAL_BASIS_MAIL_COVER && json_object_get(root, "cover") != NULL) {
            problem(r, "cover.unexpected", "MC-1", "/cover",
                    "a cover object is allowed only with a mail_cover basis");
        }
        if (r->basis == SEAL_BASIS_EMERGENCY && json_object_get(root, "emergency") == NULL) {
            problem(r, "emergency.attestation_missing", "PA-7", "/emergency",
                    "an emergency needs an attestation of danger of death or serious injury");
        }
        if (r->basis != SEAL_BASIS_EMERGENCY && r->basis != SEAL_BASIS_MAIL_COVER &&
            json_object_get(root, "emergency") != NULL) {
            problem(r, "emergency.unexpected", "PA-7", "/emergency",
                    "an emergency object is allowed only with emergency or mail_cover");
        }
        if (r->categories_present && r->categories == 0 && r->basis != SEAL_BASIS_PRESERVATION &&
            json_array_size(t[T_CATS]) == 0) {
            problem(r, "categories.empty", "PA-2", "/categories",
                    "a request names the particular portion of the record it wants");
        }
    }
}

seal_status seal_request_parse(const char *json, size_t len, seal_request **out, seal_error *err)
{
    *out = NULL;
    seal_request *r = seal_calloc(1, sizeof(*r));
    if (r == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "request: out of memory");
    }
    r->basis = -1;
    r->purpose = -1;
    r->cover.ground = -1;
    r->cover.days = -1;
    r->cover.indicted = -1;
    r->cover.subject_is_attorney = -1;
    r->cover.addr_key = SEAL__NO_KEY;
    r->well_formed = true;
    seal_buf_init(&r->keys);
    if (seal_buf_reserve(&r->keys, 256) != SEAL_OK) {
        seal_request_free(r);
        return seal_error_set(err, SEAL_NOMEM, "request: out of memory");
    }
    char ptr[SEAL_REASON_POINTER_MAX];
    char msg[SEAL_REASON_MESSAGE_MAX];
    size_t where = 0;
    const char *code;
    if (len > SEAL_REQUEST_MAX_SIZE) {
        problem(r, "schema.too_large", "PA-2", "", "document larger than 65536 bytes");
        goto out;
    }
    if ((code = prescan(json, len, &where)) != NULL) {
        pointer_at(json, len, where, ptr, sizeof(ptr));
        problem(r, code, "PA-2", ptr,
                code[7] == 'n' ? "NUL byte in the document"
                               : "nesting deeper than 8 levels: no such field exists");
        goto out;
    }
    json_error_t je;
    r->root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (r->root == NULL) {
        enum json_error_code jc = json_error_code(&je);
        size_t pos = je.position > 0 ? (size_t) je.position : 0;
        pointer_at(json, len, pos, ptr, sizeof(ptr));
        if (jc == json_error_out_of_memory) {
            seal_request_free(r);
            return seal_error_set(err, SEAL_NOMEM, "request: out of memory");
        }
        if (jc == json_error_duplicate_key) {
            problem(r, "schema.duplicate_key", "PA-2", ptr,
                    "duplicate key: every field appears once");
        } else if (jc == json_error_invalid_utf8) {
            problem(r, "schema.utf8", "PA-2", ptr, "not valid UTF-8");
        } else if (jc == json_error_null_character || jc == json_error_null_byte_in_key) {
            problem(r, "schema.nul", "PA-2", ptr, "NUL character in a string");
        } else if (jc == json_error_numeric_overflow) {
            problem(r, "schema.number", "PA-2", ptr, "number out of range");
        } else {
            /* position only: jansson's own text may quote the input */
            snprintf(msg, sizeof(msg), "not valid JSON (line %d, column %d)", je.line, je.column);
            problem(r, "schema.json", "PA-2", ptr, msg);
        }
        goto out;
    }
    r->json_ok = true;
    if (!json_is_object(r->root)) {
        problem(r, "schema.type", "PA-2", "", "a request document is one JSON object");
        goto out;
    }
    document(r, r->root);
out:
    *out = r;
    return SEAL_OK;
}

void seal_request_free(seal_request *r)
{
    if (r == NULL) {
        return;
    }
    json_decref(r->root);
    seal_buf_cleanup(&r->keys);
    seal_free(r);
}

seal_status seal__request_new_blank(seal_request **out)
{
    seal_request *r = seal_calloc(1, sizeof(*r));
    if (r == NULL) {
        return SEAL_NOMEM;
    }
    r->basis = -1;
    r->purpose = -1;
    r->cover.ground = -1;
    r->cover.days = -1;
    r->cover.indicted = -1;
    r->cover.subject_is_attorney = -1;
    r->cover.addr_key = SEAL__NO_KEY;
    r->well_formed = true;
    r->json_ok = true;
    seal_buf_init(&r->keys);
    *out = r;
    return SEAL_OK;
}

size_t seal_request_problem_count(const seal_request *r)
{
    return r->n_problems;
}

const seal_reason *seal_request_problem(const seal_request *r, size_t i)
{
    return i < r->n_problems ? &r->problems[i] : NULL;
}

bool seal_request_well_formed(const seal_request *r)
{
    return r->well_formed;
}

int seal_request_basis(const seal_request *r)
{
    return r->basis;
}

int seal_request_purpose(const seal_request *r)
{
    return r->purpose;
}

const char *seal_request_agency(const seal_request *r)
{
    return r->agency;
}

const char *seal_request_reference(const seal_request *r)
{
    return r->reference;
}

size_t seal_request_subject_count(const seal_request *r)
{
    return r->n_subjects;
}

uint32_t seal_request_categories(const seal_request *r)
{
    return r->categories;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reads NDJSON (one JSON object per line, jansson with duplicate keys
 * refused) or CSV (RFC 4180 with a header naming the fields) and hands each
 * record to the store inside batch transactions. Errors name the input, the
 * line and the field, never the value: values are personal data.
 */
#include <jansson.h>
#include <string.h>

#include "sealed/alloc.h"
#include "sealed/ingest.h"

#define MAX_LINE (64 * 1024)

seal_format seal_format_from_name(const char *name)
{
    size_t n = strlen(name);
    static const struct {
        const char *ext;
        seal_format f;
    } exts[] = {{".ndjson", SEAL_FORMAT_NDJSON},
                {".jsonl", SEAL_FORMAT_NDJSON},
                {".json", SEAL_FORMAT_NDJSON},
                {".csv", SEAL_FORMAT_CSV}};
    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        size_t e = strlen(exts[i].ext);
        if (n > e && strcmp(name + n - e, exts[i].ext) == 0) {
            return exts[i].f;
        }
    }
    return SEAL_FORMAT_AUTO;
}

seal_status seal_format_parse(const char *s, seal_format *out)
{
    if (strcmp(s, "ndjson") == 0 || strcmp(s, "jsonl") == 0) {
        *out = SEAL_FORMAT_NDJSON;
    } else if (strcmp(s, "csv") == 0) {
        *out = SEAL_FORMAT_CSV;
    } else {
        return SEAL_INVALID;
    }
    return SEAL_OK;
}

/* A field name from the input, safe to print: printable ASCII, bounded. */
static void safe_name(char *out, size_t cap, const char *s, size_t n)
{
    if (n >= cap || n == 0) {
        snprintf(out, cap, "(field name of %zu bytes)", n);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x21 || s[i] > 0x7e) {
            snprintf(out, cap, "(unprintable field name)");
            return;
        }
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

typedef struct reader {
    const seal_kind *kind;
    seal_record rec;
    /* CSV */
    int columns[SEAL_MAX_FIELDS * 2]; /* field index per column */
    size_t ncolumns;
    seal_buf cells; /* unquoted cell bytes */
    size_t cell_off[SEAL_MAX_FIELDS * 2];
    size_t cell_len[SEAL_MAX_FIELDS * 2];
    json_t *doc;
} reader;

static seal_status parse_ndjson(reader *r, const char *line, size_t n, seal_error *err)
{
    json_error_t jerr;
    json_decref(r->doc);
    r->doc = json_loadb(line, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (r->doc == NULL) {
        if (strstr(jerr.text, "duplicate") != NULL) {
            return seal_error_set(err, SEAL_INVALID, "duplicate field (column %d)", jerr.column);
        }
        return seal_error_set(err, SEAL_INVALID, "not valid JSON (column %d)", jerr.column);
    }
    if (!json_is_object(r->doc)) {
        return seal_error_set(err, SEAL_INVALID, "not a JSON object");
    }
    memset(r->rec.v, 0, sizeof(r->rec.v));
    const char *key;
    size_t klen;
    json_t *v;
    void *tmp;
    char name[80];
    json_object_keylen_foreach_safe(r->doc, tmp, key, klen, v)
    {
        int f = seal_kind_field(r->kind, key, klen);
        if (f < 0) {
            safe_name(name, sizeof(name), key, klen);
            return seal_error_set(err, SEAL_INVALID, "%s: unknown field for kind %s", name,
                                  r->kind->name);
        }
        const char *fname = r->kind->fields[f].name;
        if (json_is_null(v)) {
            continue;
        }
        if (json_is_string(v)) {
            r->rec.v[f] = json_string_value(v);
            r->rec.n[f] = json_string_length(v);
        } else if (json_is_integer(v) && r->kind->fields[f].type == SEAL_FT_INT) {
            /* re-rendered as digits, kept alive by replacing the member */
            char digits[32];
            if (json_integer_value(v) < 0) {
                return seal_error_set(err, SEAL_INVALID, "%s: negative number", fname);
            }
            int len = snprintf(digits, sizeof(digits), "%lld", (long long) json_integer_value(v));
            json_t *s = json_stringn(digits, (size_t) len);
            if (s == NULL || json_object_setn_new(r->doc, key, klen, s) != 0) {
                return seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
            v = json_object_getn(r->doc, key, klen);
            r->rec.v[f] = json_string_value(v);
            r->rec.n[f] = json_string_length(v);
        } else {
            return seal_error_set(err, SEAL_INVALID, "%s: must be a string%s", fname,
                                  r->kind->fields[f].type == SEAL_FT_INT ? " or an integer" : "");
        }
    }
    return SEAL_OK;
}

/* Splits one CSV line (RFC 4180, no line breaks inside quotes) into cells. */
static seal_status split_csv(reader *r, const char *line, size_t n, size_t *ncells, seal_error *err)
{
    size_t cap = sizeof(r->cell_off) / sizeof(r->cell_off[0]);
    size_t i = 0, c = 0;
    seal_buf_reset(&r->cells);
    if (seal_buf_reserve(&r->cells, n) != SEAL_OK) { /* cells never outgrow the line */
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    for (;;) {
        if (c == cap) {
            return seal_error_set(err, SEAL_INVALID, "more than %zu columns", cap);
        }
        r->cell_off[c] = r->cells.len;
        if (i < n && line[i] == '"') {
            i++;
            for (;;) {
                if (i >= n) {
                    return seal_error_set(err, SEAL_INVALID,
                                          "column %zu: unterminated quoted field", c + 1);
                }
                if (line[i] == '"') {
                    if (i + 1 < n && line[i + 1] == '"') {
                        i += 2;
                        if (seal_buf_append_byte(&r->cells, '"') != SEAL_OK) {
                            return seal_error_set(err, SEAL_NOMEM, "out of memory");
                        }
                        continue;
                    }
                    i++;
                    break;
                }
                size_t start = i;
                while (i < n && line[i] != '"') {
                    i++;
                }
                if (seal_buf_append(&r->cells, line + start, i - start) != SEAL_OK) {
                    return seal_error_set(err, SEAL_NOMEM, "out of memory");
                }
            }
            if (i < n && line[i] != ',') {
                return seal_error_set(err, SEAL_INVALID, "column %zu: text after a closing quote",
                                      c + 1);
            }
        } else {
            size_t start = i;
            while (i < n && line[i] != ',') {
                if (line[i] == '"') {
                    return seal_error_set(err, SEAL_INVALID,
                                          "column %zu: quote inside an unquoted field", c + 1);
                }
                i++;
            }
            if (seal_buf_append(&r->cells, line + start, i - start) != SEAL_OK) {
                return seal_error_set(err, SEAL_NOMEM, "out of memory");
            }
        }
        r->cell_len[c] = r->cells.len - r->cell_off[c];
        c++;
        if (i >= n) {
            break;
        }
        i++; /* the comma */
    }
    *ncells = c;
    return SEAL_OK;
}

static seal_status parse_header(reader *r, const char *line, size_t n, seal_error *err)
{
    size_t ncells;
    seal_status s = split_csv(r, line, n, &ncells, err);
    if (s != SEAL_OK) {
        return s;
    }
    char name[80];
    for (size_t c = 0; c < ncells; c++) {
        const char *cell = (const char *) r->cells.data + r->cell_off[c];
        int f = seal_kind_field(r->kind, cell, r->cell_len[c]);
        if (f < 0) {
            safe_name(name, sizeof(name), cell, r->cell_len[c]);
            return seal_error_set(err, SEAL_INVALID, "%s: unknown field for kind %s", name,
                                  r->kind->name);
        }
        for (size_t k = 0; k < c; k++) {
            if (r->columns[k] == f) {
                return seal_error_set(err, SEAL_INVALID, "%s: duplicate column",
                                      r->kind->fields[f].name);
            }
        }
        r->columns[c] = f;
    }
    r->ncolumns = ncells;
    return SEAL_OK;
}

static seal_status parse_csv(reader *r, const char *line, size_t n, seal_error *err)
{
    size_t ncells;
    seal_status s = split_csv(r, line, n, &ncells, err);
    if (s != SEAL_OK) {
        return s;
    }
    if (ncells != r->ncolumns) {
        return seal_error_set(err, SEAL_INVALID, "%zu columns, the header has %zu", ncells,
                              r->ncolumns);
    }
    memset(r->rec.v, 0, sizeof(r->rec.v));
    for (size_t c = 0; c < ncells; c++) {
        if (r->cell_len[c] > 0) {
            r->rec.v[r->columns[c]] = (const char *) r->cells.data + r->cell_off[c];
            r->rec.n[r->columns[c]] = r->cell_len[c];
        }
    }
    return SEAL_OK;
}

/* Reads one line without its newline; SEAL_NOTFOUND at end of input. */
static seal_status read_line(FILE *in, seal_buf *line, uint64_t *bytes, seal_error *err)
{
    seal_buf_reset(line);
    int c;
    while ((c = getc_unlocked(in)) != EOF) {
        (*bytes)++;
        if (c == '\n') {
            break;
        }
        if (line->len >= MAX_LINE) {
            return seal_error_set(err, SEAL_LIMIT, "line longer than %d bytes", MAX_LINE);
        }
        if (line->len + 1 >= line->cap && seal_buf_reserve(line, 4096) != SEAL_OK) {
            return seal_error_set(err, SEAL_NOMEM, "out of memory");
        }
        line->data[line->len++] = (uint8_t) c;
    }
    if (c == EOF && ferror(in)) {
        return seal_error_set(err, SEAL_IO, "read error");
    }
    if (c == EOF && line->len == 0) {
        return SEAL_NOTFOUND;
    }
    if (line->len > 0 && line->data[line->len - 1] == '\r') {
        line->len--;
    }
    if (line->data != NULL) {
        line->data[line->len] = '\0';
    }
    return SEAL_OK;
}

seal_status seal_ingest(seal_store *st, const seal_kind *kind, FILE *in, const char *name,
                        const seal_ingest_options *opt, seal_ingest_result *res, seal_error *err)
{
    reader r;
    seal_buf line;
    uint64_t bytes = 0;
    bool in_tx = false;
    int64_t in_batch = 0;
    seal_status s = SEAL_OK;
    memset(res, 0, sizeof(*res));
    memset(&r, 0, sizeof(r));
    r.kind = kind;
    r.rec.kind = kind;
    seal_buf_init(&r.cells);
    seal_buf_init(&line);
    if (!kind->ingest) {
        return seal_error_set(err, SEAL_INVALID, "%s: kind %s is not ingested from files", name,
                              kind->name);
    }
    if (opt->format != SEAL_FORMAT_NDJSON && opt->format != SEAL_FORMAT_CSV) {
        return seal_error_set(err, SEAL_USAGE, "%s: input format unknown", name);
    }
    for (;;) {
        s = read_line(in, &line, &bytes, err);
        if (s == SEAL_NOTFOUND) {
            s = SEAL_OK;
            break;
        }
        res->lines++;
        if (s != SEAL_OK) {
            break;
        }
        const char *text = seal_buf_str(&line);
        if (opt->format == SEAL_FORMAT_CSV && r.ncolumns == 0) {
            s = parse_header(&r, text, line.len, err);
            if (s != SEAL_OK) {
                break;
            }
            continue;
        }
        if (line.len == 0) {
            continue;
        }
        s = opt->format == SEAL_FORMAT_CSV ? parse_csv(&r, text, line.len, err)
                                           : parse_ndjson(&r, text, line.len, err);
        if (s != SEAL_OK) {
            break;
        }
        if (!in_tx) {
            if ((s = seal_store_begin(st, err)) != SEAL_OK) {
                break;
            }
            in_tx = true;
        }
        seal_put_outcome out;
        s = seal_store_put(st, &r.rec, &out, err);
        if (s != SEAL_OK) {
            break;
        }
        res->records++;
        in_batch++;
        res->inserted += out == SEAL_PUT_INSERTED;
        res->unchanged += out == SEAL_PUT_UNCHANGED;
        res->updated += out == SEAL_PUT_UPDATED;
        res->dropped += out == SEAL_PUT_DROPPED;
        if (opt->batch_size > 0 && in_batch >= opt->batch_size) {
            in_tx = false;
            in_batch = 0;
            if ((s = seal_store_commit(st, err)) != SEAL_OK) {
                break;
            }
            res->batches++;
            res->committed_line = res->lines;
            if (opt->committed != NULL) {
                opt->committed(res, opt->committed_ud);
            }
        }
        if (opt->progress != NULL && (res->lines & 16383) == 0) {
            opt->progress(res, bytes, opt->progress_ud);
        }
    }
    if (s == SEAL_OK && in_tx) {
        in_tx = false;
        s = seal_store_commit(st, err);
        if (s == SEAL_OK) {
            res->batches++;
            res->committed_line = res->lines;
            if (opt->committed != NULL) {
                opt->committed(res, opt->committed_ud);
            }
        }
    }
    if (s == SEAL_OK && opt->format == SEAL_FORMAT_CSV && r.ncolumns == 0 && res->lines > 0) {
        s = seal_error_set(err, SEAL_INVALID, "no header line");
    }
    if (s != SEAL_OK) {
        if (in_tx) {
            seal_store_rollback(st);
        }
        seal_error_prefix(err, "%s:%lld", name, (long long) res->lines);
        if (err != NULL && res->committed_line > 0) {
            size_t len = strlen(err->msg);
            snprintf(err->msg + len, sizeof(err->msg) - len,
                     " (nothing of this batch was stored; lines 1-%lld were committed)",
                     (long long) res->committed_line);
        }
    }
    if (opt->progress != NULL) {
        opt->progress(res, bytes, opt->progress_ud);
    }
    json_decref(r.doc);
    seal_buf_cleanup(&r.cells);
    if (line.data != NULL) {
        memset(line.data, 0, line.cap);
    }
    seal_buf_cleanup(&line);
    return s;
}

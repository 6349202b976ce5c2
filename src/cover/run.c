/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A matcher run over a byte stream of scans (a file or stdin): big reads,
 * lines split in place with memchr, one parse and one pre-filter probe per
 * line, and nothing kept of a line once the next is read unless it matched
 * (PA-12). Malformed lines are counted with their line numbers and never
 * stop the stream; a failure to record is fatal, since a matched piece must
 * not be dropped silently.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cover/cover_int.h"
#include "sealed/alloc.h"

#define READ_CHUNK (1u << 20)
#define MAX_LINE (1u << 20)

void seal_cover_counts_init(seal_cover_counts *c)
{
    memset(c, 0, sizeof(*c));
}

void seal_cover_run_options_init(seal_cover_run_options *o)
{
    o->format = SEAL_SCAN_CSV;
    o->batch = 256;
    o->on_match = NULL;
    o->ud = NULL;
}

void seal__cover_malformed(seal_cover_counts *c, uint64_t lineno)
{
    c->malformed++;
    if (c->n_malformed_lines < SEAL_COVER_MALFORMED_KEEP) {
        c->malformed_lines[c->n_malformed_lines++] = lineno;
    }
}

seal_status seal__cover_line_init(seal__cover_line *l, const seal_matcher *m)
{
    memset(l, 0, sizeof(*l));
    seal_buf_init(&l->scratch);
    seal_scan_columns_init(&l->cols);
    l->cap = seal_matcher_cover_count(m) > 0 ? seal_matcher_cover_count(m) : 1;
    l->matches = seal_calloc(l->cap, sizeof(seal_match));
    return l->matches != NULL ? SEAL_OK : SEAL_NOMEM;
}

void seal__cover_line_cleanup(seal__cover_line *l)
{
    seal_buf_cleanup(&l->scratch);
    seal_free(l->matches);
    l->matches = NULL;
}

seal_status seal__cover_line_run(seal__cover_line *l, seal_matcher *m, seal_cover_sink *sink,
                                 const seal_cover_run_options *opt, const char *line, size_t n,
                                 uint64_t lineno, seal_cover_counts *counts, seal_error *err)
{
    seal_error e;
    size_t nm;
    counts->scanned++;
    if (seal_scan_parse(opt->format, &l->cols, line, n, &l->scan, &l->scratch, &e) != SEAL_OK ||
        seal_matcher_match(m, &l->scan, l->matches, l->cap, &nm, &e) != SEAL_OK) {
        seal__cover_malformed(counts, lineno);
        return SEAL_OK;
    }
    if (nm == 0) {
        return SEAL_OK;
    }
    counts->matched++;
    if (opt->on_match != NULL) {
        opt->on_match(m, &l->scan, l->matches, nm, opt->ud);
    }
    bool bad = false;
    for (size_t i = 0; i < nm; i++) {
        if (l->matches[i].excluded) {
            counts->excluded++;
            continue;
        }
        if (sink == NULL || l->matches[i].duplicate) {
            continue;
        }
        seal_status st =
            seal_cover_sink_add(sink, seal_matcher_cover(m, l->matches[i].cover), &l->scan, &e);
        if (st == SEAL_INVALID) {
            bad = true;
        } else if (st != SEAL_OK) {
            *err = e;
            return st;
        }
    }
    if (bad) {
        seal__cover_malformed(counts, lineno);
    }
    return SEAL_OK;
}

static seal_status flush(seal_cover_sink *sink, seal_cover_counts *counts, seal_error *err)
{
    uint64_t rec = 0;
    seal_status st = seal_cover_sink_flush(sink, &rec, err);
    counts->recorded += rec;
    return st;
}

seal_status seal_cover_run_fd(seal_matcher *m, seal_cover_sink *sink, int fd,
                              const seal_cover_run_options *opt, seal_cover_counts *counts,
                              seal_error *err)
{
    seal_cover_run_options dflt;
    if (opt == NULL) {
        seal_cover_run_options_init(&dflt);
        opt = &dflt;
    }
    size_t batch = opt->batch > 0 ? opt->batch : 256;
    seal__cover_line l;
    seal_status st = seal__cover_line_init(&l, m);
    size_t cap = READ_CHUNK + MAX_LINE;
    char *buf = seal_malloc(cap);
    size_t have = 0;
    uint64_t lineno = 0;
    bool eof = false;
    bool skipping = false; /* inside an over-long line */
    bool first = true;
    if (st != SEAL_OK || buf == NULL) {
        st = seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
        goto out;
    }
    while (!eof || have > 0) {
        if (!eof && have < cap) {
            ssize_t got = read(fd, buf + have, cap - have < READ_CHUNK ? cap - have : READ_CHUNK);
            if (got < 0) {
                if (errno == EINTR) {
                    continue;
                }
                st = seal_error_set(err, SEAL_IO, "cover: read error: %s", strerror(errno));
                goto out;
            }
            if (got == 0) {
                eof = true;
            }
            have += (size_t) got;
        }
        size_t pos = 0;
        for (;;) {
            const char *nl = memchr(buf + pos, '\n', have - pos);
            size_t end;
            if (nl != NULL) {
                end = (size_t) (nl - buf);
            } else if (eof && pos < have) {
                end = have;
            } else {
                break;
            }
            const char *line = buf + pos;
            size_t n = end - pos;
            pos = end + (nl != NULL ? 1 : 0);
            if (skipping) {
                skipping = false;
                continue;
            }
            lineno++;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            if (first) {
                first = false;
                /* a CSV header names the columns; no data line parses as one */
                seal_scan_columns c;
                seal_error e;
                if (opt->format == SEAL_SCAN_CSV &&
                    seal_scan_columns_parse(&c, line, n, &e) == SEAL_OK) {
                    l.cols = c;
                    continue;
                }
            }
            if (n == 0) {
                continue;
            }
            st = seal__cover_line_run(&l, m, sink, opt, line, n, lineno, counts, err);
            if (st != SEAL_OK) {
                goto out;
            }
            if (sink != NULL && seal_cover_sink_pending(sink) >= batch &&
                (st = flush(sink, counts, err)) != SEAL_OK) {
                goto out;
            }
        }
        memmove(buf, buf + pos, have - pos);
        have -= pos;
        if (have == cap) {
            /* a line longer than MAX_LINE: malformed; skip to its end */
            lineno++;
            seal__cover_malformed(counts, lineno);
            counts->scanned++;
            have = 0;
            skipping = true;
        }
        if (eof && have == 0) {
            break;
        }
    }
    if (sink != NULL) {
        st = flush(sink, counts, err);
    }
out:
    seal__cover_line_cleanup(&l);
    seal_free(buf);
    return st;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the mail-scan parsers (src/cover/scan.c) and the
 * matcher behind them: the first byte picks CSV (even) or NDJSON (odd), the rest is one
 * line. Parsing must not crash or read outside the line; every field it
 * returns must lie inside the line or the scratch buffer; and a parsed piece
 * goes through the pre-filter and, when it passes, full standardisation
 * against one fixed cover.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sealed/cover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static seal_matcher *matcher(void)
{
    static seal_matcher *m;
    if (m == NULL) {
        static const char *const excl[] = {"55 Law Plz Ste 9, Denver CO 80202"};
        seal_cover c;
        memset(&c, 0, sizeof(c));
        c.id = "C-1";
        c.subject = "1400 W Colfax Ave Apt 3, Denver CO 80204";
        c.dpc = "80204123403";
        c.start_day = 20000;
        c.days = 30000;
        c.exclude = excl;
        c.n_exclude = 1;
        if (seal_matcher_new(&c, 1, &m, NULL) != SEAL_OK) {
            abort();
        }
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    seal_scan_format fmt = (data[0] & 1) ? SEAL_SCAN_NDJSON : SEAL_SCAN_CSV;
    const char *line = (const char *) data + 1;
    size_t n = size - 1;
    seal_buf scratch;
    seal_buf_init(&scratch);
    seal_scan s;
    seal_error err;
    if (seal_scan_parse(fmt, NULL, line, n, &s, &scratch, &err) == SEAL_OK) {
        for (size_t f = 0; f < SEAL_SCAN_NFIELDS; f++) {
            const char *v = s.v[f];
            bool in_line = v >= line && v + s.n[f] <= line + n;
            bool in_scratch = scratch.data != NULL && v >= (const char *) scratch.data &&
                              v + s.n[f] <= (const char *) scratch.data + scratch.len;
            if (s.n[f] > 0 && !in_line && !in_scratch) {
                abort();
            }
        }
        seal_match mt[2];
        size_t k;
        (void) seal_matcher_match(matcher(), &s, mt, 2, &k, &err);
    }
    seal_scan_columns c;
    (void) seal_scan_columns_parse(&c, line, n, &err);
    seal_buf_cleanup(&scratch);
    return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How long accounting entries are kept, and their purge (sealed/accounting.h;
 * 5 U.S.C. 552a(c)(2): "at least five years or the life of the record,
 * whichever is longer"; LAW.md PA-4). Entries hold no record content, so
 * they outlive shredding; only an entry past its own keep_until is deleted.
 */
#include <stdio.h>
#include <string.h>

#include "sealed/accounting.h"
#include "sealed/ledger.h"
#include "sealed/time.h"
#include "store/accounting.h"

#define DAY 86400

int64_t seal_accounting_keep_until(int64_t at, int64_t years, int64_t life_end)
{
    if (life_end == SEAL_ACCT_KEEP_FOREVER) {
        return SEAL_ACCT_KEEP_FOREVER;
    }
    char d[16];
    seal_date_format(d, sizeof(d), at);
    int y = 0, m = 0, dd = 0;
    if (sscanf(d, "%d-%d-%d", &y, &m, &dd) != 3) {
        return SEAL_ACCT_KEEP_FOREVER; /* cannot happen; never keep less */
    }
    int64_t ty = (int64_t) y + years;
    bool leap = (ty % 4 == 0 && ty % 100 != 0) || ty % 400 == 0;
    int64_t day = m == 2 && dd == 29 && !leap
                      ? seal_days_from_civil(ty, 3, 1)
                      : seal_days_from_civil(ty, (unsigned) m, (unsigned) dd);
    int64_t keep = (day + 1) * DAY;
    return life_end > keep ? life_end : keep;
}

seal_status seal_accounting_purge(const char *dir, int64_t now, int64_t *purged, seal_error *err)
{
    *purged = 0;
    const seal_acct_backend_ops *ops = &seal__sqlite_accounting;
    seal_acct_backend *b = NULL;
    seal_ledger *led = NULL;
    seal_buf e;
    seal_buf_init(&e);
    char path[1100];
    snprintf(path, sizeof(path), "%s/ledger", dir);
    seal_status s = ops->open(dir, &b, err);
    if (s == SEAL_OK && (s = ops->begin(b, err)) == SEAL_OK) {
        s = ops->entry_purge(b, now, purged, err);
        char count[24];
        snprintf(count, sizeof(count), "%lld", (long long) *purged);
        seal_event_id ids[] = {{"count", count}};
        seal_event ev = {.type = "accounting.purged", .time = now, .ids = ids, .n_ids = 1};
        uint64_t index;
        if (s == SEAL_OK && (s = seal_event_encode(&ev, &e, err)) == SEAL_OK &&
            (s = seal_ledger_open(path, NULL, &led, err)) == SEAL_OK &&
            (s = seal_ledger_append(led, e.data, e.len, &index, err)) == SEAL_OK) {
            seal_buf_reset(&e);
            s = seal_ledger_checkpoint(led, &e, err);
        }
        if (s == SEAL_OK) {
            s = ops->commit(b, err);
        }
        if (s != SEAL_OK) {
            ops->rollback(b);
            *purged = 0;
        }
    }
    seal_ledger_close(led);
    seal_buf_cleanup(&e);
    if (b != NULL) {
        ops->close(b);
    }
    return s;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite implementation of the legal-process storage interface
 * (registry.h): one database, DATA/registry.db (mode 0600), in WAL mode with
 * synchronous=FULL so a committed transition survives kill -9 and power
 * loss. Statements are prepared once. It stores only what registry.h hands
 * it: ids, numbers, keyed hashes and the encrypted request documents.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sealed/alloc.h"
#include "store/registry.h"
#include "store/sqlite_file.h"

enum {
    Q_BEGIN,
    Q_COMMIT,
    Q_ROLLBACK,
    Q_AGENCY_PUT,
    Q_AGENCY_GET,
    Q_AGENCY_EACH,
    Q_ISSUER_PUT,
    Q_ISSUER_EACH,
    Q_PRINCIPAL_PUT,
    Q_PRINCIPAL_GET,
    Q_PRINCIPAL_EACH,
    Q_PROTECT_PUT,
    Q_PROTECT_EACH,
    Q_COUNTER_BUMP,
    Q_COUNTER_GET,
    Q_REQUEST_PUT,
    Q_REQUEST_UPDATE,
    Q_REQUEST_GET,
    Q_REQUEST_EACH,
    Q_APPROVAL_PUT,
    Q_APPROVAL_EACH,
    Q_COVER_PUT,
    Q_COVER_UPDATE,
    Q_COVER_GET,
    Q_COVER_EACH,
    Q_SECRET_PUT,
    Q_SECRET_GET,
    Q_BASIS_PUT,
    Q_BASIS_GET,
    Q_SUPERSEDE_PUT,
    Q_SUPERSEDE_GET,
    Q_SUPERSEDED_BY,
    Q_COUNT
};

#define AGENCY_COLS "id, name, kind, national_security, created, inspection_service"
#define REQ_COLS                                                                                   \
    "id, agency, submitter, policy, policy_sha, cover, link, basis, state, verdict, flags, "       \
    "submitted, decided, start, end_day, expires_at, follow_up_by, notice_until, days, "           \
    "renewals, need, need_extra, role, extra_role"
#define COVER_COLS                                                                                 \
    "id, origin, latest, agency, ground, state, start, end_day, cum_days, indicted, flags"

static const char *const queries[Q_COUNT] = {
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_AGENCY_PUT] = "INSERT INTO agency(" AGENCY_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_AGENCY_GET] = "SELECT " AGENCY_COLS " FROM agency WHERE id = ?1",
    [Q_AGENCY_EACH] = "SELECT " AGENCY_COLS " FROM agency ORDER BY id",
    [Q_ISSUER_PUT] = "INSERT INTO issuer(id, vkey, created) VALUES (?1, ?2, ?3)",
    [Q_ISSUER_EACH] = "SELECT id, vkey, created FROM issuer ORDER BY id",
    [Q_PRINCIPAL_PUT] =
        "INSERT INTO principal(id, agency, roles, valid_from, valid_until, created) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_PRINCIPAL_GET] = "SELECT id, agency, roles, valid_from, valid_until, created FROM principal "
                        "WHERE id = ?1",
    [Q_PRINCIPAL_EACH] = "SELECT id, agency, roles, valid_from, valid_until, created FROM "
                         "principal ORDER BY id",
    [Q_PROTECT_PUT] = "INSERT INTO protect(hash, ord, created) VALUES (?1, ?2, ?3)",
    [Q_PROTECT_EACH] = "SELECT hash, ord, created FROM protect ORDER BY hash",
    [Q_COUNTER_BUMP] = "INSERT INTO counter(name, value) VALUES (?1, 1) "
                       "ON CONFLICT(name) DO UPDATE SET value = value + 1",
    [Q_COUNTER_GET] = "SELECT value FROM counter WHERE name = ?1",
    [Q_REQUEST_PUT] = "INSERT INTO request(" REQ_COLS ", doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                      "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
                      "?23, ?24, ?25)",
    [Q_REQUEST_UPDATE] = "UPDATE request SET agency = ?2, submitter = ?3, policy = ?4, "
                         "policy_sha = ?5, cover = ?6, link = ?7, basis = ?8, state = ?9, "
                         "verdict = ?10, flags = ?11, submitted = ?12, decided = ?13, start = ?14, "
                         "end_day = ?15, expires_at = ?16, follow_up_by = ?17, notice_until = ?18, "
                         "days = ?19, renewals = ?20, need = ?21, need_extra = ?22, role = ?23, "
                         "extra_role = ?24 WHERE id = ?1",
    [Q_REQUEST_GET] = "SELECT " REQ_COLS ", doc FROM request WHERE id = ?1",
    [Q_REQUEST_EACH] = "SELECT " REQ_COLS " FROM request ORDER BY seq",
    [Q_APPROVAL_PUT] = "INSERT INTO approval(request, principal, approve, role, at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
    [Q_APPROVAL_EACH] = "SELECT request, principal, approve, role, at FROM approval "
                        "WHERE request = ?1 ORDER BY at, principal",
    [Q_COVER_PUT] = "INSERT INTO cover(" COVER_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                    "?10, ?11)",
    [Q_COVER_UPDATE] = "UPDATE cover SET origin = ?2, latest = ?3, agency = ?4, ground = ?5, "
                       "state = ?6, start = ?7, end_day = ?8, cum_days = ?9, indicted = ?10, "
                       "flags = ?11 WHERE id = ?1",
    [Q_COVER_GET] = "SELECT " COVER_COLS " FROM cover WHERE id = ?1",
    [Q_COVER_EACH] = "SELECT " COVER_COLS " FROM cover ORDER BY id",
    [Q_SECRET_PUT] = "INSERT OR REPLACE INTO secret(kind, key, blob) VALUES (?1, ?2, ?3)",
    [Q_SECRET_GET] = "SELECT blob FROM secret WHERE kind = ?1 AND key = ?2",
    [Q_BASIS_PUT] = "INSERT OR REPLACE INTO basis(hash, request, created) VALUES (?1, ?2, ?3)",
    [Q_BASIS_GET] = "SELECT request FROM basis WHERE hash = ?1",
    [Q_SUPERSEDE_PUT] = "INSERT INTO supersede(request, supersedes) VALUES (?1, ?2)",
    [Q_SUPERSEDE_GET] = "SELECT supersedes FROM supersede WHERE request = ?1",
    [Q_SUPERSEDED_BY] = "SELECT request FROM supersede WHERE supersedes = ?1",
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS agency(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " kind INTEGER NOT NULL, national_security INTEGER NOT NULL, created INTEGER NOT NULL,"
    " inspection_service INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS issuer(id TEXT PRIMARY KEY, vkey TEXT NOT NULL,"
    " created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS principal(id TEXT PRIMARY KEY, agency TEXT NOT NULL"
    " REFERENCES agency(id), roles INTEGER NOT NULL, valid_from INTEGER NOT NULL,"
    " valid_until INTEGER NOT NULL, created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS protect(hash BLOB PRIMARY KEY, ord TEXT NOT NULL,"
    " created INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS counter(name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS request(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " agency TEXT NOT NULL, submitter TEXT NOT NULL, policy TEXT NOT NULL,"
    " policy_sha BLOB NOT NULL, cover TEXT NOT NULL, link TEXT NOT NULL, basis INTEGER NOT NULL,"
    " state INTEGER NOT NULL, verdict INTEGER NOT NULL, flags INTEGER NOT NULL,"
    " submitted INTEGER NOT NULL, decided INTEGER NOT NULL, start INTEGER NOT NULL,"
    " end_day INTEGER NOT NULL, expires_at INTEGER NOT NULL, follow_up_by INTEGER NOT NULL,"
    " notice_until INTEGER NOT NULL, days INTEGER NOT NULL, renewals INTEGER NOT NULL,"
    " need INTEGER NOT NULL, need_extra INTEGER NOT NULL, role INTEGER NOT NULL,"
    " extra_role INTEGER NOT NULL, doc BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS approval(request TEXT NOT NULL REFERENCES request(id),"
    " principal TEXT NOT NULL, approve INTEGER NOT NULL, role INTEGER NOT NULL,"
    " at INTEGER NOT NULL, PRIMARY KEY(request, principal)) WITHOUT ROWID;"
    /* MC-13: cover ids are unique */
    "CREATE TABLE IF NOT EXISTS cover(id TEXT PRIMARY KEY, origin TEXT NOT NULL UNIQUE,"
    " latest TEXT NOT NULL, agency TEXT NOT NULL, ground INTEGER NOT NULL,"
    " state INTEGER NOT NULL, start INTEGER NOT NULL, end_day INTEGER NOT NULL,"
    " cum_days INTEGER NOT NULL, indicted INTEGER NOT NULL, flags INTEGER NOT NULL);"
    /* sealed blobs only: reviewers' notes, subjects' identifiers */
    "CREATE TABLE IF NOT EXISTS secret(kind TEXT NOT NULL, key TEXT NOT NULL,"
    " blob BLOB NOT NULL, PRIMARY KEY(kind, key)) WITHOUT ROWID;"
    /* PA-2 / MC-13: keyed hashes of accepted legal bases and orders (new in
     * interface version 4; CREATE IF NOT EXISTS adds them to older files) */
    "CREATE TABLE IF NOT EXISTS basis(hash BLOB PRIMARY KEY, request TEXT NOT NULL,"
    " created INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS supersede(request TEXT PRIMARY KEY, supersedes TEXT NOT NULL"
    " UNIQUE) WITHOUT ROWID;";

/* Registries made before interface version 2 lack the agency's
 * inspection_service column: add it, unflagged, so MC-2 under cfr-233 refuses
 * their cover approvers until an officer registers the inspection service. */
static const char has_inspection_column[] =
    "SELECT count(*) FROM pragma_table_info('agency') WHERE name = 'inspection_service'";
static const char add_inspection_column[] =
    "ALTER TABLE agency ADD COLUMN inspection_service INTEGER NOT NULL DEFAULT 0";

struct seal_reg_backend {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    char path[1100];
    bool in_tx;
    bool in_batch; /* group commit: one transaction, each begin a savepoint */
};

static seal_status db_error(seal_reg_backend *b, seal_error *err, const char *what)
{
    return seal__sqlite_file_error(b->db, b->path, err, what);
}

static sqlite3_stmt *stmt(seal_reg_backend *b, int q)
{
    sqlite3_stmt *st = b->q[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

/* Steps a statement that returns no rows. */
static seal_status run(seal_reg_backend *b, sqlite3_stmt *st, seal_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        return db_error(b, err, "statement failed");
    }
    return SEAL_OK;
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    int len = sqlite3_column_bytes(st, i);
    size_t k = t != NULL && len > 0 ? (size_t) len : 0;
    if (k >= n) {
        k = n - 1;
    }
    if (k > 0) {
        memcpy(out, t, k);
    }
    out[k] = '\0';
}

static void col_blob(sqlite3_stmt *st, int i, uint8_t *out, size_t n)
{
    const void *p = sqlite3_column_blob(st, i);
    size_t len = (size_t) sqlite3_column_bytes(st, i);
    memset(out, 0, n);
    if (p != NULL) {
        memcpy(out, p, len < n ? len : n);
    }
}

static void text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void reg_close(seal_reg_backend *b)
{
    if (b == NULL) {
        return;
    }
    if (b->in_tx || b->in_batch) {
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
    }
    for (int i = 0; i < Q_COUNT; i++) {
        sqlite3_finalize(b->q[i]);
    }
    sqlite3_close(b->db);
    seal_free(b);
}

static seal_status migrate(seal_reg_backend *b, seal_error *err)
{
    sqlite3_stmt *st = NULL;
    int have = 0;
    if (sqlite3_prepare_v2(b->db, has_inspection_column, -1, &st, NULL) != SQLITE_OK) {
        return db_error(b, err, "cannot set up");
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        have = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        return db_error(b, err, "cannot set up");
    }
    if (have == 0 && sqlite3_exec(b->db, add_inspection_column, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(b, err, "cannot add agency.inspection_service");
    }
    return SEAL_OK;
}

static seal_status reg_open(const char *dir, seal_reg_backend **out, seal_error *err)
{
    *out = NULL;
    seal_reg_backend *b = seal_calloc(1, sizeof(*b));
    if (b == NULL) {
        return seal_error_set(err, SEAL_NOMEM, "out of memory");
    }
    seal_status s = SEAL_OK;
    int w = snprintf(b->path, sizeof(b->path), "%s/registry.db", dir);
    if (w < 0 || (size_t) w >= sizeof(b->path)) {
        s = seal_error_set(err, SEAL_INVALID, "data directory path too long");
        goto out;
    }
    struct stat sb;
    bool fresh = stat(b->path, &sb) != 0;
    if (sqlite3_open_v2(b->path, &b->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        s = b->db == NULL ? seal_error_set(err, SEAL_NOMEM, "%s: cannot open", b->path)
                          : db_error(b, err, "cannot open");
        goto out;
    }
    if (fresh) {
        chmod(b->path, 0600); /* the WAL and SHM files inherit this mode */
    } else if ((sb.st_mode & 077) != 0) {
        s = seal_error_set(err, SEAL_PERM, "%s: group or others can access it (mode %04o)", b->path,
                           (unsigned) (sb.st_mode & 07777));
        goto out;
    }
    sqlite3_extended_result_codes(b->db, 1);
    sqlite3_busy_timeout(b->db, 10000);
    if (sqlite3_exec(b->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(b->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        s = db_error(b, err, "cannot set up");
        goto out;
    }
    if ((s = migrate(b, err)) != SEAL_OK) {
        goto out;
    }
    for (int i = 0; i < Q_COUNT; i++) {
        if (sqlite3_prepare_v3(b->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &b->q[i], NULL) !=
            SQLITE_OK) {
            s = db_error(b, err, "cannot prepare");
            goto out;
        }
    }
out:
    if (s != SEAL_OK) {
        reg_close(b);
        return s;
    }
    *out = b;
    return SEAL_OK;
}

/* Group commit (seal_registry_batch_begin): while a batch is open, one
 * BEGIN IMMEDIATE holds every operation, and each operation's begin /
 * commit / rollback is a savepoint, so a refused one undoes only itself. */
static seal_status batch_savepoint(seal_reg_backend *b, const char *sql, bool *flag, bool to,
                                   seal_error *err)
{
    if (sqlite3_exec(b->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(b, err, "statement failed");
    }
    *flag = to;
    return SEAL_OK;
}

static seal_status reg_begin(seal_reg_backend *b, seal_error *err)
{
    if (b->in_batch) {
        return batch_savepoint(b, "SAVEPOINT op", &b->in_tx, true, err);
    }
    seal_status s = run(b, stmt(b, Q_BEGIN), err);
    b->in_tx = s == SEAL_OK;
    return s;
}

static seal_status reg_commit(seal_reg_backend *b, seal_error *err)
{
    if (b->in_batch) {
        return batch_savepoint(b, "RELEASE op", &b->in_tx, false, err);
    }
    seal_status s = run(b, stmt(b, Q_COMMIT), err);
    if (s == SEAL_OK) {
        b->in_tx = false;
    }
    return s;
}

static void reg_rollback(seal_reg_backend *b)
{
    if (b->in_batch) {
        if (b->in_tx) {
            sqlite3_exec(b->db, "ROLLBACK TO op; RELEASE op", NULL, NULL, NULL);
            b->in_tx = false;
        }
        return;
    }
    if (b->in_tx) {
        sqlite3_step(stmt(b, Q_ROLLBACK));
        sqlite3_reset(b->q[Q_ROLLBACK]);
        b->in_tx = false;
    }
}

/* Runs a SELECT; for each row calls row_fn(st, ud). */
typedef seal_status (*row_fn)(sqlite3_stmt *st, void *ud);

static seal_status each(seal_reg_backend *b, sqlite3_stmt *st, row_fn fn, void *ud, seal_error *err)
{
    seal_status s = SEAL_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((s = fn(st, ud)) != SEAL_OK) {
            break;
        }
    }
    if (s == SEAL_OK && rc != SQLITE_DONE) {
        s = db_error(b, err, "query failed");
    }
    sqlite3_reset(st);
    return s;
}

/* ---- agencies, issuers, principals, protected addresses ---------------------------------- */

static void read_agency(sqlite3_stmt *st, seal_reg_agency *r)
{
    col_text(st, 0, r->id, sizeof(r->id));
    col_text(st, 1, r->name, sizeof(r->name));
    r->kind = sqlite3_column_int(st, 2);
    r->national_security = sqlite3_column_int(st, 3) != 0;
    r->created = sqlite3_column_int64(st, 4);
    r->inspection_service = sqlite3_column_int(st, 5) != 0;
}

static seal_status agency_put(seal_reg_backend *b, const seal_reg_agency *r, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_AGENCY_PUT);
    text(st, 1, r->id);
    text(st, 2, r->name);
    sqlite3_bind_int(st, 3, r->kind);
    sqlite3_bind_int(st, 4, r->national_security ? 1 : 0);
    sqlite3_bind_int64(st, 5, r->created);
    sqlite3_bind_int(st, 6, r->inspection_service ? 1 : 0);
    return run(b, st, err);
}

typedef struct get_ctx {
    void *row;
    bool found;
} get_ctx;

static seal_status agency_row(sqlite3_stmt *st, void *ud)
{
    get_ctx *g = ud;
    read_agency(st, g->row);
    g->found = true;
    return SEAL_OK;
}

static seal_status agency_get(seal_reg_backend *b, const char *id, seal_reg_agency *r,
                              seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_AGENCY_GET);
    text(st, 1, id);
    get_ctx g = {r, false};
    seal_status s = each(b, st, agency_row, &g, err);
    if (s == SEAL_OK && !g.found) {
        s = seal_error_set(err, SEAL_NOTFOUND, "agency %s is not registered", id);
    }
    return s;
}

typedef struct each_ctx {
    union {
        seal_reg_agency_cb agency;
        seal_reg_issuer_cb issuer;
        seal_reg_principal_cb principal;
        seal_reg_protect_cb protect;
        seal_reg_request_cb request;
        seal_reg_approval_cb approval;
        seal_reg_cover_cb cover;
    } cb;
    void *ud;
} each_ctx;

static seal_status agency_each_row(sqlite3_stmt *st, void *ud)
{
    each_ctx *e = ud;
    seal_reg_agency r;
    read_agency(st, &r);
    return e->cb.agency(&r, e->ud);
}

static seal_status agency_each(seal_reg_backend *b, seal_reg_agency_cb cb, void *ud,
                               seal_error *err)
{
    each_ctx e = {.cb.agency = cb, .ud = ud};
    return each(b, stmt(b, Q_AGENCY_EACH), agency_each_row, &e, err);
}

static seal_status issuer_put(seal_reg_backend *b, const seal_reg_issuer *r, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_ISSUER_PUT);
    text(st, 1, r->id);
    text(st, 2, r->vkey);
    sqlite3_bind_int64(st, 3, r->created);
    return run(b, st, err);
}

static seal_status issuer_each_row(sqlite3_stmt *st, void *ud)
{
    each_ctx *e = ud;
    seal_reg_issuer r;
    col_text(st, 0, r.id, sizeof(r.id));
    col_text(st, 1, r.vkey, sizeof(r.vkey));
    r.created = sqlite3_column_int64(st, 2);
    return e->cb.issuer(&r, e->ud);
}

static seal_status issuer_each(seal_reg_backend *b, seal_reg_issuer_cb cb, void *ud,
                               seal_error *err)
{
    each_ctx e = {.cb.issuer = cb, .ud = ud};
    return each(b, stmt(b, Q_ISSUER_EACH), issuer_each_row, &e, err);
}

static void read_principal(sqlite3_stmt *st, seal_reg_principal *r)
{
    col_text(st, 0, r->id, sizeof(r->id));
    col_text(st, 1, r->agency, sizeof(r->agency));
    r->roles = (uint32_t) sqlite3_column_int64(st, 2);
    r->valid_from = sqlite3_column_int64(st, 3);
    r->valid_until = sqlite3_column_int64(st, 4);
    r->created = sqlite3_column_int64(st, 5);
}

static seal_status principal_put(seal_reg_backend *b, const seal_reg_principal *r, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_PRINCIPAL_PUT);
    text(st, 1, r->id);
    text(st, 2, r->agency);
    sqlite3_bind_int64(st, 3, r->roles);
    sqlite3_bind_int64(st, 4, r->valid_from);
    sqlite3_bind_int64(st, 5, r->valid_until);
    sqlite3_bind_int64(st, 6, r->created);
    return run(b, st, err);
}

static seal_status principal_row(sqlite3_stmt *st, void *ud)
{
    get_ctx *g = ud;
    read_principal(st, g->row);
    g->found = true;
    return SEAL_OK;
}

static seal_status principal_get(seal_reg_backend *b, const char *id, seal_reg_principal *r,
                                 seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_PRINCIPAL_GET);
    text(st, 1, id);
    get_ctx g = {r, false};
    seal_status s = each(b, st, principal_row, &g, err);
    if (s == SEAL_OK && !g.found) {
        s = seal_error_set(err, SEAL_NOTFOUND, "principal %s is not registered", id);
    }
    return s;
}

static seal_status principal_each_row(sqlite3_stmt *st, void *ud)
{
    each_ctx *e = ud;
    seal_reg_principal r;
    read_principal(st, &r);
    return e->cb.principal(&r, e->ud);
}

static seal_status principal_each(seal_reg_backend *b, seal_reg_principal_cb cb, void *ud,
                                  seal_error *err)
{
    each_ctx e = {.cb.principal = cb, .ud = ud};
    return each(b, stmt(b, Q_PRINCIPAL_EACH), principal_each_row, &e, err);
}

static seal_status protect_put(seal_reg_backend *b, const seal_reg_protect *r, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_PROTECT_PUT);
    sqlite3_bind_blob(st, 1, r->hash, SEAL_REG_HASH, SQLITE_STATIC);
    text(st, 2, r->order);
    sqlite3_bind_int64(st, 3, r->created);
    return run(b, st, err);
}

static seal_status protect_each_row(sqlite3_stmt *st, void *ud)
{
    each_ctx *e = ud;
    seal_reg_protect r;
    col_blob(st, 0, r.hash, sizeof(r.hash));
    col_text(st, 1, r.order, sizeof(r.order));
    r.created = sqlite3_column_int64(st, 2);
    return e->cb.protect(&r, e->ud);
}

static seal_status protect_each(seal_reg_backend *b, seal_reg_protect_cb cb, void *ud,
                                seal_error *err)
{
    each_ctx e = {.cb.protect = cb, .ud = ud};
    return each(b, stmt(b, Q_PROTECT_EACH), protect_each_row, &e, err);
}

static seal_status counter_row(sqlite3_stmt *st, void *ud)
{
    *(int64_t *) ud = sqlite3_column_int64(st, 0);
    return SEAL_OK;
}

static seal_status counter_next(seal_reg_backend *b, const char *name, int64_t *out,
                                seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_COUNTER_BUMP);
    text(st, 1, name);
    seal_status s = run(b, st, err);
    if (s == SEAL_OK) {
        st = stmt(b, Q_COUNTER_GET);
        text(st, 1, name);
        *out = 0;
        s = each(b, st, counter_row, out, err);
    }
    return s;
}

/* ---- requests, approvals, covers ----------------------------------------------------------- */

static void bind_request(sqlite3_stmt *st, const seal_reg_request *r)
{
    text(st, 1, r->id);
    text(st, 2, r->agency);
    text(st, 3, r->submitter);
    text(st, 4, r->policy);
    sqlite3_bind_blob(st, 5, r->policy_sha, SEAL_REG_HASH, SQLITE_STATIC);
    text(st, 6, r->cover);
    text(st, 7, r->link);
    sqlite3_bind_int(st, 8, r->basis);
    sqlite3_bind_int(st, 9, r->state);
    sqlite3_bind_int(st, 10, r->verdict);
    sqlite3_bind_int64(st, 11, r->flags);
    const int64_t nums[] = {
        r->submitted,           r->decided, r->start,    r->end,  r->expires_at, r->follow_up_by,
        r->notice_until,        r->days,    r->renewals, r->need, r->need_extra, (int64_t) r->role,
        (int64_t) r->extra_role};
    for (int i = 0; i < (int) (sizeof(nums) / sizeof(nums[0])); i++) {
        sqlite3_bind_int64(st, 12 + i, nums[i]);
    }
}

static void read_request(sqlite3_stmt *st, seal_reg_request *r)
{
    col_text(st, 0, r->id, sizeof(r->id));
    col_text(st, 1, r->agency, sizeof(r->agency));
    col_text(st, 2, r->submitter, sizeof(r->submitter));
    col_text(st, 3, r->policy, sizeof(r->policy));
    col_blob(st, 4, r->policy_sha, sizeof(r->policy_sha));
    col_text(st, 5, r->cover, sizeof(r->cover));
    col_text(st, 6, r->link, sizeof(r->link));
    r->basis = sqlite3_column_int(st, 7);
    r->state = sqlite3_column_int(st, 8);
    r->verdict = sqlite3_column_int(st, 9);
    r->flags = (uint32_t) sqlite3_column_int64(st, 10);
    int64_t *nums[] = {&r->submitted,  &r->decided,      &r->start,        &r->end,
                       &r->expires_at, &r->follow_up_by, &r->notice_until, &r->days,
                       &r->renewals,   &r->need,         &r->need_extra};
    for (int i = 0; i < (int) (sizeof(nums) / sizeof(nums[0])); i++) {
        *nums[i] = sqlite3_column_int64(st, 11 + i);
    }
    r->role = sqlite3_column_int(st, 22);
    r->extra_role = sqlite3_column_int(st, 23);
}

static seal_status request_put(seal_reg_backend *b, const seal_reg_request *r, const uint8_t *doc,
                               size_t doc_len, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REQUEST_PUT);
    bind_request(st, r);
    sqlite3_bind_blob(st, 25, doc_len > 0 ? (const void *) doc : (const void *) "", (int) doc_len,
                      SQLITE_STATIC);
    return run(b, st, err);
}

static seal_status request_update(seal_reg_backend *b, const seal_reg_request *r, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REQUEST_UPDATE);
    bind_request(st, r);
    seal_status s = run(b, st, err);
    if (s == SEAL_OK && sqlite3_changes(b->db) != 1) {
        s = seal_error_set(err, SEAL_NOTFOUND, "request %s not found", r->id);
    }
    return s;
}

typedef struct req_get_ctx {
    seal_reg_request *row;
    seal_buf *doc;
    bool found;
} req_get_ctx;

static seal_status request_row(sqlite3_stmt *st, void *ud)
{
    req_get_ctx *g = ud;
    read_request(st, g->row);
    g->found = true;
    if (g->doc != NULL) {
        const void *p = sqlite3_column_blob(st, 24);
        int n = sqlite3_column_bytes(st, 24);
        if (p != NULL && n > 0) {
            return seal_buf_append(g->doc, p, (size_t) n);
        }
    }
    return SEAL_OK;
}

static seal_status request_get(seal_reg_backend *b, const char *id, seal_reg_request *r,
                               seal_buf *doc, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_REQUEST_GET);
    text(st, 1, id);
    req_get_ctx g = {r, doc, false};
    seal_status s = each(b, st, request_row, &g, err);
    if (s == SEAL_OK && !g.found) {
        s = seal_error_set(err, SEAL_NOTFOUND, "request %s not found", id);
    } else if (s == SEAL_NOMEM) {
        seal_error_set(err, s, "out of memory");
    }
    return s;
}

static seal_status request_each_row(sqlite3_stmt *st, void *ud)
{
    each_ctx *e = ud;
    seal_reg_request r;
    read_request(st, &r);
    return e->cb.request(&r, e->ud);
}

static seal_status request_each(seal_reg_backend *b, seal_reg_request_cb cb, void *ud,
                                seal_error *err)
{
    each_ctx e = {.cb.request = cb, .ud = ud};
    return each(b, stmt(b, Q_REQUEST_EACH), request_each_row, &e, err);
}

static seal_status approval_put(seal_reg_backend *b, const seal_reg_approval *r, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_APPROVAL_PUT);
    text(st, 1, r->request);
    text(st, 2, r->principal);
    sqlite3_bind_int(st, 3, r->approve);
    sqlite3_bind_int(st, 4, r->role);
    sqlite3_bind_int64(st, 5, r->at);
    return run(b, st, err);
}

static seal_status approval_each_row(sqlite3_stmt *st, void *ud)
{
    each_ctx *e = ud;
    seal_reg_approval r;
    col_text(st, 0, r.request, sizeof(r.request));
    col_text(st, 1, r.principal, sizeof(r.principal));
    r.approve = sqlite3_column_int(st, 2);
    r.role = sqlite3_column_int(st, 3);
    r.at = sqlite3_column_int64(st, 4);
    return e->cb.approval(&r, e->ud);
}

static seal_status approval_each(seal_reg_backend *b, const char *request, seal_reg_approval_cb cb,
                                 void *ud, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_APPROVAL_EACH);
    text(st, 1, request);
    each_ctx e = {.cb.approval = cb, .ud = ud};
    return each(b, st, approval_each_row, &e, err);
}

static void bind_cover(sqlite3_stmt *st, const seal_reg_cover *c)
{
    text(st, 1, c->id);
    text(st, 2, c->origin);
    text(st, 3, c->latest);
    text(st, 4, c->agency);
    sqlite3_bind_int(st, 5, c->ground);
    sqlite3_bind_int(st, 6, c->state);
    sqlite3_bind_int64(st, 7, c->start);
    sqlite3_bind_int64(st, 8, c->end);
    sqlite3_bind_int64(st, 9, c->cum_days);
    sqlite3_bind_int64(st, 10, c->indicted);
    sqlite3_bind_int64(st, 11, c->flags);
}

static void read_cover(sqlite3_stmt *st, seal_reg_cover *c)
{
    col_text(st, 0, c->id, sizeof(c->id));
    col_text(st, 1, c->origin, sizeof(c->origin));
    col_text(st, 2, c->latest, sizeof(c->latest));
    col_text(st, 3, c->agency, sizeof(c->agency));
    c->ground = sqlite3_column_int(st, 4);
    c->state = sqlite3_column_int(st, 5);
    c->start = sqlite3_column_int64(st, 6);
    c->end = sqlite3_column_int64(st, 7);
    c->cum_days = sqlite3_column_int64(st, 8);
    c->indicted = sqlite3_column_int64(st, 9);
    c->flags = (uint32_t) sqlite3_column_int64(st, 10);
}

static seal_status cover_put(seal_reg_backend *b, const seal_reg_cover *c, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_COVER_PUT);
    bind_cover(st, c);
    return run(b, st, err);
}

static seal_status cover_update(seal_reg_backend *b, const seal_reg_cover *c, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_COVER_UPDATE);
    bind_cover(st, c);
    seal_status s = run(b, st, err);
    if (s == SEAL_OK && sqlite3_changes(b->db) != 1) {
        s = seal_error_set(err, SEAL_NOTFOUND, "cover %s not found", c->id);
    }
    return s;
}

static seal_status cover_row(sqlite3_stmt *st, void *ud)
{
    get_ctx *g = ud;
    read_cover(st, g->row);
    g->found = true;
    return SEAL_OK;
}

static seal_status cover_get(seal_reg_backend *b, const char *id, seal_reg_cover *c,
                             seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_COVER_GET);
    text(st, 1, id);
    get_ctx g = {c, false};
    seal_status s = each(b, st, cover_row, &g, err);
    if (s == SEAL_OK && !g.found) {
        s = seal_error_set(err, SEAL_NOTFOUND, "cover %s not found", id);
    }
    return s;
}

static seal_status cover_each_row(sqlite3_stmt *st, void *ud)
{
    each_ctx *e = ud;
    seal_reg_cover c;
    read_cover(st, &c);
    return e->cb.cover(&c, e->ud);
}

static seal_status cover_each(seal_reg_backend *b, seal_reg_cover_cb cb, void *ud, seal_error *err)
{
    each_ctx e = {.cb.cover = cb, .ud = ud};
    return each(b, stmt(b, Q_COVER_EACH), cover_each_row, &e, err);
}

static seal_status secret_put(seal_reg_backend *b, const char *kind, const char *key,
                              const uint8_t *blob, size_t len, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_SECRET_PUT);
    text(st, 1, kind);
    text(st, 2, key);
    sqlite3_bind_blob(st, 3, len > 0 ? (const void *) blob : (const void *) "", (int) len,
                      SQLITE_STATIC);
    return run(b, st, err);
}

static seal_status secret_get(seal_reg_backend *b, const char *kind, const char *key, seal_buf *out,
                              seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_SECRET_GET);
    text(st, 1, kind);
    text(st, 2, key);
    int rc = sqlite3_step(st);
    seal_status s = SEAL_OK;
    if (rc == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(st, 0);
        int n = sqlite3_column_bytes(st, 0);
        if (n > 0 && seal_buf_append(out, p, (size_t) n) != SEAL_OK) {
            s = seal_error_set(err, SEAL_NOMEM, "out of memory");
        }
    } else if (rc == SQLITE_DONE) {
        s = SEAL_NOTFOUND;
    } else {
        s = db_error(b, err, "query failed");
    }
    sqlite3_reset(st);
    return s;
}

/* One text column of at most one row into out; SEAL_NOTFOUND for none. */
static seal_status one_id(seal_reg_backend *b, sqlite3_stmt *st, char out[SEAL_REG_ID_SIZE],
                          seal_error *err)
{
    int rc = sqlite3_step(st);
    seal_status s = SEAL_OK;
    if (rc == SQLITE_ROW) {
        col_text(st, 0, out, SEAL_REG_ID_SIZE);
    } else if (rc == SQLITE_DONE) {
        s = SEAL_NOTFOUND;
    } else {
        s = db_error(b, err, "query failed");
    }
    sqlite3_reset(st);
    return s;
}

static seal_status basis_put(seal_reg_backend *b, const uint8_t hash[SEAL_REG_HASH],
                             const char *request, int64_t at, seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_BASIS_PUT);
    sqlite3_bind_blob(st, 1, hash, SEAL_REG_HASH, SQLITE_STATIC);
    text(st, 2, request);
    sqlite3_bind_int64(st, 3, at);
    return run(b, st, err);
}

static seal_status basis_get(seal_reg_backend *b, const uint8_t hash[SEAL_REG_HASH],
                             char request[SEAL_REG_ID_SIZE], seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_BASIS_GET);
    sqlite3_bind_blob(st, 1, hash, SEAL_REG_HASH, SQLITE_STATIC);
    return one_id(b, st, request, err);
}

static seal_status supersede_put(seal_reg_backend *b, const char *request, const char *supersedes,
                                 seal_error *err)
{
    sqlite3_stmt *st = stmt(b, Q_SUPERSEDE_PUT);
    text(st, 1, request);
    text(st, 2, supersedes);
    return run(b, st, err);
}

static seal_status supersede_get(seal_reg_backend *b, const char *id, bool by_old,
                                 char out[SEAL_REG_ID_SIZE], seal_error *err)
{
    sqlite3_stmt *st = stmt(b, by_old ? Q_SUPERSEDED_BY : Q_SUPERSEDE_GET);
    text(st, 1, id);
    return one_id(b, st, out, err);
}

static seal_status reg_batch_begin(seal_reg_backend *b, seal_error *err)
{
    if (b->in_tx || b->in_batch) {
        return seal_error_set(err, SEAL_USAGE, "%s: a transaction is already open", b->path);
    }
    return batch_savepoint(b, "BEGIN IMMEDIATE", &b->in_batch, true, err);
}

static seal_status reg_batch_commit(seal_reg_backend *b, seal_error *err)
{
    if (!b->in_batch || b->in_tx) {
        return seal_error_set(err, SEAL_USAGE, "%s: no batch to commit", b->path);
    }
    return batch_savepoint(b, "COMMIT", &b->in_batch, false, err);
}

static void reg_batch_rollback(seal_reg_backend *b)
{
    if (b->in_batch) {
        sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
        b->in_batch = false;
        b->in_tx = false;
    }
}

const seal_reg_backend_ops seal__sqlite_registry = {
    .version = SEAL_REG_BACKEND_VERSION,
    .name = "sqlite",
    .open = reg_open,
    .close = reg_close,
    .begin = reg_begin,
    .commit = reg_commit,
    .rollback = reg_rollback,
    .agency_put = agency_put,
    .agency_get = agency_get,
    .agency_each = agency_each,
    .issuer_put = issuer_put,
    .issuer_each = issuer_each,
    .principal_put = principal_put,
    .principal_get = principal_get,
    .principal_each = principal_each,
    .protect_put = protect_put,
    .protect_each = protect_each,
    .counter_next = counter_next,
    .request_put = request_put,
    .request_update = request_update,
    .request_get = request_get,
    .request_each = request_each,
    .approval_put = approval_put,
    .approval_each = approval_each,
    .cover_put = cover_put,
    .cover_update = cover_update,
    .cover_get = cover_get,
    .cover_each = cover_each,
    .secret_put = secret_put,
    .secret_get = secret_get,
    .basis_put = basis_put,
    .basis_get = basis_get,
    .supersede_put = supersede_put,
    .supersede_get = supersede_get,
    .batch_begin = reg_batch_begin,
    .batch_commit = reg_batch_commit,
    .batch_rollback = reg_batch_rollback,
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The on-disk ledger: durable appends and group commit, entry read-back,
 * checkpoints and the refusal to sign an inconsistent one, key-file
 * permissions, torn-tail recovery, canonical event records, and crash
 * tests: a child appends in batches and reports each acknowledged size, the
 * parent kills it with SIGKILL at a random moment, reopens, and checks that
 * every acknowledged entry is there and the log verifies. make test kills a
 * few times; SEAL_STRESS=1 (make stress) at least 100 times.
 */
// labels: crash
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "sealed/ledger.h"
#include "sealed/log.h"
#include "sealed/note.h"
#include "testutil.h"

static char *mkdir_name(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 1024, "%s/%s", tu_tmpdir(), name);
    return p;
}

static void entry_text(char *out, size_t n, uint64_t i)
{
    snprintf(out, n, "{\"entry\":%llu}", (unsigned long long) i);
}

static void test_append_and_read(void **state)
{
    (void) state;
    const char *dir = mkdir_name("basic");
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_ledger_create(dir, NULL, &l, &err), SEAL_OK);
    assert_string_equal(seal_ledger_origin(l), "sealed.local/basic");
    uint64_t idx = 99;
    assert_int_equal(seal_ledger_append(l, "one", 3, &idx, &err), SEAL_OK);
    assert_int_equal(idx, 0);
    const void *es[3] = {"two", "three", ""};
    size_t ls[3] = {3, 5, 0};
    assert_int_equal(seal_ledger_append_batch(l, es, ls, 3, &idx, &err), SEAL_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(seal_ledger_stage(l, "four", 4, &idx, &err), SEAL_OK);
    assert_int_equal(idx, 4);
    assert_int_equal(seal_ledger_size(l), 4); /* staged is not acknowledged */
    assert_int_equal(seal_ledger_commit(l, &err), SEAL_OK);
    assert_int_equal(seal_ledger_size(l), 5);
    seal_buf b;
    seal_buf_init(&b);
    assert_int_equal(seal_ledger_entry(l, 2, &b, &err), SEAL_OK);
    assert_int_equal(b.len, 5);
    assert_memory_equal(b.data, "three", 5);
    assert_int_equal(seal_ledger_entry(l, 5, &b, &err), SEAL_NOTFOUND);
    static uint8_t big[SEAL_LEDGER_MAX_ENTRY + 1];
    assert_int_equal(seal_ledger_append(l, big, sizeof(big), NULL, &err), SEAL_LIMIT);
    assert_int_equal(seal_ledger_size(l), 5);
    uint8_t root[32], proof[SEAL_PROOF_MAX][32], leaf[32];
    size_t n;
    assert_int_equal(seal_ledger_root(l, 5, root), SEAL_OK);
    assert_int_equal(seal_ledger_inclusion_proof(l, 2, 5, proof, &n, &err), SEAL_OK);
    seal_merkle_leaf_hash(leaf, "three", 5);
    assert_int_equal(
        seal_merkle_verify_inclusion(leaf, 2, 5, (const uint8_t(*)[32]) proof, n, root), SEAL_OK);
    /* Second handle on the same dir is refused while the first is open. */
    seal_ledger *l2 = NULL;
    assert_int_equal(seal_ledger_open(dir, NULL, &l2, &err), SEAL_EXISTS);
    seal_ledger_close(l);
    assert_int_equal(seal_ledger_open(dir, NULL, &l, &err), SEAL_OK);
    assert_int_equal(seal_ledger_size(l), 5);
    uint8_t root2[32];
    assert_int_equal(seal_ledger_root(l, 5, root2), SEAL_OK);
    assert_memory_equal(root, root2, 32);
    seal_buf_reset(&b);
    assert_int_equal(seal_ledger_entry(l, 4, &b, &err), SEAL_OK);
    assert_memory_equal(b.data, "four", 4);
    seal_buf_cleanup(&b);
    seal_ledger_close(l);
    assert_int_equal(seal_ledger_create(dir, NULL, &l, &err), SEAL_EXISTS);
}

static void test_key_perms(void **state)
{
    (void) state;
    const char *dir = mkdir_name("perms");
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_ledger_create(dir, NULL, &l, &err), SEAL_OK);
    seal_ledger_close(l);
    char key[1100];
    snprintf(key, sizeof(key), "%s/key", dir);
    struct stat st;
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(chmod(key, 0604), 0);
    assert_int_equal(seal_ledger_open(dir, NULL, &l, &err), SEAL_PERM);
    assert_non_null(strstr(err.msg, "accessible by group or others (mode 604)"));
    assert_int_equal(chmod(key, 0600), 0);
    assert_int_equal(seal_ledger_open(dir, NULL, &l, &err), SEAL_OK);
    seal_ledger_close(l);
    assert_int_equal(seal_ledger_open(mkdir_name("nothing"), NULL, &l, &err), SEAL_NOTFOUND);
}

static void test_checkpoints(void **state)
{
    (void) state;
    const char *dir = mkdir_name("cp");
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    seal_ledger_options opt;
    seal_ledger_options_init(&opt);
    opt.origin = "example.com/cp";
    assert_int_equal(seal_ledger_create(dir, &opt, &l, &err), SEAL_OK);
    for (int i = 0; i < 300; i++) {
        char e[64];
        entry_text(e, sizeof(e), (uint64_t) i);
        assert_int_equal(seal_ledger_stage(l, e, strlen(e), NULL, &err), SEAL_OK);
    }
    assert_int_equal(seal_ledger_commit(l, &err), SEAL_OK);
    seal_buf cp1, cp2, vk;
    seal_buf_init(&cp1);
    seal_buf_init(&cp2);
    seal_buf_init(&vk);
    assert_int_equal(seal_ledger_checkpoint(l, &cp1, &err), SEAL_OK);
    assert_int_equal(seal_ledger_vkey(l, &vk), SEAL_OK);
    seal_note_verifier *v = NULL;
    assert_int_equal(seal_note_verifier_new((const char *) vk.data, vk.len, &v, &err), SEAL_OK);
    size_t tl = 0;
    const seal_note_verifier *vs[1] = {v};
    assert_int_equal(seal_note_verify((const char *) cp1.data, cp1.len, vs, 1, &tl, &err), SEAL_OK);
    seal_checkpoint c;
    assert_int_equal(seal_checkpoint_parse((const char *) cp1.data, tl, &c, &err), SEAL_OK);
    assert_string_equal(c.origin, "example.com/cp");
    assert_int_equal(c.size, 300);
    uint8_t root[32];
    assert_int_equal(seal_ledger_root(l, 300, root), SEAL_OK);
    assert_memory_equal(root, c.root, 32);
    assert_int_equal(seal_ledger_append(l, "x", 1, NULL, &err), SEAL_OK);
    assert_int_equal(seal_ledger_checkpoint(l, &cp2, &err), SEAL_OK);
    seal_verify_result res;
    assert_int_equal(
        seal_ledger_verify_dir(dir, NULL, (const char *) cp1.data, cp1.len, &res, &err), SEAL_OK);
    assert_int_equal(res.checkpoint_size, 301);
    assert_int_equal(res.since_size, 300);
    seal_ledger_close(l);

    /* Swap in a journal of different content under the same key: opening
     * refuses, so nothing inconsistent can be signed. */
    char jpath[1100], cpath[1100];
    snprintf(jpath, sizeof(jpath), "%s/journal", dir);
    snprintf(cpath, sizeof(cpath), "%s/checkpoint", dir);
    size_t jl = 0;
    char *j = tu_read_file(jpath, &jl);
    assert_non_null(j);
    char *hit = NULL;
    for (size_t i = 0; i + 11 <= jl && hit == NULL; i++) {
        if (memcmp(j + i, "{\"entry\":7}", 11) == 0) {
            hit = j + i;
        }
    }
    assert_non_null(hit);
    hit[9] = '8';
    FILE *f = fopen(jpath, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(j, 1, jl, f), jl);
    fclose(f);
    free(j);
    /* The edited entry breaks the first commit record: recovery cuts the
     * log back to nothing, which the stored checkpoint (301) contradicts. */
    assert_int_equal(seal_ledger_open(dir, NULL, &l, &err), SEAL_CORRUPT);
    assert_non_null(strstr(err.msg, "last signed checkpoint has size 301"));
    seal_note_verifier_free(v);
    seal_buf_cleanup(&cp1);
    seal_buf_cleanup(&cp2);
    seal_buf_cleanup(&vk);
    (void) cpath;
}

static void test_events(void **state)
{
    (void) state;
    seal_event_id ids[2] = {{"request", "R-2026-17"}, {"agency", "denver-pd"}};
    seal_event_commit cm[1] = {{"subject", {0}}};
    memset(cm[0].value, 0xab, 32);
    seal_event ev = {.type = "request.submitted",
                     .time = 1795219200,
                     .ids = ids,
                     .n_ids = 2,
                     .commits = cm,
                     .n_commits = 1};
    seal_buf b;
    seal_buf_init(&b);
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_event_encode(&ev, &b, &err), SEAL_OK);
    assert_string_equal(
        seal_buf_str(&b),
        "{\"commit\":{\"subject\":"
        "\"abababababababababababababababababababababababababababababababab\"},"
        "\"ids\":{\"agency\":\"denver-pd\",\"request\":\"R-2026-17\"},"
        "\"time\":\"2026-11-21T00:00:00Z\",\"type\":\"request.submitted\",\"v\":1}");
    assert_int_equal(seal_event_check(b.data, b.len, &err), SEAL_OK);
    /* Not canonical: reordered keys, whitespace, upper-case hex. */
    const char *bad[] = {
        "{\"ids\":{},\"commit\":{},\"time\":\"2026-11-21T00:00:00Z\",\"type\":\"a\",\"v\":1}",
        "{\"commit\":{}, \"ids\":{},\"time\":\"2026-11-21T00:00:00Z\",\"type\":\"a\",\"v\":1}",
        "{\"commit\":{},\"ids\":{\"b\":\"1\",\"a\":\"2\"},\"time\":\"2026-11-21T00:00:00Z\","
        "\"type\":\"a\",\"v\":1}",
        "{\"commit\":{\"s\":\"AB\"},\"ids\":{},\"time\":\"2026-11-21T00:00:00Z\",\"type\":\"a\","
        "\"v\":1}",
        "{\"commit\":{},\"ids\":{},\"time\":\"2026-11-21T00:00:00Z\",\"type\":\"a\",\"v\":2}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(seal_event_check(bad[i], strlen(bad[i]), &err), SEAL_CORRUPT);
    }
    /* Personal data cannot be written as an id. */
    seal_event_id email[1] = {{"requester", "maria@example.com"}};
    ev.ids = email;
    ev.n_ids = 1;
    seal_buf_reset(&b);
    assert_int_equal(seal_event_encode(&ev, &b, &err), SEAL_INVALID);
    assert_string_equal(err.msg, "event: id 'requester': value must match [A-Za-z0-9._:-]{1,128}");
    seal_event_id name[1] = {{"subject", "Maria Example"}};
    ev.ids = name;
    assert_int_equal(seal_event_encode(&ev, &b, &err), SEAL_INVALID);
    seal_event_id dup[2] = {{"a", "1"}, {"a", "2"}};
    ev.ids = dup;
    ev.n_ids = 2;
    assert_int_equal(seal_event_encode(&ev, &b, &err), SEAL_INVALID);
    assert_string_equal(err.msg, "event: duplicate id or commit name");
    ev.n_ids = 0;
    ev.type = "Bad Type";
    assert_int_equal(seal_event_encode(&ev, &b, &err), SEAL_INVALID);
    seal_buf_cleanup(&b);
}

/* ---- the clock ---------------------------------------------------------- */

static char logged[8][512];
static int n_logged;
static void capture(seal_log_level level, const char *msg, void *ud)
{
    (void) ud;
    if (level == SEAL_LOG_WARN && n_logged < 8) {
        snprintf(logged[n_logged++], sizeof(logged[0]), "%s", msg);
    }
}

/* An event of type t at time when, encoded. */
static void event_at(seal_buf *b, const char *type, int64_t when)
{
    seal_event_id id = {"request", "R-1"};
    seal_event ev = {.type = type, .time = when, .ids = &id, .n_ids = 1};
    seal_buf_reset(b);
    assert_int_equal(seal_event_encode(&ev, b, NULL), SEAL_OK);
}

static void entry_at(seal_ledger *l, uint64_t i, seal_buf *b)
{
    seal_buf_reset(b);
    assert_int_equal(seal_ledger_entry(l, i, b, NULL), SEAL_OK);
}

#define T24 INT64_C(1795478400) /* 2026-11-24T00:00:00Z */

static void test_clock_real(void **state)
{
    (void) state;
    const char *dir = mkdir_name("clock-real");
    seal_ledger_options o;
    seal_ledger_options_init(&o);
    o.genesis = true;
    o.genesis_time = T24;
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_ledger_create(dir, &o, &l, &err), SEAL_OK);
    assert_false(seal_ledger_test_clock(l));
    assert_int_equal(seal_ledger_size(l), 1);
    assert_int_equal(seal_ledger_last_time(l), T24);
    seal_buf b;
    seal_buf_init(&b);
    entry_at(l, 0, &b);
    assert_string_equal(seal_buf_str(&b), "{\"commit\":{},\"ids\":{\"clock\":\"real\"},\"time\":"
                                          "\"2026-11-24T00:00:00Z\",\"type\":\"ledger.created\","
                                          "\"v\":1}");
    seal_log_set(capture, SEAL_LOG_DEBUG, NULL);
    n_logged = 0;
    /* a clock 30 s behind: stamped with the last time, nothing logged */
    event_at(&b, "request.submitted", T24 - 30);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_OK);
    assert_int_equal(n_logged, 0);
    entry_at(l, 1, &b);
    assert_string_equal(seal_buf_str(&b), "{\"commit\":{},\"ids\":{\"request\":\"R-1\"},\"time\":"
                                          "\"2026-11-24T00:00:00Z\",\"type\":\"request.submitted\","
                                          "\"v\":1}");
    assert_int_equal(seal_event_check(b.data, b.len, &err), SEAL_OK);
    /* exactly 60 s behind is within the slack; 61 s is logged, ids only */
    event_at(&b, "request.reviewed", T24 - 60);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_OK);
    assert_int_equal(n_logged, 0);
    event_at(&b, "request.closed", T24 - 61);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_OK);
    assert_int_equal(n_logged, 1);
    assert_string_equal(logged[0], "ledger sealed.local/clock-real: the clock "
                                   "(2026-11-23T23:58:59Z) is 61 s behind the last event; event "
                                   "stamped 2026-11-24T00:00:00Z");
    entry_at(l, 3, &b);
    assert_non_null(strstr(seal_buf_str(&b), "\"time\":\"2026-11-24T00:00:00Z\""));
    /* a later clock moves on; the time survives a reopen */
    event_at(&b, "request.renewed", T24 + 3600);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_OK);
    seal_ledger_close(l);
    l = NULL;
    assert_int_equal(seal_ledger_open(dir, NULL, &l, &err), SEAL_OK);
    assert_false(seal_ledger_test_clock(l));
    assert_int_equal(seal_ledger_last_time(l), T24 + 3600);
    event_at(&b, "request.renewed", T24);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_OK);
    entry_at(l, 5, &b);
    assert_non_null(strstr(seal_buf_str(&b), "\"time\":\"2026-11-24T01:00:00Z\""));
    assert_int_equal(n_logged, 2);
    /* staged and dropped: the last time goes back to the acknowledged one */
    event_at(&b, "request.renewed", T24 + 7200);
    assert_int_equal(seal_ledger_stage(l, b.data, b.len, NULL, &err), SEAL_OK);
    assert_int_equal(seal_ledger_last_time(l), T24 + 7200);
    /* entries that are not events are not looked at */
    assert_int_equal(seal_ledger_append(l, "not an event", 12, NULL, &err), SEAL_OK);
    seal_ledger_close(l);
    seal_log_set(NULL, SEAL_LOG_WARN, NULL);
    seal_buf_cleanup(&b);
}

static void test_clock_test(void **state)
{
    (void) state;
    const char *dir = mkdir_name("clock-test");
    seal_ledger_options o;
    seal_ledger_options_init(&o);
    o.genesis = true;
    o.test_clock = true;
    o.genesis_time = T24;
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_ledger_create(dir, &o, &l, &err), SEAL_OK);
    assert_true(seal_ledger_test_clock(l));
    bool tc = false;
    assert_int_equal(seal_ledger_dir_test_clock(dir, &tc, &err), SEAL_OK);
    assert_true(tc);
    seal_buf b;
    seal_buf_init(&b);
    /* earlier than the last event: refused, nothing staged */
    event_at(&b, "request.submitted", T24 - 1);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_INVALID);
    assert_string_equal(err.msg, "event time 2026-11-23T23:59:59Z is earlier than the last "
                                 "event's (2026-11-24T00:00:00Z); a test clock never goes "
                                 "backwards");
    assert_int_equal(seal_ledger_check_time(l, T24 - 1, &err), SEAL_INVALID);
    assert_int_equal(seal_ledger_size(l), 1);
    /* the same time and later ones are taken */
    assert_int_equal(seal_ledger_check_time(l, T24, &err), SEAL_OK);
    event_at(&b, "request.submitted", T24);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_OK);
    event_at(&b, "request.reviewed", T24 + 86400);
    assert_int_equal(seal_ledger_append(l, b.data, b.len, NULL, &err), SEAL_OK);
    /* a batch with one backwards event is refused whole */
    seal_buf b2;
    seal_buf_init(&b2);
    event_at(&b2, "request.closed", T24 + 2 * 86400);
    const void *es[2] = {b2.data, NULL};
    size_t ls[2] = {b2.len, 0};
    seal_buf b3;
    seal_buf_init(&b3);
    event_at(&b3, "request.renewed", T24 + 86400 + 1);
    es[1] = b3.data;
    ls[1] = b3.len;
    event_at(&b, "request.closed", T24 + 3 * 86400);
    es[1] = b.data;
    ls[1] = b.len;
    const void *back[2] = {b.data, b3.data};
    size_t backl[2] = {b.len, b3.len};
    assert_int_equal(seal_ledger_append_batch(l, back, backl, 2, NULL, &err), SEAL_INVALID);
    assert_int_equal(seal_ledger_size(l), 3);
    assert_int_equal(seal_ledger_last_time(l), T24 + 86400);
    assert_int_equal(seal_ledger_append_batch(l, es, ls, 2, NULL, &err), SEAL_OK);
    assert_int_equal(seal_ledger_size(l), 5);
    /* the flag cannot be written by an append */
    char g[160];
    snprintf(g, sizeof(g),
             "{\"commit\":{},\"ids\":{\"clock\":\"test\"},\"time\":"
             "\"2026-12-01T00:00:00Z\",\"type\":\"ledger.created\",\"v\":1}");
    assert_int_equal(seal_ledger_append(l, g, strlen(g), NULL, &err), SEAL_INVALID);
    assert_string_equal(err.msg,
                        "a ledger.created event is written only when the ledger is created");
    seal_ledger_close(l);
    /* reopened: still a test clock, the last time kept */
    l = NULL;
    assert_int_equal(seal_ledger_open(dir, NULL, &l, &err), SEAL_OK);
    assert_true(seal_ledger_test_clock(l));
    assert_int_equal(seal_ledger_last_time(l), T24 + 3 * 86400);
    seal_ledger_close(l);
    /* a raw log (no genesis) and an empty one have a real clock, and a
     * forged first entry cannot make one a test clock */
    const char *raw = mkdir_name("clock-raw");
    assert_int_equal(seal_ledger_create(raw, NULL, &l, &err), SEAL_OK);
    assert_false(seal_ledger_test_clock(l));
    assert_int_equal(seal_ledger_append(l, g, strlen(g), NULL, &err), SEAL_INVALID);
    assert_int_equal(seal_ledger_size(l), 0);
    seal_ledger_close(l);
    assert_int_equal(seal_ledger_dir_test_clock(raw, &tc, &err), SEAL_OK);
    assert_false(tc);
    assert_int_equal(seal_ledger_dir_test_clock(mkdir_name("clock-none"), &tc, &err),
                     SEAL_NOTFOUND);
    seal_buf_cleanup(&b);
    seal_buf_cleanup(&b2);
    seal_buf_cleanup(&b3);
}

static int stress(void)
{
    const char *s = getenv("SEAL_STRESS");
    return s != NULL && s[0] == '1';
}

/* Child: appends batches of random size forever, writing the acknowledged
 * size to fd after each commit returns. */
static void child_append(const char *dir, int fd, unsigned seed)
{
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    if (seal_ledger_open(dir, NULL, &l, &err) != SEAL_OK) {
        _exit(3);
    }
    srand(seed);
    for (;;) {
        int n = 1 + rand() % 200;
        for (int i = 0; i < n; i++) {
            char e[64];
            entry_text(e, sizeof(e), seal_ledger_size(l) + (uint64_t) i);
            if (seal_ledger_stage(l, e, strlen(e), NULL, &err) != SEAL_OK) {
                _exit(4);
            }
        }
        if (seal_ledger_commit(l, &err) != SEAL_OK) {
            _exit(5);
        }
        uint64_t size = seal_ledger_size(l);
        if (write(fd, &size, sizeof(size)) != (ssize_t) sizeof(size)) {
            _exit(6);
        }
        if (rand() % 8 == 0) {
            seal_buf b;
            seal_buf_init(&b);
            if (seal_ledger_checkpoint(l, &b, &err) != SEAL_OK) {
                _exit(7);
            }
            seal_buf_cleanup(&b);
        }
    }
}

static void test_crash(void **state)
{
    (void) state;
    const char *dir = mkdir_name("crash");
    seal_ledger *l = NULL;
    seal_error err;
    seal_error_init(&err);
    assert_int_equal(seal_ledger_create(dir, NULL, &l, &err), SEAL_OK);
    seal_ledger_close(l);
    int rounds = stress() ? 120 : 4;
    srand((unsigned) time(NULL));
    for (int r = 0; r < rounds; r++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            child_append(dir, p[1], (unsigned) r * 7919u + 1);
        }
        close(p[1]);
        struct timespec ts = {0, (long) (rand() % 40 + 5) * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(WIFSIGNALED(status));
        uint64_t acked = 0, v;
        while (read(p[0], &v, sizeof(v)) == (ssize_t) sizeof(v)) {
            acked = v;
        }
        close(p[0]);
        assert_int_equal(seal_ledger_open(dir, NULL, &l, &err), SEAL_OK);
        uint64_t size = seal_ledger_size(l);
        /* Every acknowledged entry survived; at most one more batch whose
         * commit reached the disk before its acknowledgement was read. */
        assert_true(size >= acked);
        seal_buf b;
        seal_buf_init(&b);
        for (uint64_t i = 0; i < size; i += 1 + size / 50) {
            char want[64];
            seal_buf_reset(&b);
            assert_int_equal(seal_ledger_entry(l, i, &b, &err), SEAL_OK);
            entry_text(want, sizeof(want), i);
            assert_int_equal(b.len, strlen(want));
            assert_memory_equal(b.data, want, b.len);
        }
        seal_buf_reset(&b);
        assert_int_equal(seal_ledger_checkpoint(l, &b, &err), SEAL_OK);
        seal_buf_cleanup(&b);
        seal_ledger_close(l);
        seal_verify_result res;
        if (seal_ledger_verify_dir(dir, NULL, NULL, 0, &res, &err) != SEAL_OK) {
            fail_msg("round %d: verify: %s", r, err.msg);
        }
        assert_int_equal(res.checkpoint_size, size);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_read), cmocka_unit_test(test_key_perms),
        cmocka_unit_test(test_checkpoints),     cmocka_unit_test(test_events),
        cmocka_unit_test(test_crash),           cmocka_unit_test(test_clock_real),
        cmocka_unit_test(test_clock_test),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

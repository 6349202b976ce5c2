/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NATS JetStream as a scan source (DESIGN.md "Where it runs"): several
 * `sealctl cover run --nats` processes bind one durable pull consumer, so the
 * server spreads messages over them. Each fetched batch is matched, its
 * matches recorded and made durable (seal_cover_sink_flush), and only then
 * are its messages acknowledged. A worker killed at any point leaves its
 * unacknowledged messages to be redelivered after the ack wait; a piece it
 * had already recorded is then found unchanged (see sink.c), so nothing is
 * lost and nothing is recorded twice. A message holds one scan line (or
 * several, newline-separated); malformed lines are counted by the message's
 * stream sequence number and acknowledged, so they never stop the stream.
 */
#include <nats/nats.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cover/cover_int.h"
#include "sealed/alloc.h"

void seal_cover_nats_options_init(seal_cover_nats_options *o)
{
    memset(o, 0, sizeof(*o));
    o->consumer = "sealed-cover";
    o->fetch = 256;
    o->ack_wait_ms = 30000;
}

static seal_status nats_fail(seal_error *err, const char *what, natsStatus s, jsErrCode je)
{
    return seal_error_set(err, SEAL_IO, "nats: %s: %s (jetstream error %d)", what,
                          natsStatus_GetText(s), (int) je);
}

static seal_status run_msg(seal__cover_line *l, seal_matcher *m, seal_cover_sink *sink,
                           const seal_cover_run_options *opt, natsMsg *msg,
                           seal_cover_counts *counts, seal_error *err)
{
    const char *d = natsMsg_GetData(msg);
    size_t n = (size_t) natsMsg_GetDataLength(msg);
    uint64_t seq = 0;
    jsMsgMetaData *meta = NULL;
    if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
        seq = meta->Sequence.Stream;
        jsMsgMetaData_Destroy(meta);
    }
    size_t pos = 0;
    if (n == 0) {
        counts->scanned++;
        seal__cover_malformed(counts, seq);
        return SEAL_OK;
    }
    while (pos < n) {
        const char *nl = memchr(d + pos, '\n', n - pos);
        size_t end = nl != NULL ? (size_t) (nl - d) : n;
        size_t len = end - pos;
        if (len > 0 && d[pos + len - 1] == '\r') {
            len--;
        }
        if (len > 0) {
            /* a CSV header published as a message is skipped */
            seal_scan_columns c;
            seal_error e;
            if (!(opt->format == SEAL_SCAN_CSV &&
                  seal_scan_columns_parse(&c, d + pos, len, &e) == SEAL_OK)) {
                seal_status st =
                    seal__cover_line_run(l, m, sink, opt, d + pos, len, seq, counts, err);
                if (st != SEAL_OK) {
                    return st;
                }
            }
        }
        pos = end + 1;
    }
    return SEAL_OK;
}

seal_status seal_cover_run_nats(seal_matcher *m, seal_cover_sink *sink,
                                const seal_cover_nats_options *no,
                                const seal_cover_run_options *opt, seal_cover_counts *counts,
                                seal_error *err)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    natsSubscription *sub = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode je = 0;
    natsStatus ns;
    seal_status st = SEAL_OK;
    seal__cover_line l;
    seal_cover_run_options dflt;
    char *subject = NULL;
    bool line_ok = false;
    if (opt == NULL) {
        seal_cover_run_options_init(&dflt);
        opt = &dflt;
    }
    if (no->url == NULL || no->stream == NULL) {
        return seal_error_set(err, SEAL_INVALID, "nats: a URL and a stream are required");
    }
    if ((st = seal__cover_line_init(&l, m)) != SEAL_OK) {
        return seal_error_set(err, st, "cover: out of memory");
    }
    line_ok = true;
    if ((ns = natsConnection_ConnectTo(&nc, no->url)) != NATS_OK) {
        st = nats_fail(err, "connect", ns, 0);
        goto out;
    }
    if ((ns = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK) {
        st = nats_fail(err, "jetstream", ns, 0);
        goto out;
    }
    if (no->subject != NULL) {
        subject = seal_strdup(no->subject);
    } else {
        if ((ns = js_GetStreamInfo(&si, js, no->stream, NULL, &je)) != NATS_OK) {
            st = nats_fail(err, "stream info", ns, je);
            goto out;
        }
        if (si->Config == NULL || si->Config->SubjectsLen < 1) {
            st = seal_error_set(err, SEAL_INVALID, "nats: the stream has no subject");
            goto out;
        }
        subject = seal_strdup(si->Config->Subjects[0]);
    }
    if (subject == NULL) {
        st = seal_error_set(err, SEAL_NOMEM, "cover: out of memory");
        goto out;
    }
    /* the durable consumer is made here (idempotent for one config) and
     * bound below, so the client library never deletes it on exit */
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = no->consumer;
    cc.AckPolicy = js_AckExplicit;
    cc.AckWait = (no->ack_wait_ms > 0 ? no->ack_wait_ms : 30000) * 1000000;
    cc.MaxAckPending = 100000;
    cc.FilterSubject = subject;
    jsConsumerInfo *ci = NULL;
    ns = js_AddConsumer(&ci, js, no->stream, &cc, NULL, &je);
    jsConsumerInfo_Destroy(ci);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = no->stream;
    so.Consumer = no->consumer;
    so.ManualAck = true;
    ns = js_PullSubscribe(&sub, js, subject, no->consumer, NULL, &so, &je);
    if (ns != NATS_OK) {
        st = nats_fail(err, "pull subscribe", ns, je);
        goto out;
    }
    int fetch = no->fetch > 0 && no->fetch < 100000 ? (int) no->fetch : 256;
    int64_t idle = 0;
    uint64_t got = 0;
    while ((no->stop == NULL || *no->stop == 0) && (no->max_msgs == 0 || got < no->max_msgs)) {
        natsMsgList list = {0};
        int64_t wait = no->idle_ms > 0 && no->idle_ms < 1000 ? no->idle_ms : 1000;
        int want = fetch;
        if (no->max_msgs > 0 && no->max_msgs - got < (uint64_t) want) {
            want = (int) (no->max_msgs - got);
        }
        ns = natsSubscription_Fetch(&list, sub, want, wait, &je);
        if (ns == NATS_TIMEOUT || (ns == NATS_OK && list.Count == 0)) {
            natsMsgList_Destroy(&list);
            idle += wait;
            if (no->idle_ms > 0 && idle >= no->idle_ms) {
                break;
            }
            continue;
        }
        if (ns != NATS_OK) {
            natsMsgList_Destroy(&list);
            st = nats_fail(err, "fetch", ns, je);
            goto out;
        }
        idle = 0;
        for (int i = 0; i < list.Count && st == SEAL_OK; i++) {
            st = run_msg(&l, m, sink, opt, list.Msgs[i], counts, err);
        }
        /* durable first, then acknowledge */
        if (st == SEAL_OK && sink != NULL) {
            uint64_t rec = 0;
            st = seal_cover_sink_flush(sink, &rec, err);
            counts->recorded += rec;
        }
        for (int i = 0; i < list.Count && st == SEAL_OK; i++) {
            if ((ns = natsMsg_Ack(list.Msgs[i], NULL)) != NATS_OK) {
                st = nats_fail(err, "ack", ns, 0);
            }
        }
        if (st == SEAL_OK && (ns = natsConnection_Flush(nc)) != NATS_OK) {
            st = nats_fail(err, "flush acks", ns, 0);
        }
        got += (uint64_t) list.Count;
        natsMsgList_Destroy(&list);
        if (st != SEAL_OK) {
            goto out;
        }
    }
out:
    natsSubscription_Destroy(sub);
    jsStreamInfo_Destroy(si);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    seal_free(subject);
    nats_Close();
    if (line_ok) {
        seal__cover_line_cleanup(&l);
    }
    return st;
}

seal_status seal_cover_nats_publish(const char *url, const char *stream, const char *subject,
                                    int fd, uint64_t *published, seal_error *err)
{
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    jsErrCode je = 0;
    natsStatus ns;
    seal_status st = SEAL_OK;
    seal_buf in;
    seal_buf_init(&in);
    *published = 0;
    if ((ns = natsConnection_ConnectTo(&nc, url)) != NATS_OK) {
        st = nats_fail(err, "connect", ns, 0);
        goto out;
    }
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = 4096;
    jo.PublishAsync.StallWait = 10000;
    if ((ns = natsConnection_JetStream(&js, nc, &jo)) != NATS_OK) {
        st = nats_fail(err, "jetstream", ns, 0);
        goto out;
    }
    if (js_GetStreamInfo(&si, js, stream, NULL, &je) != NATS_OK) {
        jsStreamConfig sc;
        jsStreamConfig_Init(&sc);
        sc.Name = stream;
        const char *subjects[1] = {subject};
        sc.Subjects = subjects;
        sc.SubjectsLen = 1;
        sc.Storage = js_FileStorage;
        if ((ns = js_AddStream(&si, js, &sc, NULL, &je)) != NATS_OK) {
            st = nats_fail(err, "add stream", ns, je);
            goto out;
        }
    }
    char chunk[65536];
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof(chunk));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            st = seal_error_set(err, SEAL_IO, "nats: read error");
            goto out;
        }
        if (got == 0) {
            break;
        }
        if ((st = seal_buf_append(&in, chunk, (size_t) got)) != SEAL_OK) {
            st = seal_error_set(err, st, "nats: out of memory");
            goto out;
        }
    }
    size_t pos = 0;
    bool first = true;
    while (pos < in.len) {
        const char *d = (const char *) in.data;
        const char *nl = memchr(d + pos, '\n', in.len - pos);
        size_t end = nl != NULL ? (size_t) (nl - d) : in.len;
        size_t len = end - pos;
        seal_scan_columns c;
        seal_error e;
        bool header = first && seal_scan_columns_parse(&c, d + pos, len, &e) == SEAL_OK;
        first = false;
        if (len > 0 && !header) {
            if ((ns = js_PublishAsync(js, subject, d + pos, (int) len, NULL)) != NATS_OK) {
                st = nats_fail(err, "publish", ns, 0);
                goto out;
            }
            (*published)++;
        }
        pos = end + 1;
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 60000;
    if ((ns = js_PublishAsyncComplete(js, &po)) != NATS_OK) {
        st = nats_fail(err, "publish acknowledgements", ns, 0);
        goto out;
    }
out:
    jsStreamInfo_Destroy(si);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    seal_buf_cleanup(&in);
    nats_Close();
    return st;
}

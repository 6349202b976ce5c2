/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `produce verify`: checks a production bundle offline, trusting only the
 * ledger's verifier key. The manifest and the checkpoint must be signed by
 * it; every data file must match its digest and record count and no other
 * file may be present; every proof must place its entry in the checkpoint's
 * tree (RFC 9162 §2.1.3.2); and the proven entries must hold the request's
 * submission, each approval the manifest names, and a production event
 * committing to this very manifest.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/crypto_sha256.h"
#include "produce/produce_int.h"
#include "sealed/alloc.h"
#include "sealed/note.h"
#include "sealed/produce.h"

static seal_status read_in(const char *dir, const char *name, size_t max, seal_buf *out,
                           seal_error *err)
{
    char path[1200];
    int w = snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (w < 0 || (size_t) w >= sizeof(path)) {
        return seal_error_set(err, SEAL_INVALID, "bundle path too long");
    }
    return seal__prod_read_file(path, max, out, err);
}

static bool known_file(const seal_manifest *m, const char *name)
{
    static const char *const fixed[] = {"manifest.note", "checkpoint", "proofs.json",
                                        "ledger.vkey"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(name, fixed[i]) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < m->n_files; i++) {
        if (strcmp(name, m->files[i].name) == 0) {
            return true;
        }
    }
    return false;
}

seal_status seal__prod_check_disagreements(const seal_manifest *m, const uint8_t *data, size_t len,
                                           seal_error *err)
{
    size_t pos = 0, ln = 0;
    while (pos < len) {
        const uint8_t *p = data + pos;
        const uint8_t *nl = memchr(p, '\n', len - pos);
        size_t n = nl != NULL ? (size_t) (nl - p) : len - pos;
        pos += n + 1;
        ln++;
        json_t *o = json_loadb((const char *) p, n, JSON_REJECT_DUPLICATES, NULL);
        const char *file = json_string_value(json_object_get(o, "file"));
        json_t *line = json_object_get(o, "line");
        bool ok = json_is_object(o) && json_object_size(o) == 6 && file != NULL &&
                  json_is_integer(line) && json_is_string(json_object_get(o, "field")) &&
                  json_is_string(json_object_get(o, "amendment")) &&
                  json_is_string(json_object_get(o, "filed")) &&
                  json_is_string(json_object_get(o, "statement"));
        bool found = false;
        for (size_t i = 0; ok && i < m->n_subjects; i++) {
            found =
                found || (strcmp(m->files[i].name, file) == 0 && json_integer_value(line) >= 1 &&
                          (uint64_t) json_integer_value(line) <= m->files[i].records);
        }
        json_decref(o);
        if (!ok || !found) {
            return seal_error_set(err, SEAL_VERIFY,
                                  "disagreements.ndjson: line %zu does not point at a record of "
                                  "the bundle",
                                  ln);
        }
    }
    return SEAL_OK;
}

static seal_status check_entries(const seal_manifest *m, const uint8_t mhash[32], json_t *events,
                                 const seal_checkpoint *ck, size_t *n_proofs, seal_error *err)
{
    bool submitted = false, produced = false;
    bool approval_seen[SEAL_MANIFEST_MAX_APPROVALS] = {false};
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        json_t *ix = json_object_get(e, "index");
        const char *entry = json_string_value(json_object_get(e, "entry"));
        json_t *proof = json_object_get(e, "proof");
        if (!json_is_integer(ix) || json_integer_value(ix) < 0 || entry == NULL ||
            !json_is_array(proof) || json_array_size(proof) > SEAL_PROOF_MAX) {
            return seal_error_set(err, SEAL_CORRUPT, "proofs.json: event %zu malformed", i);
        }
        uint64_t index = (uint64_t) json_integer_value(ix);
        uint8_t p[SEAL_PROOF_MAX][SEAL_HASH_SIZE];
        size_t k;
        json_t *h;
        json_array_foreach(proof, k, h)
        {
            const char *hx = json_string_value(h);
            if (hx == NULL || seal_hex_decode(p[k], SEAL_HASH_SIZE, hx, strlen(hx)) != SEAL_OK) {
                return seal_error_set(err, SEAL_CORRUPT, "proofs.json: event %zu: bad hash", i);
            }
        }
        size_t elen = json_string_length(json_object_get(e, "entry"));
        uint8_t leaf[SEAL_HASH_SIZE];
        seal_merkle_leaf_hash(leaf, entry, elen);
        if (seal_merkle_verify_inclusion(leaf, index, ck->size, (const uint8_t(*)[32]) p,
                                         json_array_size(proof), ck->root) != SEAL_OK) {
            return seal_error_set(err, SEAL_VERIFY,
                                  "proofs.json: ledger entry %llu is not in the checkpoint's tree",
                                  (unsigned long long) index);
        }
        json_t *o = json_loadb(entry, elen, 0, NULL);
        json_t *ids = json_object_get(o, "ids");
        const char *type = json_string_value(json_object_get(o, "type"));
        const char *req = json_string_value(json_object_get(ids, "request"));
        const char *actor = json_string_value(json_object_get(ids, "actor"));
        bool ok = type != NULL && req != NULL && strcmp(req, m->request) == 0;
        if (ok && strcmp(type, "request.submitted") == 0) {
            submitted = true;
        }
        if (ok && strcmp(type, "request.approval") == 0 && actor != NULL) {
            for (size_t a = 0; a < m->n_approvals; a++) {
                if (m->approvals[a].ledger_index == index &&
                    strcmp(m->approvals[a].principal, actor) == 0) {
                    approval_seen[a] = true;
                }
            }
        }
        if (ok && strcmp(type, "production.made") == 0) {
            const char *pid = json_string_value(json_object_get(ids, "production"));
            const char *mh =
                json_string_value(json_object_get(json_object_get(o, "commit"), "manifest"));
            uint8_t got[32];
            if (pid != NULL && strcmp(pid, m->production) == 0 && mh != NULL &&
                seal_hex_decode(got, 32, mh, strlen(mh)) == SEAL_OK &&
                memcmp(got, mhash, 32) == 0) {
                produced = true;
            }
        }
        json_decref(o);
        if (!ok) {
            return seal_error_set(err, SEAL_VERIFY,
                                  "proofs.json: ledger entry %llu is not of request %s",
                                  (unsigned long long) index, m->request);
        }
        (*n_proofs)++;
    }
    if (!submitted) {
        return seal_error_set(err, SEAL_VERIFY, "no proof of the request's submission");
    }
    for (size_t a = 0; a < m->n_approvals; a++) {
        if (!approval_seen[a]) {
            return seal_error_set(err, SEAL_VERIFY, "no proof of approval %zu", a + 1);
        }
    }
    if (!produced) {
        return seal_error_set(err, SEAL_VERIFY,
                              "no proof of a production event committing to this manifest");
    }
    return SEAL_OK;
}

seal_status seal_produce_verify(const char *bundle, const char *vkey,
                                seal_produce_verify_result *res, seal_error *err)
{
    memset(res, 0, sizeof(*res));
    seal_buf vk, note, cpb, pf, data;
    seal_buf_init(&vk);
    seal_buf_init(&note);
    seal_buf_init(&cpb);
    seal_buf_init(&pf);
    seal_buf_init(&data);
    seal_note_verifier *v = NULL;
    seal_manifest *m = seal_calloc(1, sizeof(*m));
    json_t *proofs = NULL;
    DIR *d = NULL;
    seal_status s = m == NULL ? seal_error_set(err, SEAL_NOMEM, "out of memory") : SEAL_OK;
    if (s == SEAL_OK) {
        s = vkey != NULL ? seal_buf_append_str(&vk, vkey)
                         : read_in(bundle, "ledger.vkey", 4096, &vk, err);
    }
    if (s == SEAL_OK) {
        s = seal_note_verifier_new((const char *) vk.data, vk.len, &v, err);
    }
    const seal_note_verifier *vs[1] = {v};
    size_t tlen = 0;
    if (s == SEAL_OK && (s = read_in(bundle, "manifest.note", SEAL_MANIFEST_MAX_SIZE + 4096, &note,
                                     err)) == SEAL_OK) {
        s = seal_note_verify((const char *) note.data, note.len, vs, 1, &tlen, err);
        if (s != SEAL_OK) {
            seal_error_prefix(err, "manifest.note");
        }
    }
    if (s == SEAL_OK) {
        s = seal_manifest_parse((const char *) note.data, tlen, m, err);
    }
    uint8_t mhash[32];
    if (s == SEAL_OK) {
        seal__sha256(mhash, note.data, tlen);
    }
    /* nothing in the bundle that the manifest does not name */
    if (s == SEAL_OK && (d = opendir(bundle)) == NULL) {
        s = seal_error_set(err, SEAL_IO, "%s: cannot list", bundle);
    }
    struct dirent *de;
    while (s == SEAL_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
            !known_file(m, de->d_name)) {
            s = seal_error_set(err, SEAL_VERIFY, "%s: a file the manifest does not name",
                               de->d_name);
        }
    }
    for (size_t i = 0; s == SEAL_OK && i < m->n_files; i++) {
        seal_buf_reset(&data);
        if ((s = read_in(bundle, m->files[i].name, (size_t) 1 << 34, &data, err)) != SEAL_OK) {
            break;
        }
        uint8_t dg[32];
        seal__sha256(dg, data.data != NULL ? data.data : (const uint8_t *) "", data.len);
        uint64_t lines = 0;
        for (size_t k = 0; k < data.len; k++) {
            lines += data.data[k] == '\n';
        }
        if (memcmp(dg, m->files[i].sha256, 32) != 0) {
            s = seal_error_set(err, SEAL_VERIFY, "%s: digest differs from the manifest's",
                               m->files[i].name);
        } else if (lines != m->files[i].records) {
            s = seal_error_set(err, SEAL_VERIFY, "%s: record count differs from the manifest's",
                               m->files[i].name);
        }
        if (s == SEAL_OK && strcmp(m->files[i].name, "disagreements.ndjson") == 0) {
            s = seal__prod_check_disagreements(m, data.data, data.len, err);
        } else {
            res->records += lines;
        }
        res->files++;
    }
    /* the checkpoint, then every proof against it */
    seal_checkpoint ck;
    size_t ctext = 0;
    if (s == SEAL_OK && (s = read_in(bundle, "checkpoint", 65536, &cpb, err)) == SEAL_OK) {
        s = seal_note_verify((const char *) cpb.data, cpb.len, vs, 1, &ctext, err);
        if (s != SEAL_OK) {
            seal_error_prefix(err, "checkpoint");
        }
    }
    if (s == SEAL_OK) {
        s = seal_checkpoint_parse((const char *) cpb.data, ctext, &ck, err);
    }
    if (s == SEAL_OK &&
        (s = read_in(bundle, "proofs.json", (size_t) 1 << 24, &pf, err)) == SEAL_OK) {
        proofs = json_loadb((const char *) pf.data, pf.len, JSON_REJECT_DUPLICATES, NULL);
        json_t *sz = json_object_get(proofs, "checkpoint_size");
        if (!json_is_integer(sz) || (uint64_t) json_integer_value(sz) != ck.size ||
            !json_is_array(json_object_get(proofs, "events"))) {
            s = seal_error_set(err, SEAL_CORRUPT,
                               "proofs.json: malformed or not for this checkpoint");
        }
    }
    if (s == SEAL_OK) {
        s = check_entries(m, mhash, json_object_get(proofs, "events"), &ck, &res->proofs, err);
    }
    if (s == SEAL_OK) {
        res->checkpoint_size = ck.size;
    }
    if (d != NULL) {
        closedir(d);
    }
    json_decref(proofs);
    seal_note_verifier_free(v);
    seal_free(m);
    if (data.data != NULL) {
        memset(data.data, 0, data.len);
    }
    seal_buf_cleanup(&vk);
    seal_buf_cleanup(&note);
    seal_buf_cleanup(&cpb);
    seal_buf_cleanup(&pf);
    seal_buf_cleanup(&data);
    return s;
}

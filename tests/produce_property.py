#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Property test of productions (issue 5), with a second, independent reader.

Generates a population with `sealctl gen --truth`, ingests it, then submits,
approves and produces N random requests (random subjects, bases, categories
within what each basis unlocks, windows) through sealctl only. Each bundle
is then read by this file alone -- Python's standard library, no libsealed:
it parses manifest.note itself, recomputes every SHA-256, checks no other
file is present, and compares every data file with what the generated files
(the ground truth) say the approval allows: exactly the approved subjects,
exactly the approved categories' fields, exactly the records inside the
window. Nothing more, nothing less. Deterministic for a seed.

usage: produce_property.py SEALCTL WORKDIR N SEED
"""
import datetime
import hashlib
import json
import os
import random
import re
import subprocess
import sys

SEALCTL, WORK, N, SEED = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
DATA = os.path.join(WORK, "data")
NOW = "2026-04-15"
KINDS = ["account", "web_visit", "tracking", "payment", "address_change"]
# The catalogue, restated here independently (docs/ARCHITECTURE.md, schema/catalogue.json):
# field -> category (None: no category, never disclosed), the record's time
# field, and the fields indexed as account ids.
CATALOGUE = {
    "account": ({"account_id": None, "name": "identity", "opened_at": "identity",
                 "closed_at": "identity", "email": "contact", "phone": "contact",
                 "mailing_address": "contact", "business_address": "contact"},
                "opened_at", ["account_id"]),
    "web_visit": ({"visit_id": None, "account_id": None, "at": "network_session",
                   "ip": "network_session", "page": "network_activity",
                   "user_agent": "network_activity"}, "at", ["account_id"]),
    "tracking": ({"tracking_number": "tracking", "event_at": "tracking", "facility": "tracking",
                  "status": "tracking", "recipient_address": "tracking",
                  "sender_account_id": None}, "event_at", ["sender_account_id"]),
    "payment": ({"payment_id": None, "account_id": None, "type": "payment_means",
                 "card_brand": "payment_means", "card_last4": "payment_means",
                 "purchaser_name": "identity", "purchaser_address": "identity",
                 "payee_name": "payment_detail", "amount_cents": "payment_detail",
                 "serial": "payment_detail", "at": "payment_detail"}, "at", ["account_id"]),
    "address_change": ({"coa_id": None, "name": "identity", "scope": None,
                        "old_address": "address_history", "new_address": "address_history",
                        "effective_date": "address_history", "filed_at": None},
                       "filed_at", []),
}
UNLOCK = {
    "subpoena": ["identity", "contact", "network_session", "payment_means"],
    "court_order": ["identity", "contact", "network_session", "payment_means",
                    "network_activity", "payment_detail", "tracking", "address_history"],
}
UNLOCK["warrant"] = UNLOCK["court_order"]


def run(*args, check=True):
    p = subprocess.run([SEALCTL, "--data", DATA, "--now", NOW] + list(args),
                       capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit("sealctl %s: exit %d: %s" % (" ".join(args[:3]), p.returncode, p.stderr))
    return p


def std_email(v):
    return v.strip().lower()


def std_phone(v):
    d = re.sub(r"[^0-9]", "", v)
    return d[1:] if len(d) == 11 and d[0] == "1" else d


def day(t):
    return t[:10]


# ---- the population and the registry ----------------------------------------------------
gen = os.path.join(WORK, "gen")
subprocess.run([SEALCTL, "gen", "--seed", str(SEED), "--people", "150", "--days", "90",
                "--start", "2026-01-01", "--truth", "--out", gen], check=True,
               capture_output=True)
assert os.path.exists(os.path.join(gen, "mail_scan_truth.csv"))
subprocess.run([SEALCTL, "--data", DATA, "--now", "2026-01-01", "init", "--test-clock"], check=True,
               capture_output=True)
truth = {}
for k in KINDS:
    run("ingest", k, os.path.join(gen, k + ".ndjson"))
    with open(os.path.join(gen, k + ".ndjson")) as f:
        truth[k] = [json.loads(line) for line in f]
run("agency", "add", "usps-pis", "--name", "Postal Inspection Service HQ", "--kind", "federal")
run("principal", "add", "po1", "--agency", "usps-pis", "--role", "privacy_officer")
run("--as", "po1", "agency", "add", "prop-pd", "--name", "Property PD", "--kind", "local")
run("--as", "po1", "principal", "add", "det1", "--agency", "prop-pd", "--role", "requester")
run("--as", "po1", "principal", "add", "rev1", "--agency", "usps-pis", "--role", "reviewer")
subprocess.run([SEALCTL, "order", "keygen", "--dir", WORK, "prop-court"], check=True,
               capture_output=True)
run("--as", "po1", "issuer", "add", "prop-court", "--key", os.path.join(WORK, "prop-court.vkey"))

accounts = [r for r in truth["account"]]
with_email = [r for r in accounts if "email" in r]
with_phone = [r for r in accounts if "phone" in r]
tracking_numbers = sorted({r["tracking_number"] for r in truth["tracking"]})


def expected(subject, cats, frm, to):
    """The records the approval allows for one subject, as canonical lines."""
    t, v = subject["type"], subject["value"]
    found = []
    for kind, recs in truth.items():
        fields, tfield, acct_fields = CATALOGUE[kind]
        for r in recs:
            if t == "account":
                hit = r.get("account_id") == v if kind == "account" else \
                    any(r.get(f) == v for f in acct_fields)
            elif t == "email":
                hit = kind == "account" and "email" in r and std_email(r["email"]) == std_email(v)
            elif t == "phone":
                hit = kind == "account" and "phone" in r and std_phone(r["phone"]) == std_phone(v)
            else:
                hit = kind == "tracking" and r["tracking_number"] == v
            if not hit or day(r[tfield]) > to:
                continue
            # an account is standing state: in the window while it was open during it
            if kind == "account":
                if "closed_at" in r and day(r["closed_at"]) < frm:
                    continue
            elif day(r[tfield]) < frm:
                continue
            out = {f: str(x) for f, x in r.items() if fields.get(f) in cats}
            if out:
                found.append(json.dumps({"fields": out, "kind": kind}, sort_keys=True,
                                        separators=(",", ":")))
    return sorted(found)


def read_bundle(path, req_id, cats, frm, to, n_subjects):
    """The independent reader: manifest, digests, file set, and contents."""
    note = open(os.path.join(path, "manifest.note"), "rb").read()
    text, sep, sigs = note.partition(b"\n\n")
    assert sep and sigs.startswith("\u2014 ".encode()), "not a signed note"
    lines = (text + b"\n").decode().split("\n")[:-1]
    kv = [l.split(" ", 1) for l in lines[1:]]
    assert lines[0] == "sealed-production/v1", lines[0]
    m = {}
    files = []
    for k, v in kv:
        if k == "file":
            name, digest, count = v.split(" ")
            files.append((name, digest, int(count)))
        elif k != "approval":
            m[k] = v
    assert m["request"] == req_id and m["production"] == "P-" + req_id
    assert m["categories"] == ",".join(sorted(cats)), (m["categories"], cats)
    assert m["window"] == "%s..%s" % (frm, to)
    assert int(m["subjects"]) == n_subjects
    names = sorted(["manifest.note", "checkpoint", "proofs.json", "ledger.vkey"] +
                   [f[0] for f in files])
    assert sorted(os.listdir(path)) == names, ("extra or missing files", os.listdir(path))
    data = {}
    for name, digest, count in files:
        b = open(os.path.join(path, name), "rb").read()
        assert hashlib.sha256(b).hexdigest() == digest, name + ": digest"
        assert b.count(b"\n") == count, name + ": count"
        data[name] = sorted(b.decode().splitlines())
    return data


rng = random.Random(SEED)
checked = records = 0
for n in range(N):
    basis = rng.choice(["subpoena", "court_order", "warrant"])
    cats = sorted(rng.sample(UNLOCK[basis], rng.randint(1, len(UNLOCK[basis]))))
    subjects = []
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["account", "account", "email", "phone", "tracking"])
        if kind == "account":
            s = {"type": "account", "value": rng.choice(accounts)["account_id"]}
        elif kind == "email":
            s = {"type": "email", "value": rng.choice(with_email)["email"]}
        elif kind == "phone":
            s = {"type": "phone", "value": rng.choice(with_phone)["phone"]}
        else:
            s = {"type": "tracking", "value": rng.choice(tracking_numbers)}
        if s not in subjects:
            subjects.append(s)
    if rng.random() < 0.1:  # someone the store does not hold
        subjects.append({"type": "email", "value": "nobody%d@nowhere.example" % n})
    start = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 75))
    end = min(start + datetime.timedelta(days=rng.randint(0, 89)), datetime.date(2026, 3, 31))
    frm, to = start.isoformat(), end.isoformat()
    doc = {
        "agency": "prop-pd", "official": "Det. P. Roperty, Major Crimes",
        "legal_basis": {"type": basis, "reference": "PT-%04d" % n,
                        "issued_by": "District Court of Examplia",
                        "issued_at": "2026-04-10T00:00:00Z",
                        "expires_at": "2026-07-01T00:00:00Z",
                        "facts": "Parcels tied to these identifiers were intercepted on three "
                                 "occasions and found to hold counterfeit instruments, per "
                                 "the lab report of case %d." % n},
        "purpose": {"activity": "criminal_investigation", "offense": "18 USC 471"},
        "subjects": subjects, "categories": cats, "window": {"from": frm, "to": to},
    }
    path = os.path.join(WORK, "r%d.json" % n)
    with open(path, "w") as f:
        json.dump(doc, f)
    if basis != "subpoena":
        p = subprocess.run([SEALCTL, "order", "sign", "--key",
                            os.path.join(WORK, "prop-court.skey"), "--embed", path],
                           capture_output=True, text=True, check=True)
        with open(path, "w") as f:
            f.write(p.stdout)
    out = json.loads(run("--as", "det1", "request", "submit", path).stdout)
    rid = out["id"]
    if out["state"] == "review":
        run("--as", "rev1", "request", "review", rid, "--approve")
    elif out["state"] != "active":
        sys.exit("request %d (%s) was %s: %s" % (n, basis, out["state"], json.dumps(out)))
    bundle = os.path.join(WORK, "b%d" % n)
    run("--as", "rev1", "produce", rid, "--out", bundle)
    run("produce", "verify", bundle)
    data = read_bundle(bundle, rid, cats, frm, to, len(subjects))
    for i, s in enumerate(subjects):
        want = expected(s, set(cats), frm, to)
        got = data["subject-%d.ndjson" % (i + 1)]
        if got != want:
            extra = sorted(set(got) - set(want))[:3]
            missing = sorted(set(want) - set(got))[:3]
            sys.exit("request %d subject %d (%s): %d records, expected %d\n extra: %s\n "
                     "missing: %s" % (n, i + 1, s["type"], len(got), len(want), extra, missing))
        records += len(got)
    checked += 1
print("produce_property: %d requests, %d records, every bundle exactly as approved"
      % (checked, records))

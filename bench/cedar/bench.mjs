// SPDX-License-Identifier: Apache-2.0
// The benchmark peer: @cedar-policy/cedar-wasm 4.13.0 deciding the same
// requests under policy.cedar (the strict policy in Cedar), used at its best:
// preparsePolicySet once, then statefulIsAuthorized per request. Each timed
// decision starts from the request's JSON text (JSON.parse + mapping to a
// Cedar context), as the C side starts from text. Prints one JSON object.
//   node bench.mjs REQUESTS.ndjson SECONDS [expected verdicts, comma-separated]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const cedar = require("@cedar-policy/cedar-wasm/nodejs");

const [file, secondsArg, expectedArg] = process.argv.slice(2);
const texts = readFileSync(file, "utf8").split("\n").filter((l) => l.length > 0);
const seconds = Number(secondsArg || "2");
const DAY = 86400;
const NOW = Date.parse("2026-11-24T00:00:00Z") / 1000;
const TODAY = Math.floor(NOW / DAY) * DAY;
const day = (s) => Date.parse(s + "T00:00:00Z") / 1000;
const time = (s) => Date.parse(s) / 1000;
const norm = (a) => (a || "").toUpperCase().replace(/[.,]/g, " ").replace(/\bROAD\b/g, "RD").replace(/\s+/g, " ").trim();

function context(text) {
  const r = JSON.parse(text);
  const lb = r.legal_basis || {};
  const c = r.cover;
  const from = day(r.window.from), to = day(r.window.to);
  const ctx = {
    basis: lb.type, purpose: r.purpose.activity, categories: r.categories,
    subjects: r.subjects.length, window_days: Math.floor((to - from) / DAY) + 1,
    facts_len: [...(lb.facts || "")].length, has_offense: r.purpose.offense !== undefined,
    has_order: lb.order !== undefined, issued: time(lb.issued_at), expires: time(lb.expires_at),
    now: NOW, today: TODAY, has_cover: c !== undefined, ground: c ? c.ground : "",
    cover_days: c ? c.days : 0, extends: c ? c.extends !== undefined : false,
    indicted: c ? c.indicted === true : false, has_emergency: r.emergency !== undefined,
    attestation_len: r.emergency ? [...r.emergency.attestation].length : 0,
    has_notice: lb.notice_delay_until !== undefined,
    notice_days: lb.notice_delay_until ? Math.floor((day(lb.notice_delay_until) - TODAY) / DAY) : 0,
    cover_address_is_subject: true, window_is_cover_period: true, cover_start: 0, cover_end: 0,
  };
  if (c) {
    const start = day(c.start);
    ctx.cover_start = start;
    ctx.cover_end = start + (c.days - 1) * DAY;
    ctx.window_is_cover_period = from === start && to === ctx.cover_end;
    ctx.cover_address_is_subject = r.subjects.some((s) => norm(s.address) === norm(c.address));
  }
  return ctx;
}

const parsed = cedar.preparsePolicySet("strict", { staticPolicies: readFileSync(new URL("./policy.cedar", import.meta.url), "utf8") });
if (parsed.type !== "success") {
  console.log(JSON.stringify({ peer: "@cedar-policy/cedar-wasm", error: "policy did not parse", detail: parsed }));
  process.exit(1);
}
const P = { type: "Agency", id: "agency" }, A = { type: "Action", id: "request" }, R = { type: "Request", id: "r" };
function decide(text) {
  const ans = cedar.statefulIsAuthorized({ principal: P, action: A, resource: R, context: context(text), preparsedPolicySetId: "strict", entities: [] });
  if (ans.type !== "success") throw new Error(JSON.stringify(ans));
  return ans.response.decision;
}
const decisions = texts.map(decide);
// warm up, then time each decision
for (let i = 0; i < 2000; i++) decide(texts[i % texts.length]);
const lat = [];
const t0 = process.hrtime.bigint();
const end = t0 + BigInt(Math.round(seconds * 1e9));
let t = t0;
while (t < end) {
  for (const text of texts) {
    const a = process.hrtime.bigint();
    decide(text);
    const b = process.hrtime.bigint();
    lat.push(Number(b - a));
  }
  t = process.hrtime.bigint();
}
lat.sort((x, y) => x - y);
const total = Number(t - t0) / 1e9;
const expected = expectedArg ? expectedArg.split(",") : null;
const agree = expected ? decisions.every((d, i) => (d === "allow") === (expected[i] !== "refused")) : null;
console.log(JSON.stringify({
  peer: "@cedar-policy/cedar-wasm", version: cedar.getCedarVersion ? cedar.getCedarVersion() : "4.13.0",
  node: process.version, decisions: decisions, agrees_with_sealed: agree,
  from_json: { decisions_per_s: Math.round(lat.length / total), p50_us: lat[lat.length >> 1] / 1000, samples: lat.length },
}));

// SPDX-License-Identifier: Apache-2.0
// DuckDB peer of bench/cover.sh: the same covers and scans, the rule set of
// cover_key.sql (string functions) and the join of cover_join.sql, on the
// given number of threads. Prints one JSON object; writes the matched
// piece_id,cover_id pairs to OUT.
// Usage: node cover.mjs COVERS.csv SCANS.csv THREADS OUT
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [covers, scans, threads, out] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const keySql = readFileSync(join(here, 'cover_key.sql'), 'utf8');
const joinSql = readFileSync(join(here, 'cover_join.sql'), 'utf8');
const q = (s) => "'" + s.replaceAll("'", "''") + "'";

const inst = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await inst.connect();
const t0 = performance.now();
await con.run(`CREATE VIEW scans_raw AS SELECT cover_id AS piece_id, subject AS recipient_address,
  dpc AS recipient_dpc FROM read_csv(${q(covers)}, header = true, all_varchar = true)`);
await con.run(`CREATE TABLE covers_raw AS SELECT * FROM read_csv(${q(covers)}, header = true, all_varchar = true)`);
await con.run(keySql);
await con.run('ALTER TABLE sk RENAME TO sk_cov');
await con.run('DROP VIEW scans_raw');
await con.run(`CREATE VIEW scans_raw AS SELECT * FROM read_csv(${q(scans)}, header = true,
  all_varchar = true, quote = '"', escape = '"')`);
await con.run(keySql);
await con.run(joinSql);
const t1 = performance.now();
const r = await con.runAndReadAll('SELECT count(*) AS n FROM matches');
const n = Number(r.getRowObjects()[0].n);
await con.run(`COPY (SELECT piece_id || ',' || cover_id AS l FROM matches) TO ${q(out)} (HEADER false, QUOTE '')`);
const mem = await con.runAndReadAll("SELECT sum(memory_usage_bytes) AS m FROM duckdb_memory()");
console.log(JSON.stringify({ threads: Number(threads), seconds: (t1 - t0) / 1000, matches: n,
  peak_rss_kib: Math.round(process.resourceUsage().maxRSS) }));

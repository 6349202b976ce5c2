-- SPDX-License-Identifier: Apache-2.0
-- The peers' rule set for bench/cover.sh, one SQL text run unchanged by
-- DuckDB and by the sqlite3 CLI over scans_raw(piece_id, ...,
-- recipient_address, recipient_dpc) and covers_raw(cover_id, subject, dpc):
-- upper case; periods and apostrophes dropped; commas and '#' as spaces;
-- ZIP5 from the end (ZIP, ZIP+4, 9 digits); the primary number; a
-- predirectional in any spelling (Pub 28 §233); the first street-name word;
-- the unit number after APT/APARTMENT/UNIT/STE/SUITE/# (Pub 28 C2). The key
-- is ZIP5|NUMBER|PREDIR|NAME|UNIT; recipients match on the key unless both
-- carry a delivery point code, which then decides, or on the code alone.
-- A string-function approximation of Pub 28: it ignores suffixes and
-- postdirectionals, so it can over-match where sealed's standardiser does not.
CREATE TABLE sk AS
WITH a AS (
  SELECT piece_id, NULLIF(recipient_dpc, '') AS dpc,
         ' ' || trim(replace(replace(replace(replace(replace(replace(upper(recipient_address),
           '.', ''), '''', ''), ',', ' '), '#', ' # '), '  ', ' '), '  ', ' ')) || ' ' AS u
  FROM scans_raw),
b AS (SELECT piece_id, dpc, u, trim(u) AS t,
             substr(u, 2, instr(substr(u, 2), ' ') - 1) AS num FROM a),
c AS (SELECT *, substr(u, length(num) + 3) AS r1 FROM b),
d AS (SELECT *, substr(r1, 1, instr(r1, ' ') - 1) AS w2, substr(r1, instr(r1, ' ') + 1) AS r2 FROM c),
e AS (SELECT *, substr(r2, 1, instr(r2, ' ') - 1) AS w3,
             CASE w2 WHEN 'N' THEN 'N' WHEN 'NORTH' THEN 'N' WHEN 'S' THEN 'S' WHEN 'SOUTH' THEN 'S'
                     WHEN 'E' THEN 'E' WHEN 'EAST' THEN 'E' WHEN 'W' THEN 'W' WHEN 'WEST' THEN 'W'
                     WHEN 'NE' THEN 'NE' WHEN 'NORTHEAST' THEN 'NE' WHEN 'NW' THEN 'NW'
                     WHEN 'NORTHWEST' THEN 'NW' WHEN 'SE' THEN 'SE' WHEN 'SOUTHEAST' THEN 'SE'
                     WHEN 'SW' THEN 'SW' WHEN 'SOUTHWEST' THEN 'SW' ELSE NULL END AS dir
      FROM d),
f AS (SELECT *,
        CASE WHEN instr(u, ' APT ') > 0 THEN substr(u, instr(u, ' APT ') + 5)
             WHEN instr(u, ' APARTMENT ') > 0 THEN substr(u, instr(u, ' APARTMENT ') + 11)
             WHEN instr(u, ' UNIT ') > 0 THEN substr(u, instr(u, ' UNIT ') + 6)
             WHEN instr(u, ' STE ') > 0 THEN substr(u, instr(u, ' STE ') + 5)
             WHEN instr(u, ' SUITE ') > 0 THEN substr(u, instr(u, ' SUITE ') + 7)
             WHEN instr(u, ' # ') > 0 THEN substr(u, instr(u, ' # ') + 3)
             ELSE '' END AS ua,
        CASE WHEN substr(t, length(t) - 9) GLOB '[0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'
               THEN substr(t, length(t) - 9, 5)
             WHEN substr(t, length(t) - 9) GLOB ' [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'
               THEN substr(t, length(t) - 8, 5)
             WHEN substr(t, length(t) - 5) GLOB ' [0-9][0-9][0-9][0-9][0-9]'
               THEN substr(t, length(t) - 4, 5)
             ELSE NULL END AS zip
      FROM e),
g AS (SELECT *, CASE WHEN substr(ua, 1, 2) = '# ' THEN substr(ua, 3) ELSE ua END AS ub FROM f)
SELECT piece_id, dpc,
       zip || '|' || num || '|' || coalesce(dir, '') || '|' ||
       (CASE WHEN dir IS NOT NULL AND w3 <> '' THEN w3 ELSE w2 END) || '|' ||
       substr(ub, 1, CASE WHEN instr(ub, ' ') > 0 THEN instr(ub, ' ') - 1 ELSE length(ub) END) AS k
FROM g;

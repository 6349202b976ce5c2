-- SPDX-License-Identifier: Apache-2.0
-- The peers' join for bench/cover.sh: sk_cov holds the covers' keys (made by
-- cover_key.sql over the covers), sk the scans'; see cover_key.sql.
CREATE TABLE ck AS
SELECT c.cover_id, NULLIF(c.dpc, '') AS dpc, s.k FROM covers_raw c JOIN sk_cov s ON s.piece_id = c.cover_id;
CREATE TABLE matches AS
SELECT s.piece_id, c.cover_id FROM sk s JOIN ck c ON s.k = c.k
 WHERE s.dpc IS NULL OR c.dpc IS NULL OR s.dpc = c.dpc
UNION
SELECT s.piece_id, c.cover_id FROM sk s JOIN ck c ON s.dpc = c.dpc;

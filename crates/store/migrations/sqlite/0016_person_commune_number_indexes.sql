-- The first digits of a CCCD or a phone typed in a commune's list: without these the prefix's
-- range of the country-wide index is walked and each row tested for its commune (p99 81 ms at
-- 1,000,000 persons, the goal being 50 ms; BENCHMARKS.md "Digit prefixes in a commune").
CREATE INDEX persons_commune_cccd ON persons (commune_id, cccd);
CREATE INDEX persons_commune_phone ON persons (commune_id, phone);

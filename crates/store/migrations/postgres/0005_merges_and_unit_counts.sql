-- A merged person is kept, never deleted: `merged_into` names the survivor. Its `unit_path`
-- becomes '' (outside every scope range), so it leaves every list, search and count with no
-- extra predicate or index; `unit_id` keeps where it lived.
ALTER TABLE persons ADD COLUMN merged_into BIGINT;
ALTER TABLE persons ADD COLUMN merged_at TIMESTAMPTZ;
CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;

-- Derived state kept by the unit of work in the same transaction as each change: residents
-- and households per unit (the unit itself, not its subtree: a subtree sums a path range).
-- `ansinh indicators rebuild --verify` recomputes it from the records.
CREATE TABLE unit_counts (
    unit_id       BIGINT PRIMARY KEY REFERENCES units(id),
    province_code TEXT   NOT NULL,
    unit_path     TEXT   NOT NULL COLLATE "C",
    persons       BIGINT NOT NULL DEFAULT 0,
    households    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX unit_counts_path ON unit_counts (unit_path);

INSERT INTO unit_counts (unit_id, province_code, unit_path, persons, households)
SELECT u.id, u.province_code, u.path, COALESCE(p.n, 0), COALESCE(h.n, 0)
FROM units u
LEFT JOIN (SELECT unit_id, COUNT(*) AS n FROM persons WHERE merged_into IS NULL GROUP BY unit_id) p ON p.unit_id = u.id
LEFT JOIN (SELECT unit_id, COUNT(*) AS n FROM households GROUP BY unit_id) h ON h.unit_id = u.id
WHERE p.n IS NOT NULL OR h.n IS NOT NULL;

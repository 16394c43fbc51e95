-- A merged person is kept, never deleted: `merged_into` names the survivor. Its `unit_path`
-- becomes '' (outside every scope range), so it leaves every list, search and count with no
-- extra predicate or index; `unit_id` keeps where it lived.
ALTER TABLE persons ADD COLUMN merged_into INTEGER REFERENCES persons(id);
ALTER TABLE persons ADD COLUMN merged_at TEXT;
CREATE INDEX persons_merged_into ON persons (merged_into) WHERE merged_into IS NOT NULL;

-- Derived state kept by the unit of work in the same transaction as each change: residents
-- and households per unit (the unit itself, not its subtree: a subtree sums a path range).
-- `ansinh indicators rebuild --verify` recomputes it from the records.
CREATE TABLE unit_counts (
    unit_id       INTEGER PRIMARY KEY REFERENCES units(id),
    province_code TEXT    NOT NULL,
    unit_path     TEXT    NOT NULL,
    persons       INTEGER NOT NULL DEFAULT 0,
    households    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX unit_counts_path ON unit_counts (unit_path);

INSERT INTO unit_counts (unit_id, province_code, unit_path, persons, households)
SELECT u.id, u.province_code, u.path,
       (SELECT COUNT(*) FROM persons p WHERE p.unit_id = u.id AND p.merged_into IS NULL),
       (SELECT COUNT(*) FROM households h WHERE h.unit_id = u.id)
FROM units u
WHERE EXISTS (SELECT 1 FROM persons p WHERE p.unit_id = u.id)
   OR EXISTS (SELECT 1 FROM households h WHERE h.unit_id = u.id);

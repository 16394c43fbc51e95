-- Ghi chú nội bộ: the research note behind a parameter version (sources, assumptions, what is
-- still to check), for administrators. The legal basis stays the public citation.
ALTER TABLE rule_parameters ADD COLUMN note TEXT NOT NULL DEFAULT '';

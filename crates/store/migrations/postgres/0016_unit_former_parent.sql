-- Villages and inter-family groups with the date they really began: a village that existed
-- before its commune did (the communes merged on 01/07/2025) names the old commune it belonged
-- to, so the unit tree on a date before the merger shows the old communes with their villages.
ALTER TABLE units ADD COLUMN former_parent_id BIGINT REFERENCES units (id);
CREATE INDEX units_former_parent ON units (former_parent_id) WHERE former_parent_id IS NOT NULL;

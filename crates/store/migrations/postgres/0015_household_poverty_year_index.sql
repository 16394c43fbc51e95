-- The poor and near-poor households of a place in a year (the home page of every signed-in
-- user): read from the few households with a status, not from every household of the place.
CREATE INDEX household_poverty_year_status ON household_poverty (year, status, household_id);

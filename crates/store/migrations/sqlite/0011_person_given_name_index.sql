-- A given name alone finds people ("Dũng" finds Nguyễn Văn Dũng): the search matches the
-- folded given name as well as the full name prefix, each on its own index in name order.
CREATE INDEX persons_given ON persons (given_key, name_key);

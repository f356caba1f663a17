-- Diskfleet's first migration: the service's own metadata table.
CREATE TABLE diskfleet_meta (
    meta_key   VARCHAR(64)  NOT NULL PRIMARY KEY,
    meta_value VARCHAR(255) NOT NULL
);
INSERT INTO diskfleet_meta (meta_key, meta_value) VALUES ('schema', 'diskfleet');

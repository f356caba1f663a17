-- Every entity now shares one base (id, version, created_at, updated_at, set by JPA callbacks): the tables
-- that lacked a timestamp get it, filled from what they had.
ALTER TABLE attachments ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE;
UPDATE attachments SET updated_at = created_at;
ALTER TABLE attachments ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE snapshots ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE;
UPDATE snapshots SET updated_at = created_at;
ALTER TABLE snapshots ALTER COLUMN updated_at SET NOT NULL;

ALTER TABLE fleet_machines ADD COLUMN created_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE fleet_machines ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE;
UPDATE fleet_machines SET created_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP;
ALTER TABLE fleet_machines ALTER COLUMN created_at SET NOT NULL;
ALTER TABLE fleet_machines ALTER COLUMN updated_at SET NOT NULL;

-- The cloud-init NoCloud seed of a machine: whether it gets one, its user-data and network-config as given
-- (NULL: a minimal #cloud-config, and no network-config), and its extra meta-data entries (one row each).
-- A fleet keeps the same for the members it makes, on deploy and on scale.
ALTER TABLE machines ADD COLUMN cloud_init_enabled BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE machines ADD COLUMN cloud_init_user_data TEXT;
ALTER TABLE machines ADD COLUMN cloud_init_network_config TEXT;
CREATE TABLE machine_cloud_init_meta_data (
    machine_id  UUID           NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    meta_key    VARCHAR(255)   NOT NULL,
    meta_value  VARCHAR(4096)  NOT NULL,
    PRIMARY KEY (machine_id, meta_key)
);

ALTER TABLE fleets ADD COLUMN cloud_init_enabled BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE fleets ADD COLUMN cloud_init_user_data TEXT;
ALTER TABLE fleets ADD COLUMN cloud_init_network_config TEXT;
CREATE TABLE fleet_cloud_init_meta_data (
    fleet_id    UUID           NOT NULL REFERENCES fleets (id) ON DELETE CASCADE,
    meta_key    VARCHAR(255)   NOT NULL,
    meta_value  VARCHAR(4096)  NOT NULL,
    PRIMARY KEY (fleet_id, meta_key)
);

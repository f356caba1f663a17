-- Fleets: N machines made from one golden image. The fleet owns a full clone of the golden (its base,
-- immutable) and every member machine has its own differencing disk on that base.
-- base_image_id is chosen before the clone is made and recorded first, so that a provisioning run cut
-- short (even by a killed process) can find and remove everything it made; hence no foreign key.
CREATE TABLE fleets (
    id                   UUID          NOT NULL PRIMARY KEY,
    name                 VARCHAR(255)  NOT NULL,
    golden_image_id      UUID          NOT NULL,
    base_image_id        UUID          NOT NULL,
    size                 INTEGER       NOT NULL,
    machine_name_prefix  VARCHAR(200)  NOT NULL,
    auto_reset           BOOLEAN       NOT NULL,
    state                VARCHAR(16)   NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    version              BIGINT        NOT NULL,
    CONSTRAINT fleets_name_uk UNIQUE (name)
);

-- Membership: machine <prefix>-<ordinal> of a fleet. Deleting the machine itself (through the machines
-- API) takes its membership with it: the fleet then simply has one machine fewer.
CREATE TABLE fleet_machines (
    machine_id  UUID     NOT NULL PRIMARY KEY,
    fleet_id    UUID     NOT NULL REFERENCES fleets (id),
    ordinal     INTEGER  NOT NULL,
    version     BIGINT   NOT NULL,
    CONSTRAINT fleet_machines_machine_fk FOREIGN KEY (machine_id) REFERENCES machines (id) ON DELETE CASCADE,
    CONSTRAINT fleet_machines_ordinal_uk UNIQUE (fleet_id, ordinal)
);

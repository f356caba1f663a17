-- Machines: guests with their hardware and power state.
CREATE TABLE machines (
    id                   UUID          NOT NULL PRIMARY KEY,
    name                 VARCHAR(255)  NOT NULL,
    description          VARCHAR(2000),
    cpus                 INTEGER       NOT NULL,
    memory_mb            INTEGER       NOT NULL,
    state                VARCHAR(16)   NOT NULL,
    current_snapshot_id  UUID,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    version              BIGINT        NOT NULL,
    -- VirtualBox refuses two machines with one name; so do we.
    CONSTRAINT machines_name_uk UNIQUE (name)
);

-- Attachments: an image in a machine's port/device slot. image_id is the image asked for, medium_id the
-- image the machine actually reads and writes (its own differencing image for an immutable image, the
-- newest snapshot child for a snapshotted normal image).
CREATE TABLE attachments (
    id                  UUID          NOT NULL PRIMARY KEY,
    machine_id          UUID          NOT NULL REFERENCES machines (id),
    port                INTEGER       NOT NULL,
    device              INTEGER       NOT NULL,
    mode                VARCHAR(16)   NOT NULL,
    image_id            UUID          NOT NULL REFERENCES images (id),
    medium_id           UUID          NOT NULL REFERENCES images (id),
    -- Set to image_id for normal and write-through images, NULL for immutable ones: the database itself
    -- guarantees that such an image is attached to one machine only, however requests race.
    exclusive_image_id  UUID          REFERENCES images (id),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    version             BIGINT        NOT NULL,
    CONSTRAINT attachments_slot_uk UNIQUE (machine_id, port, device),
    CONSTRAINT attachments_exclusive_uk UNIQUE (exclusive_image_id),
    CONSTRAINT attachments_medium_uk UNIQUE (medium_id)
);
CREATE INDEX attachments_machine_idx ON attachments (machine_id);
CREATE INDEX attachments_image_idx ON attachments (image_id);

-- Snapshots: a tree per machine; each records, per normal attachment, the medium that was frozen when it
-- was taken (snapshot_media).
CREATE TABLE snapshots (
    id           UUID          NOT NULL PRIMARY KEY,
    machine_id   UUID          NOT NULL REFERENCES machines (id),
    parent_id    UUID          REFERENCES snapshots (id),
    name         VARCHAR(255)  NOT NULL,
    description  VARCHAR(2000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    version      BIGINT        NOT NULL
);
CREATE INDEX snapshots_machine_idx ON snapshots (machine_id);

CREATE TABLE snapshot_media (
    snapshot_id    UUID  NOT NULL REFERENCES snapshots (id),
    attachment_id  UUID  NOT NULL REFERENCES attachments (id),
    medium_id      UUID  NOT NULL REFERENCES images (id),
    PRIMARY KEY (snapshot_id, attachment_id)
);
CREATE INDEX snapshot_media_medium_idx ON snapshot_media (medium_id);

ALTER TABLE machines ADD CONSTRAINT machines_current_snapshot_fk
    FOREIGN KEY (current_snapshot_id) REFERENCES snapshots (id);

-- Images: one row per image file; the row's id is the UUID inside the file and the file's name.
CREATE TABLE images (
    id           UUID          NOT NULL PRIMARY KEY,
    name         VARCHAR(255)  NOT NULL,
    description  VARCHAR(2000),
    format       VARCHAR(16)   NOT NULL,
    variant      VARCHAR(16)   NOT NULL,
    type         VARCHAR(16)   NOT NULL,
    size_bytes   BIGINT        NOT NULL,
    parent_id    UUID          REFERENCES images (id),
    auto_reset   BOOLEAN       NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    version      BIGINT        NOT NULL
);
CREATE INDEX images_parent_idx ON images (parent_id);
CREATE INDEX images_name_idx ON images (name);

-- Operations: long work (clones, fleets) a client follows by polling or long-polling.
CREATE TABLE operations (
    id            UUID          NOT NULL PRIMARY KEY,
    kind          VARCHAR(32)   NOT NULL,
    state         VARCHAR(16)   NOT NULL,
    progress      INTEGER       NOT NULL,
    target_id     UUID,
    resource_url  VARCHAR(512),
    result_json   TEXT,
    error_type    VARCHAR(128),
    error_title   VARCHAR(255),
    error_status  INTEGER,
    error_detail  VARCHAR(4000),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at   TIMESTAMP WITH TIME ZONE,
    version       BIGINT        NOT NULL
);
CREATE INDEX operations_created_idx ON operations (created_at);

-- The service processes that share this database. Each registers its row at startup and renews
-- last_heartbeat while it runs; a row whose heartbeat is older than the cluster's node timeout is an
-- offline node. instance says which process holds the name now (pid@host, storage root), so a second
-- process that would take the same database or name is refused with the first one named.
CREATE TABLE nodes (
    id                       UUID          NOT NULL PRIMARY KEY,
    name                     VARCHAR(255)  NOT NULL,
    url                      VARCHAR(2048) NOT NULL,
    instance                 VARCHAR(2048) NOT NULL,
    drained                  BOOLEAN       NOT NULL,
    started_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    last_heartbeat           TIMESTAMP WITH TIME ZONE NOT NULL,
    stopped_at               TIMESTAMP WITH TIME ZONE,
    cpus                     INTEGER       NOT NULL,
    memory_bytes             BIGINT        NOT NULL,
    free_guest_memory_bytes  BIGINT        NOT NULL,
    free_disk_bytes          BIGINT        NOT NULL,
    running_guests           INTEGER       NOT NULL,
    service_version          VARCHAR(64)   NOT NULL,
    created_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at               TIMESTAMP WITH TIME ZONE NOT NULL,
    version                  BIGINT        NOT NULL,
    CONSTRAINT nodes_name_unique UNIQUE (name)
);

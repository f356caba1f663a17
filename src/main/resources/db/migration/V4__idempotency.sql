-- Idempotency keys: the first answer to a POST sent with an Idempotency-Key header, replayed to retries.
-- A row is IN_PROGRESS from the moment a request claims its key (the primary key makes that claim
-- atomic) until its answer is stored as COMPLETED; an error answer releases the key instead.
CREATE TABLE idempotency_keys (
    idem_key       VARCHAR(255)  NOT NULL PRIMARY KEY,
    method         VARCHAR(16)   NOT NULL,
    request_target VARCHAR(2048) NOT NULL,
    state          VARCHAR(16)   NOT NULL,
    body_sha256    VARCHAR(64),
    status         INTEGER,
    location       VARCHAR(2048),
    etag           VARCHAR(255),
    content_type   VARCHAR(255),
    response_body  TEXT,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- API tokens: only the SHA-256 of each secret is kept, never the secret. A revoked token keeps its row
-- (revoked_at set) so the audit log can still name it.
CREATE TABLE api_tokens (
    id             UUID          NOT NULL PRIMARY KEY,
    name           VARCHAR(255)  NOT NULL,
    role           VARCHAR(16)   NOT NULL,
    secret_sha256  VARCHAR(64)   NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE,
    revoked_at     TIMESTAMP WITH TIME ZONE,
    version        BIGINT        NOT NULL
);

-- The audit log: every state-changing request and every refused one. principal is the token's name,
-- the JWT subject, "bootstrap-admin" or "anonymous"; token_id is set for API tokens only.
CREATE TABLE audit_entries (
    id              UUID          NOT NULL PRIMARY KEY,
    occurred_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    principal       VARCHAR(255)  NOT NULL,
    principal_kind  VARCHAR(16)   NOT NULL,
    token_id        UUID,
    method          VARCHAR(16)   NOT NULL,
    path            VARCHAR(2048) NOT NULL,
    status          INTEGER       NOT NULL,
    client_address  VARCHAR(64)   NOT NULL,
    version         BIGINT        NOT NULL
);
CREATE INDEX audit_entries_occurred_idx ON audit_entries (occurred_at);
CREATE INDEX audit_entries_principal_idx ON audit_entries (principal, occurred_at);

-- Idempotency keys are scoped to the principal that sent them: the same key from two callers is two
-- keys. The stored answers are a 24-hour cache, so the table is made anew rather than altered (the
-- primary key's constraint name differs between H2 and PostgreSQL).
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    principal      VARCHAR(255)  NOT NULL,
    idem_key       VARCHAR(255)  NOT NULL,
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
    completed_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT idempotency_keys_pk PRIMARY KEY (principal, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

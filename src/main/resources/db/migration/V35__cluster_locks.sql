-- Locks every node of a cluster sees: Spring Integration's JdbcLockRegistry keeps them here (its own
-- schema for this table), so a once-per-cluster job (a purge) runs on one node at a time. A lock whose
-- holder died lapses at EXPIRED_AFTER.
CREATE TABLE INT_LOCK (
    LOCK_KEY      CHAR(36)     NOT NULL,
    REGION        VARCHAR(100) NOT NULL,
    CLIENT_ID     CHAR(36),
    CREATED_DATE  TIMESTAMP    NOT NULL,
    EXPIRED_AFTER TIMESTAMP    NOT NULL,
    CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)
);

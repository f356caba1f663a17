package dev.diskfleet.provisioning.idempotency;

import dev.diskfleet.provisioning.LocalNode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code idempotency_keys} table; a key belongs to the principal that sent it, so the same key from two
 * callers is two keys and no caller can replay another's answer. Claiming a key is an insert, so the
 * primary key (principal, key) decides which of two concurrent requests runs; each statement commits on
 * its own because the claim must be visible to other requests while this one is still running. A claim
 * names the node whose request holds it.
 */
@Component
public class IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final String IN_PROGRESS = "IN_PROGRESS";
    private static final String COMPLETED = "COMPLETED";
    /** The claims this node releases, given whether it holds every claim and its name: its own and those of no node. */
    private static final String OWN = "(? OR node = ? OR node IS NULL)";

    private final JdbcClient jdbc;
    private final Duration retention;
    private final LocalNode local;
    /** Whether every claim is this node's: without a cluster the one process holds them all, whoever made them. */
    private final boolean everyClaim;

    public IdempotencyStore(JdbcClient jdbc, @Value("${diskfleet.idempotency.retention:24h}") Duration retention,
            LocalNode local, @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        this.jdbc = jdbc;
        this.retention = retention;
        this.local = local;
        this.everyClaim = !cluster;
    }

    /**
     * Claims {@code key} for a new request, or returns what another request already stored under it.
     * An expired record is forgotten and the key claimed afresh.
     */
    public Optional<StoredAnswer> claim(String principal, String key, String method, String target) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<StoredAnswer> existing = find(principal, key);
            if (existing.isPresent()) {
                return existing;
            }
            try {
                jdbc.sql("INSERT INTO idempotency_keys (principal, idem_key, method, request_target, state, "
                                + "created_at, node) VALUES (?, ?, ?, ?, ?, ?, ?)")
                        .params(principal, key, method, target, IN_PROGRESS, OffsetDateTime.now(), local.name())
                        .update();
                return Optional.empty();
            } catch (DuplicateKeyException raced) {
                // another request claimed the key between our look-up and our insert: read its record
            }
        }
        throw new IllegalStateException("idempotency key " + key + " could neither be read nor claimed");
    }

    public void complete(String principal, String key, String bodySha256, int status, String location, String etag,
            String contentType, String body) {
        jdbc.sql("UPDATE idempotency_keys SET state = ?, body_sha256 = ?, status = ?, location = ?, etag = ?, "
                        + "content_type = ?, response_body = ?, completed_at = ? WHERE principal = ? AND idem_key = ?")
                .params(COMPLETED, bodySha256, status, location, etag, contentType, body, OffsetDateTime.now(),
                        principal, key)
                .update();
    }

    /** Frees a key whose request ended without an answer worth replaying. */
    public void release(String principal, String key) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ? AND state = ?")
                .params(principal, key, IN_PROGRESS).update();
    }

    /**
     * At startup, before the web server accepts requests, no request of this node is running: every
     * IN_PROGRESS claim it holds was left by a process that died. Free those keys (in a cluster only this
     * node's, and those that name no node, from before claims did: another node's request may still run),
     * and forget answers older than the retention period.
     */
    public void releaseInterruptedClaims() {
        int interrupted = jdbc.sql("DELETE FROM idempotency_keys WHERE state = ? AND " + OWN)
                .params(IN_PROGRESS, everyClaim, local.name()).update();
        int expired = jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < ? AND (state = ? OR " + OWN + ")")
                .params(OffsetDateTime.now().minus(retention), COMPLETED, everyClaim, local.name()).update();
        if (interrupted + expired > 0) {
            log.info("idempotency keys: released {} interrupted claim(s), forgot {} expired answer(s)",
                    interrupted, expired);
        }
    }

    /** Forgets completed answers older than the retention period, whoever's key they were; returns how many. */
    public int forgetExpired() {
        return jdbc.sql("DELETE FROM idempotency_keys WHERE state = ? AND created_at < ?")
                .params(COMPLETED, OffsetDateTime.now().minus(retention)).update();
    }

    private Optional<StoredAnswer> find(String principal, String key) {
        record Row(StoredAnswer answer, OffsetDateTime createdAt) {
        }
        Optional<Row> row = jdbc.sql("SELECT idem_key, method, request_target, state, body_sha256, status, location, "
                        + "etag, content_type, response_body, created_at FROM idempotency_keys "
                        + "WHERE principal = ? AND idem_key = ?")
                .params(principal, key)
                .query((rs, n) -> new Row(new StoredAnswer(rs.getString("idem_key"), rs.getString("method"),
                        rs.getString("request_target"), COMPLETED.equals(rs.getString("state")),
                        rs.getString("body_sha256"), rs.getInt("status"), rs.getString("location"),
                        rs.getString("etag"), rs.getString("content_type"), rs.getString("response_body")),
                        rs.getObject("created_at", OffsetDateTime.class)))
                .optional();
        if (row.isPresent() && row.get().answer().completed()
                && row.get().createdAt().isBefore(OffsetDateTime.now().minus(retention))) {
            jdbc.sql("DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ? AND state = ?")
                    .params(principal, key, COMPLETED).update();
            return Optional.empty();
        }
        return row.map(Row::answer);
    }
}

package dev.diskfleet.domain.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Who did what and how it ended: one request that changed state, or the refusals of one caller from one
 * address in one window ({@code count} of them, the last at {@code lastOccurredAt}). Only that count
 * changes once written. Text longer than its column is cut, not refused: a 5,000-character path is
 * recorded by its first {@value #MAX_PATH} characters.
 */
@Entity
@Table(name = "audit_entries")
public class AuditEntry {

    public static final int MAX_PATH = 2048;
    private static final int MAX_METHOD = 16;
    private static final int MAX_NAME = 255;
    private static final int MAX_ADDRESS = 64;

    @Id
    private UUID id;

    @Column(name = "occurred_at", nullable = false)
    private OffsetDateTime occurredAt;

    @Column(nullable = false)
    private String principal;

    @Column(name = "principal_kind", nullable = false)
    private String principalKind;

    @Column(name = "token_id")
    private UUID tokenId;

    @Column(nullable = false)
    private String method;

    @Column(nullable = false)
    private String path;

    @Column(nullable = false)
    private int status;

    @Column(name = "client_address", nullable = false)
    private String clientAddress;

    @Column(name = "request_count", nullable = false)
    private int count;

    @Column(name = "last_occurred_at")
    private OffsetDateTime lastOccurredAt;

    @Version
    private long version;

    protected AuditEntry() {
    }

    public AuditEntry(OffsetDateTime occurredAt, Actor actor, String method, String path, int status,
            String clientAddress) {
        this.id = UUID.randomUUID();
        this.occurredAt = occurredAt;
        this.principal = cut(actor.name(), MAX_NAME);
        this.principalKind = actor.kind().wireName();
        this.tokenId = actor.tokenId();
        this.method = cut(method, MAX_METHOD);
        this.path = cut(path, MAX_PATH);
        this.status = status;
        this.clientAddress = cut(clientAddress, MAX_ADDRESS);
        this.count = 1;
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    public UUID getId() {
        return id;
    }

    public OffsetDateTime getOccurredAt() {
        return occurredAt;
    }

    public String getPrincipal() {
        return principal;
    }

    public String getPrincipalKind() {
        return principalKind;
    }

    public UUID getTokenId() {
        return tokenId;
    }

    public String getMethod() {
        return method;
    }

    public String getPath() {
        return path;
    }

    public int getStatus() {
        return status;
    }

    public String getClientAddress() {
        return clientAddress;
    }

    /** How many requests this entry stands for: 1, or more for refusals counted in one window. */
    public int getCount() {
        return count;
    }

    /** When the last of {@link #getCount} refusals came; null for an entry of one request. */
    public OffsetDateTime getLastOccurredAt() {
        return lastOccurredAt;
    }
}

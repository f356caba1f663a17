package dev.diskfleet.domain.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Who did what and how it ended: one request that changed state or was refused. Never changed once written. */
@Entity
@Table(name = "audit_entries")
public class AuditEntry {

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

    @Version
    private long version;

    protected AuditEntry() {
    }

    public AuditEntry(OffsetDateTime occurredAt, Actor actor, String method, String path, int status,
            String clientAddress) {
        this.id = UUID.randomUUID();
        this.occurredAt = occurredAt;
        this.principal = actor.name();
        this.principalKind = actor.kind().wireName();
        this.tokenId = actor.tokenId();
        this.method = method;
        this.path = path;
        this.status = status;
        this.clientAddress = clientAddress;
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
}

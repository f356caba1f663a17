package dev.diskfleet.domain.token;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A bearer token for the API: its name, role and lifetime, and the SHA-256 of its secret (never the secret). */
@Entity
@Table(name = "api_tokens")
public class ApiToken {

    @Id
    private UUID id;

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(name = "secret_sha256", nullable = false)
    private String secretSha256;

    @Column(name = "created_at", nullable = false)
    private OffsetDateTime createdAt;

    @Column(name = "expires_at")
    private OffsetDateTime expiresAt;

    @Column(name = "revoked_at")
    private OffsetDateTime revokedAt;

    @Version
    private long version;

    protected ApiToken() {
    }

    public ApiToken(UUID id, String name, Role role, String secretSha256, OffsetDateTime expiresAt) {
        this.id = id;
        this.name = name;
        this.role = role;
        this.secretSha256 = secretSha256;
        this.createdAt = OffsetDateTime.now();
        this.expiresAt = expiresAt;
    }

    /** Neither revoked nor past its expiry at {@code now}. */
    public boolean isUsableAt(OffsetDateTime now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** Revoking twice keeps the first time: the row is the audit's record of when access ended. */
    public void revoke() {
        if (revokedAt == null) {
            revokedAt = OffsetDateTime.now();
        }
    }

    public UUID getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public Role getRole() {
        return role;
    }

    public String getSecretSha256() {
        return secretSha256;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getExpiresAt() {
        return expiresAt;
    }

    public OffsetDateTime getRevokedAt() {
        return revokedAt;
    }
}

package dev.diskfleet.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What every row has: a UUID chosen by the service (it is also an image's file name, so it is known
 * before the insert), an optimistic-lock {@code @Version} that doubles as the ETag, and timestamps that
 * JPA's callbacks keep, so no service has to remember to touch them.
 */
@MappedSuperclass
public abstract class BaseEntity {

    @Id
    private UUID id;

    @Version
    private long version;

    @Column(name = "created_at", nullable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    private OffsetDateTime updatedAt;

    protected BaseEntity() {
    }

    /** A new row; its timestamps are set now too, since Spring Data merges (copies) a row with a given id. */
    protected BaseEntity(UUID id) {
        this.id = id;
        this.createdAt = OffsetDateTime.now();
        this.updatedAt = createdAt;
    }

    @PrePersist
    void stampCreated() {
        if (createdAt == null) {
            createdAt = OffsetDateTime.now();
        }
        updatedAt = createdAt;
    }

    @PreUpdate
    void stampUpdated() {
        updatedAt = OffsetDateTime.now();
    }

    /**
     * Marks the row changed although none of its own columns did (a machine whose disks changed): the
     * update bumps its version, so an ETag read before the change no longer matches.
     */
    protected void markChanged() {
        updatedAt = OffsetDateTime.now();
    }

    public UUID getId() {
        return id;
    }

    public long getVersion() {
        return version;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }
}

package dev.diskfleet.domain.event;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An event as the stream sends it. Its id comes from the database's identity column, so it keeps increasing
 * across restarts and a client's {@code Last-Event-ID} still means something after one. Not a
 * {@code BaseEntity}: a stored event never changes, and its id is a number because clients compare them.
 */
@Entity
@Table(name = "events")
public class StoredEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String type;

    @Column(name = "resource_id", nullable = false)
    private UUID resourceId;

    @Column(name = "data_json", nullable = false)
    private String dataJson;

    @Column(name = "occurred_at", nullable = false)
    private OffsetDateTime occurredAt;

    /** The node that stored it; null on rows from before nodes were recorded. */
    @Column(name = "node")
    private String node;

    protected StoredEvent() {
    }

    public StoredEvent(String type, UUID resourceId, String dataJson, OffsetDateTime occurredAt, String node) {
        this.type = type;
        this.resourceId = resourceId;
        this.dataJson = dataJson;
        this.occurredAt = occurredAt;
        this.node = node;
    }

    /** The row as it was inserted without JPA (a batch), with the id the database gave it. */
    public StoredEvent(long id, String type, UUID resourceId, String dataJson, OffsetDateTime occurredAt, String node) {
        this(type, resourceId, dataJson, occurredAt, node);
        this.id = id;
    }

    public Long getId() {
        return id;
    }

    public String getType() {
        return type;
    }

    public UUID getResourceId() {
        return resourceId;
    }

    public String getDataJson() {
        return dataJson;
    }

    public OffsetDateTime getOccurredAt() {
        return occurredAt;
    }

    public String getNode() {
        return node;
    }
}

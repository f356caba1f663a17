package dev.diskfleet.domain.image;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An image file that a node which was lost still holds and must remove when it comes back: the old disk of a
 * machine started on another node meanwhile. Its image row is gone already, so no row points at the file and
 * the file must not become an orphan. Keyed as a location is: an image's file on a node.
 */
@Entity
@Table(name = "stale_files")
@IdClass(ImageLocation.Key.class)
public class StaleFile {

    @Id
    @Column(name = "image_id", nullable = false, updatable = false)
    private UUID imageId;

    @Id
    @Column(name = "node_name", nullable = false, updatable = false)
    private String nodeName;

    /** The machine whose disk it was (its guest there, if it still runs, is powered off first). */
    @Column(name = "machine_id", nullable = false, updatable = false)
    private UUID machineId;

    @Column(name = "created_at", nullable = false, updatable = false)
    private OffsetDateTime createdAt;

    protected StaleFile() {
    }

    public StaleFile(UUID imageId, String nodeName, UUID machineId) {
        this.imageId = imageId;
        this.nodeName = nodeName;
        this.machineId = machineId;
        this.createdAt = OffsetDateTime.now();
    }

    public UUID getImageId() {
        return imageId;
    }

    public String getNodeName() {
        return nodeName;
    }

    public UUID getMachineId() {
        return machineId;
    }
}

package dev.diskfleet.domain.attachment;

import dev.diskfleet.domain.BaseEntity;
import dev.diskfleet.domain.image.ImageType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * An image in one of a machine's port/device slots.
 *
 * <ul>
 *   <li>{@code imageId} is the image the user attached; it never changes.</li>
 *   <li>{@code mediumId} is the image the machine actually reads and writes: the image itself for a
 *       write-through disk and for a normal disk without snapshots; the machine's own differencing
 *       image for an immutable one (made at attach time, type normal, parent the immutable image, its
 *       {@code autoReset} flag deciding whether power-on empties it); the newest snapshot child for a
 *       snapshotted normal disk. It is always a leaf: nothing is ever made on the medium a machine writes.</li>
 *   <li>{@code exclusiveImageId} equals {@code imageId} for normal and write-through images and is null for
 *       immutable ones; its unique constraint is the database's guarantee of "one machine at a time".</li>
 *   <li>{@code mode} is the image's type when it was attached (types cannot change while attached).</li>
 * </ul>
 */
@Entity
@Table(name = "attachments")
public class Attachment extends BaseEntity {

    @Column(name = "machine_id", nullable = false)
    private UUID machineId;

    @Column(nullable = false)
    private int port;

    @Column(nullable = false)
    private int device;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ImageType mode;

    @Column(name = "image_id", nullable = false)
    private UUID imageId;

    @Column(name = "medium_id", nullable = false)
    private UUID mediumId;

    @Column(name = "exclusive_image_id")
    private UUID exclusiveImageId;

    protected Attachment() {
    }

    public Attachment(UUID id, UUID machineId, int port, int device, ImageType mode, UUID imageId, UUID mediumId) {
        super(id);
        this.machineId = machineId;
        this.port = port;
        this.device = device;
        this.mode = mode;
        this.imageId = imageId;
        this.mediumId = mediumId;
        this.exclusiveImageId = mode == ImageType.IMMUTABLE ? null : imageId;
    }

    /** Whether the medium is the machine's own differencing image, made for it at attach time. */
    public boolean ownsMedium() {
        return mode == ImageType.IMMUTABLE;
    }

    public String slot() {
        return "port " + port + " device " + device;
    }

    public UUID getMachineId() {
        return machineId;
    }

    public int getPort() {
        return port;
    }

    public int getDevice() {
        return device;
    }

    public ImageType getMode() {
        return mode;
    }

    public UUID getImageId() {
        return imageId;
    }

    public UUID getMediumId() {
        return mediumId;
    }

    public void setMediumId(UUID mediumId) {
        this.mediumId = mediumId;
    }

    public UUID getExclusiveImageId() {
        return exclusiveImageId;
    }
}

package dev.diskfleet.image;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One image file, as the registry (VirtualBox's media registry) knows it. */
@Entity
@Table(name = "images")
public class Image {

    @Id
    private UUID id;

    @Column(nullable = false)
    private String name;

    private String description;

    @Column(nullable = false)
    private String format;

    @Column(nullable = false)
    private String variant;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ImageType type;

    @Column(name = "size_bytes", nullable = false)
    private long sizeBytes;

    @Column(name = "parent_id")
    private UUID parentId;

    @Column(name = "auto_reset", nullable = false)
    private boolean autoReset;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ImageState state;

    @Column(name = "created_at", nullable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    private OffsetDateTime updatedAt;

    @Version
    private long version;

    protected Image() {
    }

    public Image(UUID id, String name, String description, String format, String variant, ImageType type,
            long sizeBytes, UUID parentId, boolean autoReset) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.format = format;
        this.variant = variant;
        this.type = type;
        this.sizeBytes = sizeBytes;
        this.parentId = parentId;
        this.autoReset = autoReset;
        this.state = ImageState.READY;
        this.createdAt = OffsetDateTime.now();
        this.updatedAt = this.createdAt;
    }

    public boolean isDifferencing() {
        return parentId != null;
    }

    public void touch() {
        updatedAt = OffsetDateTime.now();
    }

    public UUID getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getFormat() {
        return format;
    }

    public String getVariant() {
        return variant;
    }

    public ImageType getType() {
        return type;
    }

    public void setType(ImageType type) {
        this.type = type;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public UUID getParentId() {
        return parentId;
    }

    public void setParentId(UUID parentId) {
        this.parentId = parentId;
    }

    public boolean isAutoReset() {
        return autoReset;
    }

    public void setAutoReset(boolean autoReset) {
        this.autoReset = autoReset;
    }

    public ImageState getState() {
        return state;
    }

    public void setState(ImageState state) {
        this.state = state;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }

    public long getVersion() {
        return version;
    }
}

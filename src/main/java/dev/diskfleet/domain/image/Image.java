package dev.diskfleet.domain.image;

import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.BaseEntity;
import dev.diskfleet.storage.ImageSummary;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.util.UUID;

/** One image file, as the registry (VirtualBox's media registry) knows it. */
@Entity
@Table(name = "images")
public class Image extends BaseEntity {

    /** The longest name a row holds; generated names are cut to it. */
    public static final int MAX_NAME = 255;

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

    protected Image() {
    }

    private Image(UUID id, String name, String description, ImageSummary file, ImageType type, UUID parentId,
            boolean autoReset) {
        super(id);
        this.name = name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
        this.description = description;
        this.format = file.format();
        this.variant = ApiNames.of(file.variant());
        this.type = type;
        this.sizeBytes = file.virtualSize();
        this.parentId = parentId;
        this.autoReset = autoReset;
        this.state = ImageState.READY;
    }

    /** The row for a base image whose file {@code file} was just published under {@code id}. */
    public static Image base(UUID id, String name, String description, ImageSummary file, ImageType type) {
        return new Image(id, name, description, file, type, null, false);
    }

    /**
     * The row for a differencing image just made on {@code parent}: type normal (one machine writes it;
     * its behaviour comes from its parent), named after what made it, cut to {@link #MAX_NAME}.
     */
    public static Image differencing(ImageSummary file, Image parent, String name, String description,
            boolean autoReset) {
        return new Image(file.id(), name, description, file, ImageType.NORMAL, parent.getId(), autoReset);
    }

    public boolean isDifferencing() {
        return parentId != null;
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
}

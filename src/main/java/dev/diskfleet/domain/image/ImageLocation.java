package dev.diskfleet.domain.image;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * One node holds the file of one image in its storage root. Its row goes with the image's (the foreign key
 * cascades), whatever deletes the image.
 */
@Entity
@Table(name = "image_locations")
@IdClass(ImageLocation.Key.class)
public class ImageLocation {

    @Id
    @Column(name = "image_id", nullable = false, updatable = false)
    private UUID imageId;

    @Id
    @Column(name = "node_name", nullable = false, updatable = false)
    private String nodeName;

    /** The SHA-256 of this node's file as stored, once computed; only ever set for an immutable image. */
    @Column(name = "content_sha256")
    private String contentSha256;

    @Column(name = "created_at", nullable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Version
    private Long version;

    protected ImageLocation() {
    }

    public ImageLocation(UUID imageId, String nodeName) {
        this.imageId = imageId;
        this.nodeName = nodeName;
        this.createdAt = OffsetDateTime.now();
    }

    public UUID getImageId() {
        return imageId;
    }

    public String getNodeName() {
        return nodeName;
    }

    public String getContentSha256() {
        return contentSha256;
    }

    public void setContentSha256(String contentSha256) {
        this.contentSha256 = contentSha256;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    /** The composite key: an image on a node. */
    public static class Key implements Serializable {

        private UUID imageId;
        private String nodeName;

        protected Key() {
        }

        public Key(UUID imageId, String nodeName) {
            this.imageId = imageId;
            this.nodeName = nodeName;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(imageId, key.imageId)
                    && Objects.equals(nodeName, key.nodeName);
        }

        @Override
        public int hashCode() {
            return Objects.hash(imageId, nodeName);
        }
    }
}

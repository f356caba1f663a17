package dev.diskfleet.domain.snapshot;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.util.UUID;

/** What a snapshot froze for one normal attachment: the medium the machine wrote when it was taken. */
@Embeddable
public class SnapshotMedium {

    @Column(name = "attachment_id", nullable = false)
    private UUID attachmentId;

    @Column(name = "medium_id", nullable = false)
    private UUID mediumId;

    protected SnapshotMedium() {
    }

    public SnapshotMedium(UUID attachmentId, UUID mediumId) {
        this.attachmentId = attachmentId;
        this.mediumId = mediumId;
    }

    public UUID getAttachmentId() {
        return attachmentId;
    }

    public UUID getMediumId() {
        return mediumId;
    }

    void setMediumId(UUID mediumId) {
        this.mediumId = mediumId;
    }
}

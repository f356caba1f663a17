package dev.diskfleet.provisioning.attachment;

import dev.diskfleet.domain.attachment.Attachment;

/** An attachment with its medium's autoReset flag, which lives on the medium's image row. */
public record AttachmentDetails(Attachment attachment, boolean autoReset) {
}

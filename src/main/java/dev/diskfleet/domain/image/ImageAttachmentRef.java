package dev.diskfleet.domain.image;

import java.util.UUID;

/** An attachment as an image sees it: which machine, where, and which medium is actually attached. */
public record ImageAttachmentRef(UUID attachmentId, UUID machineId, String machineName, UUID attachedImageId) {
}

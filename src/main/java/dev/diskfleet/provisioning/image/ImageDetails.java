package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageAttachmentRef;
import java.util.List;

/**
 * An image with what its row alone does not say: bytes its file takes, children, depth, users, and the
 * nodes whose storage roots hold its file.
 */
public record ImageDetails(Image image, long allocatedBytes, long childCount, int chainDepth,
        List<ImageAttachmentRef> attachments, List<String> locations) {
}

package dev.diskfleet.domain.image;

import java.util.List;
import java.util.UUID;

/**
 * Who uses an image: the attachments that name it. The image feature asks, the machine feature answers
 * (it owns attachments), so images do not depend on machines.
 */
public interface ImageUsage {

    /** The attachments that attach this image or a differencing image made on it for a machine. */
    List<ImageAttachmentRef> attachmentsOf(UUID imageId);

    /** A machine that is running with this image in its chain, if any: it holds the image. */
    default java.util.Optional<String> runningHolderOf(UUID imageId) {
        return java.util.Optional.empty();
    }
}

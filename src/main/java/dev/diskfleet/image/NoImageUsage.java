package dev.diskfleet.image;

import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** Until machines exist nothing attaches images. Replaced by the machine feature's implementation. */
@Component
class NoImageUsage implements ImageUsage {

    @Override
    public List<ImageAttachmentRef> attachmentsOf(UUID imageId) {
        return List.of();
    }
}

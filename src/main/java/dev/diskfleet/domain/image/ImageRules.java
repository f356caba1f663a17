package dev.diskfleet.domain.image;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.InvalidRequestException;
import java.util.List;
import java.util.Objects;
import org.springframework.stereotype.Component;

/** VirtualBox's medium rules: what keeps an image from changing type or going, each refusal naming the holder. */
@Component
public class ImageRules {

    private final ImageRepository images;
    private final ImageUsage usage;

    public ImageRules(ImageRepository images, ImageUsage usage) {
        this.images = images;
        this.usage = usage;
    }

    /**
     * Refuses with a conflict naming the running machine that holds an image: while a machine runs, its
     * media and every ancestor of them may not be deleted, retyped, reset, merged or written through any
     * other path.
     */
    public void requireNotHeld(Image image, String action) {
        usage.runningHolderOf(image.getId()).ifPresent(holder -> {
            throw new ConflictException("image-held", "cannot " + action + " image " + image.getId()
                    + ": running machine " + holder + " holds it in its disk chain; stop the machine first");
        });
    }

    /** Refuses with a conflict naming the children and attachments that keep an image from changing or going. */
    public void requireUnused(Image image, String action) {
        requireNotHeld(image, action);
        List<Image> children = images.findByParentId(image.getId());
        if (!children.isEmpty()) {
            throw new ConflictException("image-has-children", "cannot " + action + " image " + image.getId()
                    + ": it has differencing images " + describe(children) + "; delete or merge them first");
        }
        List<ImageAttachmentRef> attachments = usage.attachmentsOf(image.getId());
        if (!attachments.isEmpty()) {
            throw new ConflictException("image-attached", "cannot " + action + " image " + image.getId()
                    + ": it is attached to machine(s) " + attachments.stream()
                            .map(a -> a.machineName() + " (" + a.machineId() + ")").distinct().toList()
                    + "; detach it first");
        }
    }

    /** Changes the write mode of a base image nothing uses; a differencing image follows its base. */
    public void retype(Image image, ImageType type) {
        if (type == image.getType()) {
            return;
        }
        if (image.isDifferencing()) {
            throw new InvalidRequestException("type-on-differencing",
                    "image " + image.getId() + " is a differencing image; its write mode follows its base");
        }
        requireUnused(image, "change the type of");
        image.setType(type);
    }

    /** Sets autoReset, which exists on differencing images only. */
    public void setAutoReset(Image image, boolean autoReset) {
        if (!image.isDifferencing()) {
            throw new InvalidRequestException("autoreset-on-base",
                    "autoReset exists only on differencing images; image " + image.getId() + " is a base image");
        }
        image.setAutoReset(autoReset);
    }

    private static String describe(List<Image> list) {
        return list.stream().map(i -> i.getName() + " (" + i.getId() + ")").filter(Objects::nonNull).toList().toString();
    }
}

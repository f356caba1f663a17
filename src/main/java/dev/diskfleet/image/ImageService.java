package dev.diskfleet.image;

import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.web.ApiException;
import dev.diskfleet.web.ETags;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The rules of images (VirtualBox's medium rules) and how they read; file work is the provisioning service's. */
@Service
public class ImageService {

    private final ImageRepository images;
    private final ImageStore store;
    private final ImageUsage usage;

    public ImageService(ImageRepository images, ImageStore store, ImageUsage usage) {
        this.images = images;
        this.store = store;
        this.usage = usage;
    }

    public Image require(UUID id) {
        return images.findById(id).orElseThrow(() -> ApiException.notFound("image", id));
    }

    @Transactional(readOnly = true)
    public ImageResponse get(UUID id) {
        return toResponse(require(id));
    }

    @Transactional(readOnly = true)
    public Page<ImageResponse> list(String type, UUID parentId, String name, Pageable pageable) {
        Specification<Image> filter = (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            if (type != null) {
                where.add(cb.equal(root.get("type"), ImageMapper.parseType(type, null)));
            }
            if (parentId != null) {
                where.add(cb.equal(root.get("parentId"), parentId));
            }
            if (name != null) {
                where.add(cb.like(cb.lower(root.get("name")), "%" + escapeLike(name.toLowerCase(java.util.Locale.ROOT)) + "%", '\\'));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
        return images.findAll(filter, pageable).map(this::toResponse);
    }

    /** Applies a PATCH under VirtualBox's rules; {@code ifMatch} guards against lost updates. */
    @Transactional
    public ImageResponse update(UUID id, PatchImageRequest patch, String ifMatch) {
        return toResponse(apply(id, patch, ifMatch));
    }

    /**
     * As {@link #update}, returning the saved row: its version is the ETag of exactly this change, even
     * when another change follows at once.
     */
    @Transactional
    public Image apply(UUID id, PatchImageRequest patch, String ifMatch) {
        Image image = require(id);
        ETags.checkIfMatch(ifMatch, image.getVersion());
        if (patch.name() != null) {
            image.setName(patch.name());
        }
        if (patch.description() != null) {
            image.setDescription(patch.description());
        }
        if (patch.type() != null) {
            changeType(image, ImageMapper.parseType(patch.type(), null));
        }
        if (patch.autoReset() != null) {
            if (!image.isDifferencing()) {
                throw ApiException.badRequest("autoreset-on-base",
                        "autoReset exists only on differencing images; image " + id + " is a base image");
            }
            image.setAutoReset(patch.autoReset());
        }
        image.touch();
        return images.saveAndFlush(image);
    }

    public ImageResponse toResponse(Image image) {
        long allocated = 0;
        try {
            if (image.getState() == ImageState.READY) {
                allocated = store.describe(image.getId()).allocatedBytes();
            }
        } catch (StorageException e) {
            allocated = 0;
        }
        return new ImageResponse(image.getId(), image.getName(), image.getDescription(), image.getFormat(),
                image.getVariant(), ImageMapper.apiName(image.getType()), image.getSizeBytes(), allocated,
                image.getParentId(), images.countByParentId(image.getId()), chainDepth(image), image.isAutoReset(),
                ImageMapper.apiName(image.getState()), usage.attachmentsOf(image.getId()), image.getCreatedAt(),
                image.getUpdatedAt());
    }

    /**
     * Throws 409 naming the running machine that holds an image: while a machine runs, its media and every
     * ancestor of them may not be deleted, retyped, reset, merged or written through any other path.
     */
    public void requireNotHeld(Image image, String action) {
        usage.runningHolderOf(image.getId()).ifPresent(holder -> {
            throw ApiException.conflict("image-held", "cannot " + action + " image " + image.getId()
                    + ": running machine " + holder + " holds it in its disk chain; stop the machine first");
        });
    }

    /** Throws 409 naming the children and attachments that keep an image from changing or going. */
    public void requireUnused(Image image, String action) {
        requireNotHeld(image, action);
        List<Image> children = images.findByParentId(image.getId());
        if (!children.isEmpty()) {
            throw ApiException.conflict("image-has-children", "cannot " + action + " image " + image.getId()
                    + ": it has differencing images " + describe(children) + "; delete or merge them first");
        }
        List<ImageAttachmentRef> attachments = usage.attachmentsOf(image.getId());
        if (!attachments.isEmpty()) {
            throw ApiException.conflict("image-attached", "cannot " + action + " image " + image.getId()
                    + ": it is attached to machine(s) " + attachments.stream()
                            .map(a -> a.machineName() + " (" + a.machineId() + ")").distinct().toList()
                    + "; detach it first");
        }
    }

    private void changeType(Image image, ImageType type) {
        if (type == image.getType()) {
            return;
        }
        if (image.isDifferencing()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "type-on-differencing", "Bad request",
                    "image " + image.getId() + " is a differencing image; its write mode follows its base");
        }
        requireUnused(image, "change the type of");
        image.setType(type);
    }

    private int chainDepth(Image image) {
        int depth = 1;
        UUID parent = image.getParentId();
        while (parent != null && depth < ImageStore.MAX_CHAIN_DEPTH) {
            depth++;
            parent = images.findById(parent).map(Image::getParentId).orElse(null);
        }
        return depth;
    }

    /** A name filter matches literally: % and _ in it are not wildcards. */
    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static String describe(List<Image> list) {
        return list.stream().map(i -> i.getName() + " (" + i.getId() + ")").filter(Objects::nonNull).toList().toString();
    }
}

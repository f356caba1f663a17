package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.provisioning.image.ImageProvisioning;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.provisioning.image.ImageContent;
import dev.diskfleet.provisioning.image.ImageReaders;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageRules;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.Progress;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.Variant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A fleet's base, the immutable image every member gets its own differencing disk on. A normal or
 * write-through golden is cloned under the UUID the fleet recorded beforehand and the clone marked
 * immutable (VirtualBox's {@code clonehd} then {@code modifyhd --type immutable}), so the golden stays
 * an ordinary, editable image. A golden that is already immutable is never written, so it is the base
 * itself: a linked fleet copies nothing, and its base outlives it.
 */
@Component
class FleetBase {

    private static final Logger log = LoggerFactory.getLogger(FleetBase.class);
    /** Differencing images need a format that has them; a raw golden is cloned into this one. */
    private static final String FALLBACK_FORMAT = "vdi";

    private final ImageRules imageRules;
    private final ImageContent content;
    private final ImageReaders readers;
    private final ImageRepository images;
    private final ImageProvisioning provisioning;
    private final ImageStore store;
    private final TransactionTemplate tx;
    private final FileIntents intents;

    FleetBase(ImageRules imageRules, ImageContent content, ImageReaders readers, ImageRepository images,
            ImageProvisioning provisioning, ImageStore store, PlatformTransactionManager transactions, FileIntents intents) {
        this.intents = intents;
        this.imageRules = imageRules;
        this.content = content;
        this.readers = readers;
        this.images = images;
        this.provisioning = provisioning;
        this.store = store;
        this.tx = new TransactionTemplate(transactions);
    }

    /** The base a new fleet on {@code golden} records: the golden itself if immutable, else a new clone's id. */
    static UUID plannedFor(Image golden) {
        return golden.getType() == ImageType.IMMUTABLE ? golden.getId() : UUID.randomUUID();
    }

    Image make(Fleet fleet, Progress progress) {
        Image golden = content.requireAccessible(fleet.getGoldenImageId());
        if (fleet.isLinked()) {
            // the golden may have been retyped between the request and this run; only immutable is shareable
            if (golden.getType() != ImageType.IMMUTABLE) {
                throw new ConflictException("golden-not-immutable", "golden image " + golden.getId()
                        + " is no longer immutable, so fleet " + fleet.getName() + " cannot use it as its base");
            }
            progress.update(1, 1);
            return golden;
        }
        String format = store.formatSupport(golden.getFormat()).supportsDifferencing() ? golden.getFormat() : FALLBACK_FORMAT;
        UUID id = fleet.getBaseImageId();
        return intents.making(java.util.List.of(id), () -> {
            ImageSummary file;
            // a read hold keeps the golden from being deleted while it is copied
            try (ImageReaders.Hold hold = readers.hold(golden.getId())) {
                file = store.clone(golden.getId(), id, format, Variant.DYNAMIC, progress);
            }
            CrashPoints.reach("fleet-base.file-made");
            return record(fleet, golden, id, file);
        });
    }

    private Image record(Fleet fleet, Image golden, UUID id, ImageSummary file) {
        return provisioning.record(id, () -> Image.base(id, fleet.getName() + "-base",
                "immutable base of fleet " + fleet.getName() + ", a full clone of golden image " + golden.getName()
                + " (" + golden.getId() + ")", file, ImageType.IMMUTABLE));
    }

    /**
     * Removes the base's row and file, whichever of them exists (the clone may not have got far). A linked
     * fleet's base is the golden, which is not the fleet's to remove.
     */
    void remove(Fleet fleet) {
        if (fleet.isLinked()) {
            return;
        }
        UUID id = fleet.getBaseImageId();
        intents.declare("remove", java.util.List.of(id));
        tx.executeWithoutResult(status -> images.findById(id).ifPresent(image -> {
            imageRules.requireUnused(image, "delete");
            images.delete(image);
            images.flush();
        }));
        CrashPoints.reach("fleet-base.row-deleted");
        store.delete(id);
        intents.settleNow(java.util.List.of(id));
    }

    /**
     * Deletes files of differencing images on the base that no row knows: left by a process killed
     * between publishing a member's disk and committing it. Only safe at startup, when no attach is
     * between those two steps.
     */
    void removeUnrecordedChildren(Fleet fleet) {
        UUID id = fleet.getBaseImageId();
        Set<UUID> unrecorded = new HashSet<>(store.listImageIds());
        images.findAllById(Set.copyOf(unrecorded)).forEach(image -> unrecorded.remove(image.getId()));
        for (UUID file : unrecorded) {
            if (!file.equals(id) && isChildOf(file, id)) {
                log.warn("removing unrecorded differencing image {} left on the base of fleet {}", file, fleet.getId());
                store.delete(file);
            }
        }
    }

    private boolean isChildOf(UUID file, UUID parent) {
        try {
            return parent.equals(store.describe(file).parentId());
        } catch (StorageException unreadable) {
            return false;
        }
    }
}

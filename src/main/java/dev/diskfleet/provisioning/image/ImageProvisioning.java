package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.ExpectedVersion;
import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.LimitExceededException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageRules;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.LimitsProperties;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.Variant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changes image rows and image files together. Its invariant: no row points at a missing file. Files are
 * published first and recorded second (a failed insert deletes the new file); rows are removed first and
 * files second (a failed delete leaves an orphan file, which startup reports).
 */
@Service
public class ImageProvisioning {

    private static final Logger log = LoggerFactory.getLogger(ImageProvisioning.class);

    private final ImageRepository images;
    private final ImageCatalog catalog;
    private final ImageRules rules;
    private final ImageStore store;
    private final ImageReaders readers;
    private final LimitsProperties limits;
    private final FreeSpace freeSpace;
    private final TransactionTemplate tx;
    private final FileIntents intents;
    private final ImageLocations locations;

    public ImageProvisioning(ImageRepository images, ImageCatalog catalog, ImageRules rules, ImageStore store,
            ImageReaders readers, LimitsProperties limits, FreeSpace freeSpace, PlatformTransactionManager transactions,
            FileIntents intents, ImageLocations locations) {
        this.intents = intents;
        this.locations = locations;
        this.images = images;
        this.limits = limits;
        this.freeSpace = freeSpace;
        this.catalog = catalog;
        this.rules = rules;
        this.store = store;
        this.readers = readers;
        this.tx = new TransactionTemplate(transactions);
    }

    public Image createBlank(ImageDraft draft) {
        String format = requireFormat(draft.format() == null ? "vdi" : draft.format());
        Variant variant = requireVariant(format, draft.variant());
        ImageType type = ApiNames.parse(ImageType.class, draft.type(), ImageType.NORMAL);
        if (draft.sizeBytes() > limits.maxVirtualSize().toBytes()) {
            throw new InvalidRequestException("virtual-size-too-large", "sizeBytes " + draft.sizeBytes()
                    + " is larger than the largest disk this service makes, " + describeMaxVirtualSize());
        }
        // A fixed image writes every block now; a dynamic one only its tables.
        freeSpace.require(variant == Variant.FIXED ? draft.sizeBytes() : 0, "create the image");
        UUID id = UUID.randomUUID();
        return intents.making(List.of(id), () -> {
            ImageSummary file = store.create(id, format, draft.sizeBytes(), variant);
            CrashPoints.reach("image-create.file-made");
            return record(id, () -> Image.base(id, draft.name(), draft.description(), file, type));
        });
    }

    /**
     * Applies a PATCH under VirtualBox's rules; {@code expected} guards against lost updates. Returns the
     * saved row: its version is the ETag of exactly this change, even when another change follows at once.
     */
    public Image update(UUID id, ImagePatch patch, ExpectedVersion expected) {
        return tx.execute(status -> {
            Image image = catalog.require(id);
            expected.check(image.getVersion());
            if (patch.name() != null) {
                image.setName(patch.name());
            }
            if (patch.description() != null) {
                image.setDescription(patch.description());
            }
            if (patch.type() != null) {
                ImageType type = ApiNames.parse(ImageType.class, patch.type(), null);
                if (type != image.getType()) {
                    // Only an immutable image's file is sure never to change; a digest kept of it would go stale.
                    locations.forgetDigests(id);
                }
                rules.retype(image, type);
            }
            if (patch.autoReset() != null) {
                rules.setAutoReset(image, patch.autoReset());
            }
            return images.saveAndFlush(image);
        });
    }

    /** Deletes an unused image that no clone or download is reading: the row first, then the file. */
    public void delete(UUID id) {
        intents.declare("remove", List.of(id));
        tx.executeWithoutResult(status -> {
            Image image = catalog.require(id);
            rules.requireUnused(image, "delete");
            readers.requireIdle(id, "delete");
            images.delete(image);
            images.flush();
        });
        CrashPoints.reach("image-delete.row-committed");
        try {
            store.delete(id);
        } catch (RuntimeException e) {
            // The intent stays open: the next start removes the file, since no row names it.
            log.warn("image {} was deleted but its file could not be removed; the next start removes it", id, e);
            return;
        }
        intents.settleNow(List.of(id));
    }

    /**
     * Inserts the row for a file that was just published, with this node as the place that holds it; on
     * failure the file goes again.
     */
    public Image record(UUID id, Supplier<Image> row) {
        try {
            Image saved = tx.execute(status -> {
                Image inserted = images.saveAndFlush(row.get());
                locations.recordHere(id);
                return inserted;
            });
            CrashPoints.reach("image.row-committed");
            return saved;
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
    }

    /**
     * Refuses an image that an upload or a clone would make larger than {@code diskfleet.limits.max-virtual-size}:
     * the same limit as for a blank image.
     */
    public void requireVirtualSizeWithinLimit(long virtualSize, String what) {
        if (virtualSize > limits.maxVirtualSize().toBytes()) {
            throw virtualSizeTooLarge(virtualSize, what);
        }
    }

    /** The refusal of {@link #requireVirtualSizeWithinLimit}, for a caller that learnt the size elsewhere. */
    public LimitExceededException virtualSizeTooLarge(long virtualSize, String what) {
        return new LimitExceededException("virtual-size-too-large", what + " is a disk of "
                + Long.toUnsignedString(virtualSize) + " bytes, larger than the largest disk this service keeps, "
                + describeMaxVirtualSize());
    }

    private String describeMaxVirtualSize() {
        long max = limits.maxVirtualSize().toBytes();
        return max + " bytes (" + (max >> 30) + " GiB, diskfleet.limits.max-virtual-size)";
    }

    public String requireFormat(String format) {
        if (!store.formatNames().contains(format)) {
            throw new InvalidRequestException("unsupported-format", "format '" + format
                    + "' is not supported; use one of " + String.join(", ", store.formatNames()));
        }
        return format;
    }

    /**
     * The variant asked for (default dynamic), refused when {@code format} cannot be created so (qcow2 has
     * no fixed variant), before any file is touched.
     */
    public Variant requireVariant(String format, String variant) {
        Variant parsed = ApiNames.parse(Variant.class, variant, Variant.DYNAMIC);
        if (!store.formatSupport(format).supportsVariant(parsed)) {
            List<String> offering = store.formatNames().stream()
                    .filter(name -> store.formatSupport(name).supportsVariant(parsed)).toList();
            throw new InvalidRequestException("unsupported-variant", "format '" + format + "' has no "
                    + ApiNames.of(parsed) + " variant; leave variant out (dynamic) or choose a format that has it: "
                    + String.join(", ", offering));
        }
        return parsed;
    }
}

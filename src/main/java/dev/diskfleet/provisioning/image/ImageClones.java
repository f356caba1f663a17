package dev.diskfleet.provisioning.image;

import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.operation.OperationContext;
import dev.diskfleet.provisioning.operation.OperationOutcome;
import dev.diskfleet.provisioning.operation.OperationRunner;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.Variant;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Clones out: a full, independent copy of an image under a new UUID, the chain flattened into it, run
 * as an operation. The copy is built as a hidden file and published before its row is recorded; a
 * failure at either step leaves nothing behind.
 */
@Service
public class ImageClones {

    public static final String KIND = "clone-image";

    private final ImageContent content;
    private final ImageStore store;
    private final ImageReaders readers;
    private final ImageProvisioning provisioning;
    private final OperationRunner runner;
    private final FileIntents intents;
    private final FreeSpace freeSpace;

    public ImageClones(ImageContent content, ImageStore store, ImageReaders readers,
            ImageProvisioning provisioning, OperationRunner runner, FileIntents intents, FreeSpace freeSpace) {
        this.intents = intents;
        this.freeSpace = freeSpace;
        this.content = content;
        this.store = store;
        this.readers = readers;
        this.provisioning = provisioning;
        this.runner = runner;
    }

    /** Checks the request at once (400/404/409 before any work) and starts the copy; returns the queued operation. */
    public Operation start(UUID sourceId, ImageDraft request) {
        Image source = content.requireAccessible(sourceId);
        String format = provisioning.requireFormat(request.format() == null ? source.getFormat() : request.format());
        Variant variant = provisioning.requireVariant(format, request.variant());
        ImageType type = ApiNames.parse(ImageType.class, request.type(), ImageType.NORMAL);
        provisioning.requireVirtualSizeWithinLimit(source.getSizeBytes(), "the clone of image " + sourceId);
        freeSpace.require(variant == Variant.FIXED ? source.getSizeBytes() : freeSpace.copyEstimate(sourceId),
                "clone image " + sourceId);
        UUID targetId = UUID.randomUUID();
        // Held from now, not from when a worker picks the copy up: a delete in between would pull the source away.
        ImageReaders.Hold hold = readers.hold(sourceId);
        try {
            return runner.submit(KIND, sourceId, context -> {
                intents.making(List.of(targetId), () -> {
                    ImageSummary file = copy(sourceId, targetId, format, variant, context, hold);
                    CrashPoints.reach("clone.file-made");
                    return provisioning.record(targetId,
                            () -> Image.base(targetId, request.name(), request.description(), file, type));
                });
                return OperationOutcome.created("/api/images/" + targetId);
            });
        } catch (RuntimeException e) {
            hold.close();
            throw e;
        }
    }

    private ImageSummary copy(UUID sourceId, UUID targetId, String format, Variant variant, OperationContext context,
            ImageReaders.Hold hold) {
        try (hold) {
            return store.clone(sourceId, targetId, format, variant,
                    (done, total) -> context.progress(total == 0 ? 100 : (int) (done * 100 / total)));
        }
    }
}

package dev.diskfleet.provisioning;

import dev.diskfleet.image.CreateImageRequest;
import dev.diskfleet.image.Image;
import dev.diskfleet.image.ImageMapper;
import dev.diskfleet.image.ImageReaders;
import dev.diskfleet.image.ImageRepository;
import dev.diskfleet.image.ImageService;
import dev.diskfleet.image.ImageType;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.web.ApiException;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The one place that changes the database and the image files together. Its invariant: no row points at
 * a missing file. Files are published first and recorded second (a failed insert deletes the new file);
 * rows are removed first and files second (a failed delete leaves an orphan file, which startup reports).
 */
@Service
public class ProvisioningService {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningService.class);

    private final ImageRepository images;
    private final ImageService imageService;
    private final ImageStore store;
    private final ImageReaders readers;
    private final TransactionTemplate tx;

    public ProvisioningService(ImageRepository images, ImageService imageService, ImageStore store,
            ImageReaders readers, PlatformTransactionManager transactions) {
        this.images = images;
        this.imageService = imageService;
        this.store = store;
        this.readers = readers;
        this.tx = new TransactionTemplate(transactions);
    }

    public Image createBlank(CreateImageRequest request) {
        String format = requireFormat(request.format() == null ? "vdi" : request.format());
        Variant variant = request.variant() == null ? Variant.DYNAMIC
                : Variant.valueOf(request.variant().toUpperCase(Locale.ROOT));
        ImageType type = ImageMapper.parseType(request.type(), ImageType.NORMAL);
        UUID id = UUID.randomUUID();
        ImageSummary file = store.create(id, format, request.sizeBytes(), variant);
        return record(id, () -> new Image(id, request.name(), request.description(), file.format(),
                ImageMapper.apiName(file.variant()), type, file.virtualSize(), null, false));
    }

    /** Deletes an unused image that no clone or download is reading: the row first, then the file. */
    public void delete(UUID id) {
        tx.executeWithoutResult(status -> {
            Image image = imageService.require(id);
            imageService.requireUnused(image, "delete");
            readers.requireIdle(id, "delete");
            images.delete(image);
            images.flush();
        });
        try {
            store.delete(id);
        } catch (RuntimeException e) {
            log.warn("image {} was deleted but its file could not be removed; it is now an orphan", id, e);
        }
    }

    /** Inserts the row for a file that was just published; on failure the file goes again. */
    public Image record(UUID id, java.util.function.Supplier<Image> row) {
        try {
            return tx.execute(status -> images.saveAndFlush(row.get()));
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
    }

    public String requireFormat(String format) {
        if (!store.formatNames().contains(format)) {
            throw ApiException.badRequest("unsupported-format", "format '" + format + "' is not supported; use one of "
                    + String.join(", ", store.formatNames()));
        }
        return format;
    }
}

package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Golden images in: a request body streamed into the store (never held in memory), validated by its
 * driver, then recorded. A refused or broken upload leaves neither a file nor a row.
 */
@Service
public class ImageUploads {

    private static final Logger log = LoggerFactory.getLogger(ImageUploads.class);
    private static final int SECTOR = 512;

    private final ImageStore store;
    private final ImageProvisioning provisioning;
    private final FileIntents intents;

    public ImageUploads(ImageStore store, ImageProvisioning provisioning, FileIntents intents) {
        this.intents = intents;
        this.store = store;
        this.provisioning = provisioning;
    }

    public Image upload(String name, String description, ImageType type, InputStream body) {
        UUID id = UUID.randomUUID();
        return intents.making(java.util.List.of(id), () -> store(id, name, description, type, body));
    }

    private Image store(UUID id, String name, String description, ImageType type, InputStream body) {
        CountingBody counted = new CountingBody(body);
        ImageSummary file;
        try {
            file = store.importImage(id, counted);
        } catch (ImageFormatException e) {
            throw new ImageFormatException(withoutTemporaryNames(e.getMessage(), id));
        } catch (StorageException e) {
            if (counted.failure != null) {
                throw new InvalidRequestException("upload-interrupted", "the upload broke off after " + counted.bytes
                        + " bytes (" + counted.failure.getMessage() + "); nothing was stored, send it again");
            }
            throw e;
        }
        if (file.format().equals("raw") && file.virtualSize() % SECTOR != 0) {
            store.delete(id);
            throw new ImageFormatException("the upload is " + file.virtualSize() + " bytes and no known image"
                    + " format, so it would be a raw disk, but a raw disk is whole 512-byte sectors; check that"
                    + " the file is complete and is a disk image");
        }
        CrashPoints.reach("upload.file-made");
        Image image = provisioning.record(id, () -> Image.base(id, name, description, file, type));
        log.info("stored upload {} as {} image {} ({} bytes received, {} bytes virtual)", name, file.format(), id,
                counted.bytes, file.virtualSize());
        return image;
    }

    /** Drivers name the file they judged; for an upload that is a hidden temporary name the client never saw. */
    private static String withoutTemporaryNames(String message, UUID id) {
        return message == null ? null : message.replaceAll("\\.?" + id + "\\.[a-z0-9]+(\\.upload)?\\.tmp", "upload");
    }

    /** Counts what arrived and remembers whether the client's stream itself failed. */
    private static final class CountingBody extends FilterInputStream {

        private long bytes;
        private IOException failure;

        CountingBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            try {
                n = super.read(buffer, offset, length);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (n > 0) {
                bytes += n;
            }
            return n;
        }
    }
}

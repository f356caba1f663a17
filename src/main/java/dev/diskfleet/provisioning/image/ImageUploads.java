package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.TooLargeException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.FileIntents;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.LimitsProperties;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.VirtualSizeLimitException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Golden images in: a request body streamed into the store (never held in memory), validated by its
 * driver, then recorded. A refused or broken upload leaves neither a file nor a row. The body is cut off
 * at {@code diskfleet.limits.max-upload-size}, and the free space is looked at again every
 * {@value #SPACE_CHECK_INTERVAL} bytes, since a body without Content-Length announces nothing.
 */
@Service
public class ImageUploads {

    private static final Logger log = LoggerFactory.getLogger(ImageUploads.class);
    private static final int SECTOR = 512;
    private static final long SPACE_CHECK_INTERVAL = 64L << 20;
    /** What a refusal calls the file being uploaded. */
    private static final String UPLOAD = "upload";

    private final ImageStore store;
    private final ImageProvisioning provisioning;
    private final FileIntents intents;
    private final LimitsProperties limits;
    private final FreeSpace freeSpace;

    public ImageUploads(ImageStore store, ImageProvisioning provisioning, FileIntents intents, LimitsProperties limits,
            FreeSpace freeSpace) {
        this.intents = intents;
        this.store = store;
        this.provisioning = provisioning;
        this.limits = limits;
        this.freeSpace = freeSpace;
    }

    /** @param declaredLength the body's Content-Length, or -1 when it is sent chunked */
    public Image upload(String name, String description, ImageType type, InputStream body, long declaredLength) {
        long maxBytes = limits.maxUploadSize().toBytes();
        if (declaredLength > maxBytes) {
            throw tooLarge(maxBytes);
        }
        freeSpace.require(Math.max(0, declaredLength), "store the upload");
        UUID id = UUID.randomUUID();
        return intents.making(java.util.List.of(id), () -> store(id, name, description, type, body, maxBytes));
    }

    private Image store(UUID id, String name, String description, ImageType type, InputStream body, long maxBytes) {
        CountingBody counted = new CountingBody(body, maxBytes);
        ImageSummary file;
        try {
            file = store.importImage(id, counted);
        } catch (VirtualSizeLimitException e) {
            // The store refused the header before reading its tables: the same limit and answer as below.
            throw provisioning.virtualSizeTooLarge(e.virtualSize(), "the uploaded "
                    + (e.format() == null ? "" : e.format() + " ") + "image");
        } catch (ImageFormatException e) {
            throw asTheUpload(e);
        } catch (StorageException e) {
            if (counted.refusal != null) {
                log.info("upload {} refused after {} bytes: {}", name, counted.bytes, counted.refusal.getMessage());
                throw counted.refusal;
            }
            if (counted.failure != null) {
                throw new InvalidRequestException("upload-interrupted", "the upload broke off after " + counted.bytes
                        + " bytes (" + counted.failure.getMessage() + "); nothing was stored, send it again");
            }
            throw e;
        }
        if (file.format().equals("raw") && file.virtualSize() % SECTOR != 0) {
            store.delete(id);
            throw new ImageFormatException("raw", UPLOAD, "the upload is " + file.virtualSize() + " bytes and no known image"
                    + " format, so it would be a raw disk, but a raw disk is whole 512-byte sectors; check that"
                    + " the file is complete and is a disk image");
        }
        try {
            provisioning.requireVirtualSizeWithinLimit(file.virtualSize(), "the uploaded " + file.format() + " image");
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
        CrashPoints.reach("upload.file-made");
        Image image = provisioning.record(id, () -> Image.base(id, name, description, file, type));
        log.info("stored upload {} as {} image {} ({} bytes received, {} bytes virtual)", name, file.format(), id,
                counted.bytes, file.virtualSize());
        return image;
    }

    /** Drivers name the file they judged; for an upload that is a hidden temporary name the client never saw. */
    private static ImageFormatException asTheUpload(ImageFormatException e) {
        String message = e.getMessage();
        if (message != null && e.source() != null) {
            message = message.replace(e.source(), UPLOAD);
        }
        return new ImageFormatException(e.format(), UPLOAD, message);
    }

    private static TooLargeException tooLarge(long maxBytes) {
        return new TooLargeException("upload-too-large", "an upload may be at most " + maxBytes
                + " bytes (diskfleet.limits.max-upload-size); nothing was stored");
    }

    /**
     * Counts what arrived, remembers whether the client's stream itself failed, and stops the copy (by
     * failing the read) at the upload limit or when the volume runs short of its reserve.
     */
    private final class CountingBody extends FilterInputStream {

        private final long maxBytes;
        private long bytes;
        private long nextSpaceCheck = SPACE_CHECK_INTERVAL;
        private IOException failure;
        private DomainException refusal;

        CountingBody(InputStream in, long maxBytes) {
            super(in);
            this.maxBytes = maxBytes;
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
                // One byte past the limit is all it takes to know the body is too large: read no further.
                n = super.read(buffer, offset, (int) Math.min(length, maxBytes - bytes + 1));
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (n > 0) {
                bytes += n;
                refuseBeyondLimits();
            }
            return n;
        }

        /** Past the limit not one more byte is kept: the read fails, and the store deletes what it has. */
        private void refuseBeyondLimits() throws IOException {
            try {
                if (bytes > maxBytes) {
                    throw tooLarge(maxBytes);
                }
                if (bytes >= nextSpaceCheck) {
                    nextSpaceCheck += SPACE_CHECK_INTERVAL;
                    freeSpace.require(0, "store more of the upload");
                }
            } catch (DomainException e) {
                refusal = e;
                throw new IOException(e.getMessage());
            }
        }
    }
}

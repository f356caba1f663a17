package dev.diskfleet.provisioning.attachment;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.TooLargeException;
import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.DiskRange;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.MachineLocks;
import dev.diskfleet.provisioning.metrics.DiskfleetMeters;
import dev.diskfleet.storage.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import org.springframework.stereotype.Service;

/**
 * A guest's disk as the guest sees it: reads go through the attachment's whole chain, writes land in its
 * medium (the machine's own image; never an immutable parent, which only ever sits below it). Both hold
 * the machine's guest-I/O lock, so a snapshot or reset never swaps the medium under a running transfer,
 * and both stream in bounded chunks: nothing here holds a disk in memory.
 */
@Service
public class GuestDiskService {

    /** The most one PUT may write; larger seeds are several PUTs. */
    public static final long MAX_WRITE_BYTES = 256L << 20;
    private static final int CHUNK = 1 << 20;

    private final AttachmentCatalog attachments;
    private final ImageRepository images;
    private final MachineLocks locks;
    private final ImageStore store;
    private final DiskfleetMeters meters;

    public GuestDiskService(AttachmentCatalog attachments, ImageRepository images, MachineLocks locks,
            ImageStore store, DiskfleetMeters meters) {
        this.meters = meters;
        this.attachments = attachments;
        this.images = images;
        this.locks = locks;
        this.store = store;
    }

    /** A read in progress: holds the guest-I/O lock until closed. */
    public final class GuestRead implements AutoCloseable {

        private final UUID mediumId;
        private final DiskRange range;
        private final Lock lock;

        private GuestRead(UUID mediumId, DiskRange range, Lock lock) {
            this.mediumId = mediumId;
            this.range = range;
            this.lock = lock;
        }

        public DiskRange range() {
            return range;
        }

        public void streamTo(OutputStream out) throws IOException {
            store.streamRaw(mediumId, range.offset(), range.length(), out);
            meters.guestRead(range.length());
        }

        @Override
        public void close() {
            lock.unlock();
        }
    }

    /** Opens a read of the range {@code rangeHeader} names (the whole disk when null). */
    public GuestRead openRead(UUID machineId, UUID attachmentId, String rangeHeader) {
        Lock lock = locks.guestIo(machineId);
        try {
            Image medium = mediumOf(machineId, attachmentId);
            return new GuestRead(medium.getId(), DiskRange.ofRangeHeader(rangeHeader, medium.getSizeBytes()), lock);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
    }

    /**
     * Writes the body into the range {@code contentRange} names. {@code declaredLength} is the request's
     * Content-Length (-1 when chunked): checked before anything is written. A chunked body that ends early
     * or runs long is refused after the part that fit was written, as a guest write cut short would be.
     */
    public DiskRange write(UUID machineId, UUID attachmentId, String contentRange, long declaredLength,
            InputStream body) throws IOException {
        Lock lock = locks.guestIo(machineId);
        try {
            Image medium = mediumOf(machineId, attachmentId);
            requireWritable(medium);
            DiskRange range = DiskRange.ofContentRange(contentRange, medium.getSizeBytes());
            if (range.length() > MAX_WRITE_BYTES) {
                throw new TooLargeException("write-too-large",
                        "one PUT writes at most " + MAX_WRITE_BYTES + " bytes; Content-Range '" + contentRange
                                + "' asks for " + range.length() + "; split the write into several PUTs");
            }
            if (declaredLength >= 0 && declaredLength != range.length()) {
                throw lengthMismatch("the body is " + declaredLength + " bytes (Content-Length), but Content-Range '"
                        + contentRange + "' covers " + range.length() + " bytes; nothing was written");
            }
            copy(body, medium.getId(), range);
            return range;
        } finally {
            lock.unlock();
        }
    }

    private void copy(InputStream body, UUID mediumId, DiskRange range) throws IOException {
        byte[] chunk = new byte[(int) Math.min(CHUNK, range.length())];
        long written = 0;
        while (written < range.length()) {
            int want = (int) Math.min(chunk.length, range.length() - written);
            int got = body.readNBytes(chunk, 0, want);
            if (got > 0) {
                store.write(mediumId, range.offset() + written, ByteBuffer.wrap(chunk, 0, got));
                written += got;
                meters.guestWritten(got);
            }
            if (got < want) {
                throw lengthMismatch("the body ended after " + written + " of the " + range.length()
                        + " bytes Content-Range announced; the " + written + " bytes received were written");
            }
        }
        if (body.read() != -1) {
            throw lengthMismatch("the body is longer than the " + range.length() + " bytes Content-Range announced;"
                    + " the announced bytes were written, the rest was refused");
        }
    }

    /**
     * The medium guest I/O through the attachment goes to, checked writable when {@code forWriting}: for
     * other paths to the same disk (an NBD export), which must keep the same rules. Call while holding
     * the machine's guest-I/O lock.
     */
    public Image medium(UUID machineId, UUID attachmentId, boolean forWriting) {
        Image medium = mediumOf(machineId, attachmentId);
        if (forWriting) {
            requireWritable(medium);
        }
        return medium;
    }

    private Image mediumOf(UUID machineId, UUID attachmentId) {
        Attachment attachment = attachments.require(machineId, attachmentId);
        return images.findById(attachment.getMediumId()).orElseThrow(() -> new NotFoundException("image",
                attachment.getMediumId()));
    }

    /** Defence in depth: the medium a machine writes is a leaf and never immutable (see {@link Attachment}). */
    private void requireWritable(Image medium) {
        if (medium.getType() == ImageType.IMMUTABLE || !images.findByParentId(medium.getId()).isEmpty()) {
            throw new ConflictException("medium-not-writable", "image " + medium.getId()
                    + " is immutable or has differencing images on it; it cannot take guest writes");
        }
    }

    private static InvalidRequestException lengthMismatch(String detail) {
        return new InvalidRequestException("body-length-mismatch", detail);
    }
}

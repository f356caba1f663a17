package dev.diskfleet.provisioning.attachment;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.TooLargeException;
import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineLocks;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.metrics.DiskfleetMeters;
import dev.diskfleet.storage.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import org.springframework.stereotype.Service;

/**
 * A guest's disk as the guest sees it: reads go through the attachment's whole chain, writes land in its
 * medium (the machine's own image; never an immutable parent, which only ever sits below it). Both hold
 * the machine's guest-I/O lock, so a snapshot or reset never swaps the medium under a chunk in transfer
 * (a read takes it per chunk, never while its client is slow), and both stream in bounded chunks: nothing here holds a disk in memory. While a real guest runs, its disks
 * are its own: writes are refused, and so are reads of the qcow2 and raw files QEMU opens itself.
 */
@Service
public class GuestDiskService {

    /** The most one PUT may write; larger seeds are several PUTs. */
    public static final long MAX_WRITE_BYTES = 256L << 20;

    private final AttachmentCatalog attachments;
    private final ImageRepository images;
    private final MachineLocks locks;
    private final ImageStore store;
    private final MachineRepository machines;
    private final GuestHeldDisks heldDisks;
    private final FreeSpace freeSpace;
    private final DiskfleetMeters meters;

    public GuestDiskService(AttachmentCatalog attachments, ImageRepository images, MachineLocks locks,
            ImageStore store, MachineRepository machines, GuestHeldDisks heldDisks, FreeSpace freeSpace,
            DiskfleetMeters meters) {
        this.freeSpace = freeSpace;
        this.meters = meters;
        this.attachments = attachments;
        this.images = images;
        this.locks = locks;
        this.store = store;
        this.machines = machines;
        this.heldDisks = heldDisks;
    }

    /** Bytes a read copies under the guest-I/O lock at a time; it writes them to its client without it. */
    static final int READ_CHUNK = 1 << 20;

    /**
     * A read in progress. It holds the guest-I/O lock only while it copies one chunk from the disk, never
     * while its client takes the bytes: a slow client cannot hold off a snapshot or a power-on. Each chunk is
     * read from the attachment's medium as it is then, so a read that spans a snapshot goes on in the new
     * medium, which holds the same bytes.
     */
    public final class GuestRead implements AutoCloseable {

        private final UUID machineId;
        private final UUID attachmentId;
        private final long size;

        private GuestRead(UUID machineId, UUID attachmentId, long size) {
            this.machineId = machineId;
            this.attachmentId = attachmentId;
            this.size = size;
        }

        /** The disk's size in bytes, for the caller to choose which bytes to read. */
        public long size() {
            return size;
        }

        /** Streams {@code length} bytes of the disk from {@code offset}; the range must lie inside it. */
        public void streamTo(OutputStream out, long offset, long length) throws IOException {
            ChunkBuffer chunk = new ChunkBuffer(READ_CHUNK);
            long end = offset + length;
            for (long pos = offset; pos < end; pos += READ_CHUNK) {
                int n = (int) Math.min(READ_CHUNK, end - pos);
                chunk.reset();
                Lock lock = locks.guestIo(machineId);
                try {
                    store.streamRaw(readableMedium(machineId, attachmentId).getId(), pos, n, chunk);
                } finally {
                    lock.unlock();
                }
                chunk.writeTo(out);
            }
            meters.guestRead(length);
        }

        @Override
        public void close() {
            // nothing held between chunks
        }
    }

    /** One chunk of a read, kept between the disk and the client; its array is reused chunk after chunk. */
    private static final class ChunkBuffer extends java.io.ByteArrayOutputStream {

        ChunkBuffer(int size) {
            super(size);
        }
    }

    /** Opens a read of the disk in the attachment; the caller names the bytes once it knows the size. */
    public GuestRead openRead(UUID machineId, UUID attachmentId) {
        Lock lock = locks.guestIo(machineId);
        try {
            Image medium = readableMedium(machineId, attachmentId);
            return new GuestRead(machineId, attachmentId, medium.getSizeBytes());
        } finally {
            lock.unlock();
        }
    }

    /** The attachment's medium, once it is known that this process may read it now. */
    private Image readableMedium(UUID machineId, UUID attachmentId) {
        Image medium = mediumOf(machineId, attachmentId);
        if (!medium.getFormat().equals("vdi")) {
            // QEMU opens qcow2 and raw files itself: our reads would see its writes half done, through
            // block tables it has since changed. A VDI chain reaches the guest through our own NBD export.
            heldDisks.requireFree(machine(machineId), "read the disks of");
        }
        return medium;
    }

    /** A write about to happen: holds the guest-I/O lock until closed. */
    public final class GuestWrite implements AutoCloseable {

        private final Image medium;
        private final UUID machineId;
        private final Lock lock;

        private GuestWrite(Image medium, UUID machineId, Lock lock) {
            this.medium = medium;
            this.machineId = machineId;
            this.lock = lock;
        }

        /** The disk's size in bytes, for the caller to check where the bytes go. */
        public long size() {
            return medium.getSizeBytes();
        }

        /**
         * Writes the body, {@code length} bytes, at {@code offset}, which must lie inside the disk.
         * {@code declaredLength} is the length the request announced (-1 when chunked): checked before
         * anything is written. The body is received whole before the first byte is written, so one that
         * ends early, runs long or breaks off changes nothing.
         */
        public void write(long offset, long length, long declaredLength, InputStream body) throws IOException {
            String range = "bytes " + offset + "-" + (offset + length - 1);
            if (length > MAX_WRITE_BYTES) {
                throw new TooLargeException("write-too-large", "one PUT writes at most " + MAX_WRITE_BYTES
                        + " bytes; Content-Range " + range + " asks for " + length
                        + "; split the write into several PUTs");
            }
            if (declaredLength >= 0 && declaredLength != length) {
                throw SpooledBody.lengthMismatch("the body is " + declaredLength + " bytes (Content-Length), but"
                        + " Content-Range " + range + " covers " + length + " bytes; nothing was written");
            }
            freeSpace.require(length, "write into the disk of machine " + machineId);
            try (SpooledBody received = SpooledBody.receive(body, length, "machine " + machineId)) {
                received.forEachChunk((at, chunk) -> store.write(medium.getId(), offset + at, chunk));
            }
            meters.guestWritten(length);
        }

        @Override
        public void close() {
            lock.unlock();
        }
    }

    /** Opens a write into the attachment's own medium, once a running guest does not hold it and it may change. */
    public GuestWrite openWrite(UUID machineId, UUID attachmentId) {
        Lock lock = locks.guestIo(machineId);
        try {
            Image medium = mediumOf(machineId, attachmentId);
            heldDisks.requireFree(machine(machineId), "write to the disks of");
            requireWritable(medium);
            return new GuestWrite(medium, machineId, lock);
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
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

    private Machine machine(UUID machineId) {
        return machines.findById(machineId).orElseThrow(() -> new NotFoundException("machine", machineId));
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
}

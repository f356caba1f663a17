package dev.diskfleet.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;

/**
 * Stores uploaded images: streamed to a hidden file, the format detected from the first bytes, validated
 * by its driver, given the new UUID and published.
 */
final class Uploads {

    private static final int COPY_CHUNK = 1 << 20;

    private final List<ImageFormat> formats;
    private final Publisher publisher;
    private final StorageLimits limits;

    /** @param formats in probe order: the first that recognises an upload's first bytes takes it */
    Uploads(List<ImageFormat> formats, Publisher publisher, StorageLimits limits) {
        this.formats = List.copyOf(formats);
        this.publisher = publisher;
        this.limits = limits;
    }

    /** @param received runs once the whole stream is in the hidden file, before it is judged; it may refuse it */
    ImageSummary importImage(UUID id, InputStream in, Runnable received) {
        Path upload = publisher.hidden(id + ".upload");
        try {
            copySparse(in, upload);
            received.run();
            ImageFormat format = detect(upload);
            Path temp = publisher.tempPath(id, format);
            Files.move(upload, temp);
            try {
                return publisher.publish(id, format, ignored -> openUpload(id, format, temp, limits), temp);
            } finally {
                // Published, it was renamed away; refused (even before building, e.g. the UUID is taken), it goes.
                Publisher.deleteQuietly(temp);
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("store the upload as", upload, e);
        } finally {
            Publisher.deleteQuietly(upload);
        }
    }

    /**
     * Opens the upload as its driver would any image, refuses a disk of no bytes, then checks it whole as
     * {@code qemu-img check} would: a file whose tables are inconsistent (clusters shared or overlapping,
     * refcounts below the references, compressed clusters that do not inflate) is refused before anything
     * reads its data, so a few KiB cannot pose as terabytes to a clone.
     */
    private static ImageFile openUpload(UUID id, ImageFormat format, Path temp, StorageLimits limits) {
        ImageFile image = format.open(temp, true, limits);
        try {
            if (image.parentLink().isPresent()) {
                throw new ImageFormatException(format.name(), sourceOf(temp), "the uploaded " + format.name()
                        + " image names a parent or backing file; upload a standalone base image");
            }
            refuseEmptyDisk(format, temp, image);
            refuseInconsistent(format, temp, image.check());
            image.reidentify(id);
            return image;
        } catch (RuntimeException e) {
            image.close();
            throw e;
        }
    }

    /**
     * A qcow2 header may declare a 0-byte disk (QEMU creates one when asked): nothing could be read from it,
     * and every image made from it would be a disk of no bytes, which no format stores. VDI's own validation
     * already refuses one; this refuses it for every format.
     */
    private static void refuseEmptyDisk(ImageFormat format, Path temp, ImageFile image) {
        if (image.virtualSize() <= 0) {
            throw new ImageFormatException(format.name(), sourceOf(temp), "the uploaded " + format.name() + " image declares a disk of "
                    + image.virtualSize() + " bytes; upload an image of a disk that holds at least one sector");
        }
    }

    private static void refuseInconsistent(ImageFormat format, Path temp, CheckReport report) {
        List<String> problems = report.corruptions();
        if (problems.isEmpty()) {
            return;
        }
        String shown = String.join("; ", problems.subList(0, Math.min(3, problems.size())));
        String more = problems.size() > 3 ? " (and " + (problems.size() - 3) + " more problems)" : "";
        // The problems name the hidden file the upload was streamed into, as the source says.
        throw new ImageFormatException(format.name(), sourceOf(temp), "the uploaded " + format.name()
                + " image is inconsistent: " + shown + more);
    }

    private ImageFormat detect(Path file) {
        ByteBuffer head = ByteBuffer.allocate(512);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && channel.read(head) > 0) {
                // keep reading: a short file simply gives a short head
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("read", file, e);
        }
        head.flip();
        if (!head.hasRemaining()) {
            throw new ImageFormatException(null, sourceOf(file), "the upload is empty");
        }
        for (ImageFormat format : formats) {
            if (format.recognizes(head)) {
                return format;
            }
        }
        throw new ImageFormatException(null, sourceOf(file), "no installed image format recognises the upload; installed: "
                + formats.stream().map(ImageFormat::name).toList());
    }

    private static String sourceOf(Path file) {
        return file.getFileName().toString();
    }

    /** Copies a stream to a new file, leaving holes where whole chunks are zero. */
    private static void copySparse(InputStream in, Path file) throws IOException {
        try (FileChannel out = FileIo.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadableByteChannel src = Channels.newChannel(in)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(COPY_CHUNK);
            long position = 0;
            while (true) {
                buf.clear();
                while (buf.hasRemaining() && src.read(buf) >= 0) {
                    // fill the chunk
                }
                buf.flip();
                if (!buf.hasRemaining()) {
                    break;
                }
                int length = buf.remaining();
                if (!Zeros.isAllZero(buf)) {
                    FileIo.writeFully(out, buf, position, file);
                }
                position += length;
                if (length < COPY_CHUNK) {
                    break;
                }
            }
            if (position > 0 && out.size() < position) {
                FileIo.writeFully(out, ByteBuffer.allocate(1), position - 1, file);
            }
        }
    }
}

package dev.diskfleet.provisioning.attachment;

import dev.diskfleet.domain.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest write's body, received whole before any byte reaches the disk: a body that ends early, runs
 * long or breaks off when the client disconnects is refused with nothing half-applied. Up to
 * {@value #IN_MEMORY} bytes stay in memory; larger bodies (at most 256 MiB) go to a temporary file that
 * is deleted on close, so memory stays bounded.
 */
final class SpooledBody implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpooledBody.class);
    static final int IN_MEMORY = 1 << 20;
    private static final int CHUNK = 1 << 20;

    private final long length;
    private final byte[] memory;
    private final Path file;

    private SpooledBody(long length, byte[] memory, Path file) {
        this.length = length;
        this.memory = memory;
        this.file = file;
    }

    /** Reads exactly {@code length} bytes and checks that nothing follows them. */
    static SpooledBody receive(InputStream body, long length, String target) {
        try {
            if (length <= IN_MEMORY) {
                byte[] bytes = new byte[(int) length];
                int got = readFully(body, bytes, (int) length, target);
                requireComplete(got, length);
                requireEnd(body, length, target);
                return new SpooledBody(length, bytes, null);
            }
            Path file = Files.createTempFile("diskfleet-guest-write-", ".part");
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                byte[] chunk = new byte[CHUNK];
                long received = 0;
                while (received < length) {
                    int want = (int) Math.min(CHUNK, length - received);
                    int got = readFully(body, chunk, want, target);
                    ByteBuffer part = ByteBuffer.wrap(chunk, 0, got);
                    while (part.hasRemaining()) {
                        out.write(part, received + part.position());
                    }
                    received += got;
                    if (got < want) {
                        requireComplete(received, length);
                    }
                }
                requireEnd(body, length, target);
                return new SpooledBody(length, null, file);
            } catch (RuntimeException | IOException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool a guest write to a temporary file", e);
        }
    }

    /** Hands the body to {@code sink} in chunks of at most 1 MiB, each with its offset in the body. */
    void forEachChunk(BiConsumer<Long, ByteBuffer> sink) {
        if (memory != null) {
            for (int pos = 0; pos < length; pos += CHUNK) {
                sink.accept((long) pos, ByteBuffer.wrap(memory, pos, (int) Math.min(CHUNK, length - pos)));
            }
            return;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            for (long pos = 0; pos < length; pos += CHUNK) {
                buf.clear().limit((int) Math.min(CHUNK, length - pos));
                while (buf.hasRemaining() && in.read(buf, pos + buf.position()) > 0) {
                    // the file holds every byte: it was written whole
                }
                sink.accept(pos, buf.flip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read back a spooled guest write", e);
        }
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("could not delete the spooled guest write {}", file.getFileName(), e);
            }
        }
    }

    /**
     * A failed read of the body means the client went away (or stalled past the timeout): a client's doing,
     * told in one INFO line, not a service failure with a stack trace.
     */
    private static int readFully(InputStream body, byte[] into, int want, String target) {
        try {
            return body.readNBytes(into, 0, want);
        } catch (IOException e) {
            log.info("guest write to {} broke off before its body was complete ({}); nothing was written", target,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            throw new InvalidRequestException("body-interrupted", "the body broke off before it was complete;"
                    + " nothing was written, send the write again");
        }
    }

    private static void requireComplete(long received, long length) {
        if (received < length) {
            throw lengthMismatch("the body ended after " + received + " of the " + length
                    + " bytes Content-Range announced; nothing was written");
        }
    }

    private static void requireEnd(InputStream body, long length, String target) {
        byte[] one = new byte[1];
        if (readFully(body, one, 1, target) > 0) {
            throw lengthMismatch("the body is longer than the " + length + " bytes Content-Range announced;"
                    + " nothing was written");
        }
    }

    static InvalidRequestException lengthMismatch(String detail) {
        return new InvalidRequestException("body-length-mismatch", detail);
    }
}

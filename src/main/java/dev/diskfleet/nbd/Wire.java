package dev.diskfleet.nbd;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;

/** Blocking reads and writes of whole buffers on one connection's channel. */
final class Wire {

    private ByteChannel channel;
    private final ByteBuffer skipBuffer = ByteBuffer.allocate(64 * 1024);

    Wire(ByteChannel channel) {
        this.channel = channel;
    }

    /** From now on every byte goes through {@code secured} (after STARTTLS), which wraps the old channel. */
    void upgrade(ByteChannel secured) {
        this.channel = secured;
    }

    /** Fills {@code dst} to its limit; a client that hangs up first ends the connection. */
    void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (channel.read(dst) < 0) {
                throw new EOFException("the client closed the connection");
            }
        }
    }

    /** Reads and throws away {@code length} bytes (the payload of a refused request). */
    void skip(long length) throws IOException {
        while (length > 0) {
            skipBuffer.clear().limit((int) Math.min(skipBuffer.capacity(), length));
            readFully(skipBuffer);
            length -= skipBuffer.limit();
        }
    }

    void write(ByteBuffer... buffers) throws IOException {
        GatheringByteChannel out = (GatheringByteChannel) channel;
        long remaining = 0;
        for (ByteBuffer buffer : buffers) {
            remaining += buffer.remaining();
        }
        while (remaining > 0) {
            remaining -= out.write(buffers);
        }
    }

    static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // Already broken or closed: nothing left to release.
        }
    }
}

package dev.diskfleet.nbd;

import static dev.diskfleet.nbd.Protocol.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reply messages of the transmission phase (proto.md "Simple reply message", "Structured reply chunk
 * message"), written from one reused header buffer.
 */
final class Replies {

    private static final int STRUCTURED_HEADER = 20;

    private final Wire wire;
    private final boolean structured;
    private final ByteBuffer header = ByteBuffer.allocateDirect(64);

    Replies(Wire wire, boolean structured) {
        this.wire = wire;
        this.structured = structured;
    }

    boolean structured() {
        return structured;
    }

    /** Success without payload: a simple reply is allowed for it even when structured replies are on. */
    void ok(long cookie) throws IOException {
        simpleHeader(0, cookie);
        wire.write(header);
    }

    /** An error: a structured error chunk with a message when negotiated (proto.md prefers it), else simple. */
    void error(long cookie, int error, String message) throws IOException {
        if (!structured) {
            simpleHeader(error, cookie);
            wire.write(header);
            return;
        }
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 4096);
        chunkHeader(REPLY_FLAG_DONE, REPLY_TYPE_ERROR, cookie, 6 + length);
        header.putInt(error).putShort((short) length).flip();
        wire.write(header, ByteBuffer.wrap(text, 0, length));
    }

    /** Simple read reply: the header, then the data (the caller has all of it or hangs up on failure). */
    void simpleData(long cookie, ByteBuffer data) throws IOException {
        simpleHeader(0, cookie);
        wire.write(header, data);
    }

    /** The final chunk of a structured reply that carried nothing else (a zero-length read). */
    void done(long cookie) throws IOException {
        chunkHeader(REPLY_FLAG_DONE, REPLY_TYPE_NONE, cookie, 0);
        header.flip();
        wire.write(header);
    }

    void rawData(ByteBuffer data) throws IOException {
        wire.write(data);
    }

    void offsetData(long cookie, long offset, ByteBuffer data, boolean last) throws IOException {
        chunkHeader(last ? REPLY_FLAG_DONE : 0, REPLY_TYPE_OFFSET_DATA, cookie, 8 + data.remaining());
        header.putLong(offset).flip();
        wire.write(header, data);
    }

    void offsetHole(long cookie, long offset, int length, boolean last) throws IOException {
        chunkHeader(last ? REPLY_FLAG_DONE : 0, REPLY_TYPE_OFFSET_HOLE, cookie, 12);
        header.putLong(offset).putInt(length).flip();
        wire.write(header);
    }

    /** One BLOCK_STATUS chunk; {@code descriptors} holds (length, flags) pairs, ready to send. */
    void blockStatus(long cookie, int contextId, ByteBuffer descriptors) throws IOException {
        chunkHeader(REPLY_FLAG_DONE, REPLY_TYPE_BLOCK_STATUS, cookie, 4 + descriptors.remaining());
        header.putInt(contextId).flip();
        wire.write(header, descriptors);
    }

    private void simpleHeader(int error, long cookie) {
        header.clear();
        header.putInt(SIMPLE_REPLY_MAGIC).putInt(error).putLong(cookie).flip();
    }

    private void chunkHeader(int flags, int type, long cookie, int length) {
        header.clear();
        header.putInt(STRUCTURED_REPLY_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
                .putInt(length);
        assert header.position() == STRUCTURED_HEADER;
    }
}

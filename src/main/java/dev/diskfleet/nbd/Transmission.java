package dev.diskfleet.nbd;

import static dev.diskfleet.nbd.Protocol.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The transmission phase (proto.md "Transmission", "Request types"): one request at a time, in order,
 * on the connection's thread. Serial handling keeps FLUSH simple: every write answered earlier on any
 * connection has returned from the device, so forcing the device covers it.
 *
 * <p>Memory per connection is bounded by {@link #CHUNK}: larger reads and writes stream through it. A
 * range outside the export is refused before the device sees it; a payload longer than the advertised
 * maximum, or a frame with the wrong magic, ends the connection.
 */
final class Transmission {

    static final int CHUNK = 1 << 20;
    /** proto.md allows fewer extents than asked; this caps one BLOCK_STATUS reply at 512 KiB. */
    static final int MAX_EXTENTS = 1 << 16;
    private static final int REQUEST_BYTES = 28;
    private static final System.Logger LOG = System.getLogger(Transmission.class.getName());

    private final Wire wire;
    private final Session session;
    private final Export export;
    private final BlockDevice device;
    private final Replies replies;
    private final ByteBuffer request = ByteBuffer.allocateDirect(REQUEST_BYTES);
    private ByteBuffer data;

    Transmission(Wire wire, Session session) {
        this.wire = wire;
        this.session = session;
        this.export = session.export();
        this.device = export.device();
        this.replies = new Replies(wire, session.structuredReplies());
    }

    /** Serves requests until the client sends DISC (returns) or breaks the protocol (throws). */
    void serve() throws IOException, ProtocolViolation {
        while (true) {
            request.clear();
            wire.readFully(request);
            request.flip();
            if (request.getInt() != REQUEST_MAGIC) {
                throw new ProtocolViolation("a request did not start with the request magic");
            }
            int flags = Short.toUnsignedInt(request.getShort());
            int type = Short.toUnsignedInt(request.getShort());
            long cookie = request.getLong();
            long offset = request.getLong();
            long length = Integer.toUnsignedLong(request.getInt());
            if (type == CMD_DISC) {
                return;
            }
            handle(new Request(type, flags, cookie, offset, length));
        }
    }

    private record Request(int type, int flags, long cookie, long offset, long length) {

        boolean fua() {
            return (flags & CMD_FLAG_FUA) != 0;
        }

        boolean flagsWithin(int allowed) {
            return (flags & ~(allowed | CMD_FLAG_FUA)) == 0;
        }
    }

    private void handle(Request r) throws IOException, ProtocolViolation {
        if (r.type() == CMD_WRITE) {
            write(r);
            return;
        }
        Refusal refusal = refusal(r);
        if (refusal != null) {
            replies.error(r.cookie(), refusal.error(), refusal.message());
            return;
        }
        try {
            switch (r.type()) {
                case CMD_READ -> read(r);
                case CMD_FLUSH -> {
                    device.flush();
                    replies.ok(r.cookie());
                }
                case CMD_TRIM -> {
                    device.trim(r.offset(), r.length());
                    finishWrite(r);
                }
                case CMD_WRITE_ZEROES -> {
                    device.writeZeroes(r.offset(), r.length());
                    finishWrite(r);
                }
                case CMD_BLOCK_STATUS -> blockStatus(r);
                default -> throw new IllegalStateException("refusal() lets no other command through");
            }
        } catch (NoSpaceException e) {
            replies.error(r.cookie(), ENOSPC, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, export.description() + ": command " + r.type() + " failed", e);
            replies.error(r.cookie(), EIO, "I/O error: " + e.getMessage());
        }
    }

    /** Why a request is refused, with proto.md's error for it; null when it may run. */
    private record Refusal(int error, String message) {
    }

    private Refusal refusal(Request r) {
        return switch (r.type()) {
            case CMD_READ -> !r.flagsWithin(0) ? invalid("unknown flags")
                    : r.length() > MAX_PAYLOAD ? invalid("a read longer than " + MAX_PAYLOAD + " bytes")
                    : outside(r, EINVAL);
            case CMD_FLUSH -> r.flagsWithin(0) ? null : invalid("unknown flags");
            case CMD_WRITE -> !device.writable() ? readOnly()
                    : !r.flagsWithin(0) ? invalid("unknown flags") : outside(r, ENOSPC);
            case CMD_TRIM -> !device.writable() ? readOnly()
                    : !device.canTrim() ? invalid("TRIM is not supported by this export")
                    : !r.flagsWithin(0) ? invalid("unknown flags") : outside(r, EINVAL);
            case CMD_WRITE_ZEROES -> !device.writable() ? readOnly()
                    : !device.canWriteZeroes() ? invalid("WRITE_ZEROES is not supported by this export")
                    : !r.flagsWithin(CMD_FLAG_NO_HOLE) ? invalid("unknown flags") : outside(r, ENOSPC);
            case CMD_BLOCK_STATUS -> !session.blockStatus() ? invalid("no metadata context was selected")
                    : !r.flagsWithin(CMD_FLAG_REQ_ONE) ? invalid("unknown flags")
                    : r.length() == 0 ? invalid("an empty range") : outside(r, EINVAL);
            default -> invalid("unknown command " + r.type());
        };
    }

    private static Refusal invalid(String message) {
        return new Refusal(EINVAL, message);
    }

    private static Refusal readOnly() {
        return new Refusal(EPERM, "the export is read-only");
    }

    /** proto.md: ENOSPC for writes past the end, EINVAL for other commands. */
    private Refusal outside(Request r, int error) {
        long size = device.size();
        boolean inside = r.offset() >= 0 && r.length() <= size && r.offset() <= size - r.length();
        return inside ? null : new Refusal(error, "range " + Long.toUnsignedString(r.offset()) + "+" + r.length()
                + " is outside the " + size + "-byte export");
    }

    private void read(Request r) throws IOException {
        if (r.length() == 0) {
            if (replies.structured()) {
                replies.done(r.cookie());
            } else {
                replies.ok(r.cookie());
            }
            return;
        }
        long end = r.offset() + r.length();
        boolean first = true;
        for (long pos = r.offset(); pos < end; ) {
            int n = (int) Math.min(CHUNK, end - pos);
            boolean last = pos + n == end;
            if (replies.structured() && readsAsZeros(pos, n)) {
                replies.offsetHole(r.cookie(), pos, n, last);
            } else {
                ByteBuffer buf = buffer(n);
                try {
                    device.read(pos, buf);
                } catch (RuntimeException e) {
                    if (!first && !replies.structured()) {
                        // proto.md: after a simple reply header announced success, only hanging up is left.
                        throw new IOException("read failed after the reply header was sent", e);
                    }
                    throw e;
                }
                buf.flip();
                if (replies.structured()) {
                    replies.offsetData(r.cookie(), pos, buf, last);
                } else if (first) {
                    replies.simpleData(r.cookie(), buf);
                } else {
                    replies.rawData(buf);
                }
            }
            first = false;
            pos += n;
        }
        export.countRead(r.length());
    }

    private boolean readsAsZeros(long offset, int length) {
        List<Extent> first = device.allocation(offset, length, 1);
        return !first.isEmpty() && first.get(0).length() >= length && first.get(0).readsAsZeros();
    }

    /** Writes stream through the chunk buffer; a refused write's payload is read and dropped to stay in step. */
    private void write(Request r) throws IOException, ProtocolViolation {
        if (r.length() > MAX_PAYLOAD) {
            throw new ProtocolViolation("a write of " + r.length() + " bytes, above the advertised maximum");
        }
        Refusal refusal = refusal(r);
        if (refusal != null) {
            wire.skip(r.length());
            replies.error(r.cookie(), refusal.error(), refusal.message());
            return;
        }
        long end = r.offset() + r.length();
        for (long pos = r.offset(); pos < end; ) {
            int n = (int) Math.min(CHUNK, end - pos);
            ByteBuffer buf = buffer(n);
            wire.readFully(buf);
            buf.flip();
            try {
                device.write(pos, buf);
            } catch (NoSpaceException e) {
                wire.skip(end - pos - n);
                replies.error(r.cookie(), ENOSPC, e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, export.description() + ": write failed", e);
                wire.skip(end - pos - n);
                replies.error(r.cookie(), EIO, "I/O error: " + e.getMessage());
                return;
            }
            pos += n;
        }
        export.countWritten(r.length());
        finishWrite(r);
    }

    /** FUA: the reply waits until this command's data is on stable storage. */
    private void finishWrite(Request r) throws IOException {
        if (r.fua()) {
            device.flush();
        }
        replies.ok(r.cookie());
    }

    private void blockStatus(Request r) throws IOException {
        boolean reqOne = (r.flags() & CMD_FLAG_REQ_ONE) != 0;
        List<Extent> extents = device.allocation(r.offset(), r.length(), reqOne ? 1 : MAX_EXTENTS);
        ByteBuffer descriptors = ByteBuffer.allocate(8 * extents.size());
        for (Extent extent : extents) {
            descriptors.putInt((int) extent.length()).putInt(extent.flags());
        }
        replies.blockStatus(r.cookie(), BASE_ALLOCATION_ID, descriptors.flip());
    }

    private ByteBuffer buffer(int length) {
        if (data == null) {
            data = ByteBuffer.allocateDirect(CHUNK);
        }
        return data.clear().limit(length);
    }
}

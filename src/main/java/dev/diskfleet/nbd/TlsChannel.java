package dev.diskfleet.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A blocking TLS channel over a connected socket, driven by an {@link SSLEngine} on the connection's own
 * thread (proto.md "TLS support": after the server's ACK to {@code NBD_OPT_STARTTLS} both sides start TLS
 * on the same socket). Reads and writes are serial, as the connection is: one request at a time.
 */
final class TlsChannel implements ByteChannel, GatheringByteChannel {

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final SocketChannel socket;
    private final SSLEngine engine;
    /** Ciphertext read from the socket and not yet unwrapped (write mode). */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet handed to a reader (write mode). */
    private ByteBuffer appIn;
    private ByteBuffer netOut;

    private TlsChannel(SocketChannel socket, SSLEngine engine) {
        this.socket = socket;
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /** Runs the TLS handshake as the server; a client that fails it (no or a wrong certificate) gets an exception. */
    static TlsChannel accept(SocketChannel socket, SSLEngine engine) throws IOException {
        TlsChannel channel = new TlsChannel(socket, engine);
        engine.beginHandshake();
        channel.handshake();
        return channel;
    }

    private void handshake() throws IOException {
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(new ByteBuffer[] {NOTHING}, 0, 1);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrap() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the client closed TLS during the handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (appIn.position() == 0) {
            if (unwrap() == SSLEngineResult.Status.CLOSED) {
                return -1;
            }
            // TLS 1.3 sends session tickets and key updates after the handshake; they may ask for an answer.
            handshake();
        }
        appIn.flip();
        int n = Math.min(dst.remaining(), appIn.remaining());
        dst.put(appIn.slice(appIn.position(), n));
        appIn.position(appIn.position() + n).compact();
        return n;
    }

    /** Unwraps one record into {@link #appIn}, reading from the socket as long as a record is incomplete. */
    private SSLEngineResult.Status unwrap() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case OK, CLOSED -> {
                    return result.getStatus();
                }
                case BUFFER_OVERFLOW -> appIn = grown(appIn, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grown(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (socket.read(netIn) < 0) {
                        throw new EOFException("the client closed the connection inside a TLS record");
                    }
                }
            }
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long written = 0;
        do {
            written += wrap(srcs, offset, length);
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
        } while (hasRemaining(srcs, offset, length));
        return written;
    }

    /** Wraps what one record holds and sends it whole; returns the plaintext bytes consumed. */
    private int wrap(ByteBuffer[] srcs, int offset, int length) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(srcs, offset, length, netOut);
            switch (result.getStatus()) {
                case OK -> {
                    netOut.flip();
                    while (netOut.hasRemaining()) {
                        socket.write(netOut);
                    }
                    return result.bytesConsumed();
                }
                case BUFFER_OVERFLOW -> netOut = grown(netOut, engine.getSession().getPacketBufferSize());
                case CLOSED -> throw new ClosedChannelException();
                case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap never underflows");
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] buffers, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buffers[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** A buffer of at least {@code size} bytes (twice the old one when that is not larger), same content. */
    private static ByteBuffer grown(ByteBuffer buffer, int size) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, buffer.capacity() * 2));
        return bigger.put(buffer.flip());
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Closes the socket without a TLS close_notify: the connection ends either way, and nobody waits for it. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}

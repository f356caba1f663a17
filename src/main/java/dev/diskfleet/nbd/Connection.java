package dev.diskfleet.nbd;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** One client: the handshake, then the transmission phase, on a thread of its own until either side hangs up. */
final class Connection implements Runnable, Closeable {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final SocketChannel channel;
    private final Exports exports;
    private final Handshake.Policy policy;
    private final Runnable onEnd;
    private volatile boolean transmitting;

    Connection(SocketChannel channel, Exports exports, Handshake.Policy policy, Runnable onEnd) {
        this.channel = channel;
        this.exports = exports;
        this.policy = policy;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        Export attached = null;
        try {
            Wire wire = new Wire(channel);
            Optional<Session> session = new Handshake(wire, channel, exports, policy, this).negotiate();
            if (session.isPresent()) {
                attached = session.get().export();
                transmitting = true;
                new Transmission(wire, session.get()).serve();
            }
        } catch (ProtocolViolation e) {
            LOG.log(System.Logger.Level.INFO, "NBD client dropped: " + e.getMessage());
        } catch (SSLException e) {
            LOG.log(System.Logger.Level.INFO, "NBD client failed TLS: " + e.getMessage());
        } catch (EOFException | ClosedChannelException e) {
            // The client hung up, its handshake timed out, or the export was removed and closed this connection.
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "NBD connection failed", e);
        } finally {
            if (attached != null) {
                attached.detach(this);
            }
            close();
            onEnd.run();
        }
    }

    /** The handshake deadline: a client that has not chosen an export by now is dropped. */
    void closeIfStillNegotiating() {
        if (!transmitting) {
            close();
        }
    }

    @Override
    public void close() {
        Wire.closeQuietly(channel);
    }
}

package dev.diskfleet.nbd;

import java.time.Duration;

/**
 * What one server lets clients hold, so that idle or hostile clients cannot lock others out.
 *
 * @param handshakeTimeout how long a client may take from connecting to choosing an export (TLS included);
 *     then it is dropped
 * @param maxConnections clients connected at once, in any phase; each costs a thread and up to 1 MiB of
 *     buffers
 * @param maxConnectionsPerClient clients connected at once from one address (TCP) or one user id (the Unix
 *     socket, by {@code SO_PEERCRED})
 */
public record ConnectionLimits(Duration handshakeTimeout, int maxConnections, int maxConnectionsPerClient) {

    public static final ConnectionLimits DEFAULT = new ConnectionLimits(Duration.ofSeconds(10), 512, 128);

    public ConnectionLimits {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the NBD handshake timeout must be positive, got " + handshakeTimeout);
        }
        if (maxConnections < 1 || maxConnectionsPerClient < 1) {
            throw new IllegalArgumentException("NBD connection limits must be at least 1, got " + maxConnections
                    + " in total and " + maxConnectionsPerClient + " per client");
        }
    }
}

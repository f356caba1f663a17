package dev.diskfleet.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Accepts NBD clients on one {@link Endpoint} and serves them the {@link Exports}, a thread per client.
 * Exports may be added and removed while it runs; closing the server drops every client.
 *
 * <p>A client over the Unix socket (mode 0600) is the service's own user or root. A TCP port on the
 * loopback interface is open to every local user: there exports are not listed, and with
 * {@link TlsCredentials} TLS is required before anything else. Both endpoints drop a client that has not
 * chosen an export within the handshake timeout and hold the {@link ConnectionLimits}.
 */
public final class NbdServer implements Closeable {

    private static final System.Logger LOG = System.getLogger(NbdServer.class.getName());
    private static final Duration REFUSAL_REPORT_INTERVAL = Duration.ofMinutes(1);

    private final Exports exports;
    private final Endpoint endpoint;
    private final Handshake.Policy policy;
    private final ConnectionLimits limits;
    private final Admission admission;
    private final ServerSocketChannel listener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientNumbers = new AtomicInteger();
    private final Thread acceptor;
    private final ScheduledExecutorService deadlines;
    private final int port;
    /** Touched by the acceptor thread only. */
    private long lastRefusalReport;
    private long refusedSinceReport;

    private NbdServer(Exports exports, Endpoint endpoint, ConnectionLimits limits, Optional<TlsCredentials> tls)
            throws IOException {
        this.exports = exports;
        this.endpoint = endpoint;
        this.policy = new Handshake.Policy(!(endpoint instanceof Endpoint.LoopbackTcp), tls);
        this.limits = limits;
        this.admission = new Admission(limits);
        this.listener = endpoint.bind();
        this.port = listener.getLocalAddress() instanceof InetSocketAddress inet ? inet.getPort() : -1;
        this.acceptor = new Thread(this::acceptClients, "nbd-accept-" + endpoint);
        this.acceptor.setDaemon(true);
        this.deadlines = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "nbd-handshake-deadlines-" + endpoint);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Binds the endpoint and starts accepting clients, with the default limits and no TLS. */
    public static NbdServer start(Exports exports, Endpoint endpoint) {
        return start(exports, endpoint, ConnectionLimits.DEFAULT, Optional.empty());
    }

    /**
     * Binds the endpoint and starts accepting clients.
     *
     * @param tls when present, every client must start TLS with these credentials before anything else
     */
    public static NbdServer start(Exports exports, Endpoint endpoint, ConnectionLimits limits,
            Optional<TlsCredentials> tls) {
        try {
            NbdServer server = new NbdServer(exports, endpoint, limits, tls);
            server.acceptor.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on " + endpoint, e);
        }
    }

    public Exports exports() {
        return exports;
    }

    /** The URI a client opens the export with: {@code nbd+unix:///NAME?socket=PATH} or {@code nbd://127.0.0.1:PORT/NAME}. */
    public String uri(String exportName) {
        return endpoint.uri(percentEncode(exportName), port);
    }

    /** The bound TCP port; -1 on a Unix socket. */
    public int port() {
        return port;
    }

    /** Clients connected now, in any phase. */
    public int connectionCount() {
        return connections.size();
    }

    @Override
    public void close() {
        Wire.closeQuietly(listener);
        for (Connection connection : Set.copyOf(connections)) {
            connection.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadlines.shutdownNow();
        endpoint.release();
    }

    private void acceptClients() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                Object peer = peerOf(client);
                if (!admission.admit(peer)) {
                    Wire.closeQuietly(client);
                    reportRefusal(peer);
                    continue;
                }
                serve(client, peer);
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    return;
                }
            }
        }
    }

    /** One line per {@link #REFUSAL_REPORT_INTERVAL} at most: a flood of connections must not flood the log. */
    private void reportRefusal(Object peer) {
        refusedSinceReport++;
        long now = System.nanoTime();
        if (lastRefusalReport != 0 && now - lastRefusalReport < REFUSAL_REPORT_INTERVAL.toNanos()) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "NBD clients turned away: " + refusedSinceReport + " connection(s)"
                + " since the last report, the latest from " + peer + "; " + admission.total() + " held (at most "
                + limits.maxConnections() + ", " + limits.maxConnectionsPerClient() + " per client)");
        lastRefusalReport = now;
        refusedSinceReport = 0;
    }

    private void serve(SocketChannel client, Object peer) throws IOException {
        if (endpoint instanceof Endpoint.LoopbackTcp) {
            // proto.md asks both sides to disable Nagle's algorithm.
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        Connection[] self = new Connection[1];
        self[0] = new Connection(client, exports, policy, () -> {
            connections.remove(self[0]);
            admission.release(peer);
        });
        connections.add(self[0]);
        deadlines.schedule(self[0]::closeIfStillNegotiating, limits.handshakeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        Thread thread = new Thread(self[0], "nbd-client-" + clientNumbers.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Whom a connection counts against: its address over TCP; over the Unix socket the peer's user id
     * ({@code SO_PEERCRED}), or one shared key where the platform does not say.
     */
    private static Object peerOf(SocketChannel client) throws IOException {
        if (client.getRemoteAddress() instanceof InetSocketAddress inet) {
            return inet.getAddress();
        }
        if (client.supportedOptions().contains(ExtendedSocketOptions.SO_PEERCRED)) {
            UnixDomainPrincipal principal = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return "uid " + principal.user().getName();
        }
        return "unix socket";
    }

    /** RFC 3986: everything but unreserved characters is percent-encoded, as UTF-8. */
    private static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}

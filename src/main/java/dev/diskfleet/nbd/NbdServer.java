package dev.diskfleet.nbd;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts NBD clients on one {@link Endpoint} and serves them the {@link Exports}, a thread per client.
 * Exports may be added and removed while it runs; closing the server drops every client.
 */
public final class NbdServer implements Closeable {

    /** More clients than this are turned away at once: each costs a thread and up to 1 MiB of buffers. */
    static final int MAX_CLIENTS = 512;

    private final Exports exports;
    private final Endpoint endpoint;
    private final ServerSocketChannel listener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientNumbers = new AtomicInteger();
    private final Thread acceptor;
    private final int port;

    private NbdServer(Exports exports, Endpoint endpoint) throws IOException {
        this.exports = exports;
        this.endpoint = endpoint;
        this.listener = endpoint.bind();
        this.port = listener.getLocalAddress() instanceof InetSocketAddress inet ? inet.getPort() : -1;
        this.acceptor = new Thread(this::acceptClients, "nbd-accept-" + endpoint);
        this.acceptor.setDaemon(true);
    }

    /** Binds the endpoint and starts accepting clients. */
    public static NbdServer start(Exports exports, Endpoint endpoint) {
        try {
            NbdServer server = new NbdServer(exports, endpoint);
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
        endpoint.release();
    }

    private void acceptClients() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                if (connections.size() >= MAX_CLIENTS) {
                    Wire.closeQuietly(client);
                    continue;
                }
                if (endpoint instanceof Endpoint.LoopbackTcp) {
                    // proto.md asks both sides to disable Nagle's algorithm.
                    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                Connection[] self = new Connection[1];
                self[0] = new Connection(client, exports, () -> connections.remove(self[0]));
                connections.add(self[0]);
                Thread thread = new Thread(self[0], "nbd-client-" + clientNumbers.incrementAndGet());
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    return;
                }
            }
        }
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

package dev.diskfleet.nbd;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named device served to NBD clients, with its counters. Closing it (removing it from {@link Exports})
 * drops every client still connected; none can attach afterwards.
 */
public final class Export implements Closeable {

    /** proto.md: strings are at most 4096 bytes. */
    static final int MAX_NAME_BYTES = 4096;

    private final String name;
    private final String description;
    private final BlockDevice device;
    private final Set<Closeable> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionsTotal = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile boolean closed;

    public Export(String name, String description, BlockDevice device) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("an export name has 1 to " + MAX_NAME_BYTES + " bytes: '" + name + "'");
        }
        this.name = name;
        this.description = description == null ? "" : description;
        this.device = device;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public BlockDevice device() {
        return device;
    }

    public ExportStats stats() {
        return new ExportStats(name, device.size(), device.writable(), clients.size(), connectionsTotal.get(),
                bytesRead.get(), bytesWritten.get());
    }

    /** Registers a client entering transmission; false when the export was closed meanwhile. */
    boolean attach(Closeable client) {
        synchronized (clients) {
            if (closed) {
                return false;
            }
            clients.add(client);
        }
        connectionsTotal.incrementAndGet();
        return true;
    }

    void detach(Closeable client) {
        clients.remove(client);
    }

    void countRead(long bytes) {
        bytesRead.addAndGet(bytes);
    }

    void countWritten(long bytes) {
        bytesWritten.addAndGet(bytes);
    }

    boolean isClosed() {
        return closed;
    }

    /** Drops every connected client: their sockets close and their threads end. */
    @Override
    public void close() {
        List<Closeable> toDrop;
        synchronized (clients) {
            closed = true;
            toDrop = List.copyOf(clients);
        }
        for (Closeable client : toDrop) {
            Wire.closeQuietly(client);
            clients.remove(client);
        }
    }
}

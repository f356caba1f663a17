package dev.diskfleet.nbd;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.Variant;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;

/**
 * A store holding a chain three deep (one image for raw, which has no differencing images) with data,
 * zero records and holes in every layer, served by an {@link NbdServer} on a Unix socket in the store's
 * root. {@link #expected} mirrors what the disk must read.
 */
final class ExportedChain implements AutoCloseable {

    static final int SIZE = 24 << 20;
    static final int MIB = 1 << 20;
    /** Nothing is ever written past here: the tail of every chain is a hole. */
    static final int WRITTEN_END = 16 << 20;

    final ImageStore store;
    private final Path root;
    final String format;
    final UUID base = UUID.randomUUID();
    final UUID middle = UUID.randomUUID();
    final UUID top = UUID.randomUUID();
    final byte[] expected = new byte[SIZE];
    final Exports exports = new Exports();
    final NbdServer server;
    final Path socket;

    ExportedChain(Path root, String format) {
        this.root = root;
        this.store = ImageStore.withDefaultFormats(root);
        this.format = format;
        Random random = new Random(format.hashCode());
        store.create(base, format, SIZE, Variant.DYNAMIC);
        write(base, random, 0, 4 * MIB);
        write(base, random, 6 * MIB, 2 * MIB);
        write(base, random, 10 * MIB + 512, 3000);
        if (!format.equals("raw")) {
            store.createDifferencing(middle, base);
            write(middle, random, MIB + 4096, 70_000);
            zero(middle, 2 * MIB, MIB);
            write(middle, random, 12 * MIB, 2 * MIB);
            store.createDifferencing(top, middle);
            write(top, random, 3 * MIB - 100, 200);
            write(top, random, 12 * MIB + 65536, 4096);
            zero(top, 6 * MIB, MIB);
        }
        this.socket = root.resolve("nbd.sock");
        this.server = NbdServer.start(exports, Endpoint.unixSocket(socket));
    }

    UUID topId() {
        return format.equals("raw") ? base : top;
    }

    Chain chain() {
        return store.chainForNbdExport(topId());
    }

    Export export(String name, boolean writable) {
        return exports.add(new Export(name, format + " chain", new ChainDevice(chain(), writable)));
    }

    String uri(String name) {
        return server.uri(name);
    }

    Path file(UUID id) {
        return root.resolve(id + "." + format);
    }

    /** The chain's content as a raw file with holes, written by the storage engine. */
    Path expectedRaw(Path dir) {
        Path raw = dir.resolve("expected-" + format + ".raw");
        store.export(topId(), "raw", raw);
        return raw;
    }

    byte[] readThroughStore(long offset, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        store.read(topId(), offset, buf);
        return buf.array();
    }

    private void write(UUID id, Random random, int offset, int length) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        store.write(id, offset, ByteBuffer.wrap(data));
        System.arraycopy(data, 0, expected, offset, length);
    }

    private void zero(UUID id, int offset, int length) {
        store.write(id, offset, ByteBuffer.allocate(length));
        Arrays.fill(expected, offset, offset + length, (byte) 0);
    }

    @Override
    public void close() {
        server.close();
        exports.removeAll();
        store.close();
    }
}

package dev.diskfleet.storage.qcow2;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.Variant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.Deflater;

/**
 * Small valid qcow2 files built with our own driver (no QEMU needed), holding every kind of cluster: data,
 * zero, compressed and unallocated, with or without a backing file; plus the offsets of their tables,
 * for tests that break one field at a time.
 */
final class Qcow2Fixtures {

    /** The virtual cluster that holds compressed data in every fixture. */
    static final int COMPRESSED_UNIT = 2;
    static final int ZERO_UNIT = 5;
    static final int DATA_UNIT = 0;

    private Qcow2Fixtures() {
    }

    /** A base image of 40 clusters: data in units 0..3 and 8, unit 2 compressed, unit 5 a zero cluster. */
    static Path base(Path dir, int clusterBits) {
        UUID id = UUID.randomUUID();
        Path file = dir.resolve(id + ".qcow2");
        int cluster = 1 << clusterBits;
        try (ImageFile image = new Qcow2Format(clusterBits).create(file, NewImage.base(id, 40L * cluster,
                Variant.DYNAMIC))) {
            fill(image, cluster);
        }
        compress(file, COMPRESSED_UNIT);
        return file;
    }

    /** An overlay of {@link #base} holding its own data in units 1 and 6 and a zero cluster at unit 5. */
    static Path overlay(Path dir, int clusterBits) {
        Path basePath = base(dir, clusterBits);
        UUID id = UUID.randomUUID();
        Path file = dir.resolve(id + ".qcow2");
        Qcow2Format format = new Qcow2Format(clusterBits);
        try (ImageFile base = format.open(basePath, false);
                ImageFile overlay = format.create(file, NewImage.differencing(id, base))) {
            Chain chain = new Chain(List.of(overlay, base));
            chain.write((1L << clusterBits) + 7, ByteBuffer.wrap("overlay".getBytes(StandardCharsets.US_ASCII)));
            chain.write(6L << clusterBits, ByteBuffer.wrap(new byte[] {9, 9, 9}));
            overlay.markZero(ZERO_UNIT);
        }
        return file;
    }

    private static void fill(ImageFile image, int cluster) {
        Chain chain = new Chain(List.of(image));
        Random random = new Random(42);
        byte[] noise = new byte[cluster * 2];
        random.nextBytes(noise);
        chain.write(0, ByteBuffer.wrap(noise));
        byte[] text = new byte[cluster * 2];
        byte[] phrase = "compressible golden image text ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < text.length; i++) {
            text[i] = phrase[i % phrase.length];
        }
        chain.write(2L * cluster, ByteBuffer.wrap(text));
        chain.write(8L * cluster + 100, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        image.markZero(ZERO_UNIT);
    }

    /**
     * Rewrites a data cluster's content as raw deflate in place and marks its L2 entry compressed, as
     * {@code qemu-img convert -c} would have stored it. The host cluster keeps its refcount of 1.
     */
    static void compress(Path file, int unit) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Layout layout = Layout.read(channel);
            long entryOffset = layout.l2EntryOffset(channel, unit);
            long host = readLong(channel, entryOffset) & ClusterGeometry.OFFSET_MASK;
            ByteBuffer content = ByteBuffer.allocate(layout.clusterSize());
            channel.read(content, host);
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflater.setInput(content.array());
            deflater.finish();
            byte[] out = new byte[layout.clusterSize()];
            int length = deflater.deflate(out);
            deflater.end();
            channel.write(ByteBuffer.wrap(out, 0, length), host);
            int sectors = (length + 511) / 512;
            int shift = 62 - (layout.clusterBits() - 8);
            long entry = ClusterGeometry.COMPRESSED | ((long) (sectors - 1) << shift) | host;
            channel.write(ByteBuffer.allocate(8).putLong(0, entry), entryOffset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long readLong(FileChannel channel, long position) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        channel.read(b, position);
        return b.getLong(0);
    }

    /** Where a fixture's structures are, read from its header the simple way a test may. */
    record Layout(int clusterBits, long l1Offset, int l1Size, long refcountTableOffset) {

        static Layout read(FileChannel channel) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(112).order(ByteOrder.BIG_ENDIAN);
            channel.read(h, 0);
            return new Layout(h.getInt(20), h.getLong(40), h.getInt(36), h.getLong(48));
        }

        static Layout read(Path file) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                return read(channel);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int clusterSize() {
            return 1 << clusterBits;
        }

        long l2TableOffset(FileChannel channel, long unit) throws IOException {
            long l1Entry = readLong(channel, l1Offset + (unit >>> (clusterBits - 3)) * 8);
            return l1Entry & ClusterGeometry.OFFSET_MASK;
        }

        long l2EntryOffset(FileChannel channel, long unit) throws IOException {
            return l2TableOffset(channel, unit) + (unit & ((1 << (clusterBits - 3)) - 1)) * 8;
        }

        long l2EntryOffset(Path file, long unit) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                return l2EntryOffset(channel, unit);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long firstRefcountBlock(Path file) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                return readLong(channel, refcountTableOffset);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

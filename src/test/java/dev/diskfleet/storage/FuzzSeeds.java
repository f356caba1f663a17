package dev.diskfleet.storage;

import static dev.diskfleet.support.QemuTools.qemuImg;
import static dev.diskfleet.support.QemuTools.qemuIo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The campaign's seeds, made by qemu-img and qemu-io (cached under {@code target/}), and the byte ranges
 * of each parser's structures in them, found by walking the files the simple way a test may.
 */
record FuzzSeeds(List<FuzzTarget> targets) {

    private static final long OFFSET_MASK = 0x00fffffffffffe00L;

    static FuzzSeeds make(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path vdi = seed(dir, "dynamic.vdi", f -> {
            qemuImg("create", "-q", "-f", "vdi", f, "4M");
            qemuIo("-f", "vdi", "-c", "write -P 0x5a 0 64k", "-c", "write -P 0x33 2M 4k", f);
        });
        Path vdiFixed = seed(dir, "static.vdi", f -> {
            qemuImg("create", "-q", "-f", "vdi", "-o", "static=on", f, "2M");
            qemuIo("-f", "vdi", "-c", "write -P 0x44 1M 4k", f);
        });
        Path small = seed(dir, "clusters512.qcow2", f -> {
            qemuImg("create", "-q", "-f", "qcow2", "-o", "cluster_size=512", f, "2M");
            qemuIo("-c", "write -P 0x11 0 8k", "-c", "write -P 0x22 1M 4k", "-c", "write -z 64k 4k", f);
        });
        Path compressed = seed(dir, "compressed.qcow2", f -> {
            Path raw = Path.of(f + ".raw");
            byte[] content = new byte[1 << 20];
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) ((i / 4096) % 3 == 0 ? 0 : "golden text ".charAt(i % 12));
            }
            Files.write(raw, content);
            qemuImg("convert", "-q", "-c", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=4096", raw.toString(), f);
            Files.delete(raw);
        });
        Path snapshots = seed(dir, "snapshots.qcow2", f -> {
            qemuImg("create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", f, "1M");
            qemuIo("-c", "write -P 0x11 0 16k", f);
            qemuImg("snapshot", "-c", "first", f);
            qemuIo("-c", "write -P 0x22 8k 16k", f);
            qemuImg("snapshot", "-c", "second", f);
        });
        Path v2 = seed(dir, "compat010.qcow2", f -> {
            qemuImg("create", "-q", "-f", "qcow2", "-o", "compat=0.10,cluster_size=4096", f, "1M");
            qemuIo("-c", "write -P 0x66 12k 8k", f);
        });
        // Header extensions: qemu-img 7.2 writes none for a plain image; an overlay has the backing format
        // extension and a backing file name, and a persistent bitmap adds the bitmaps extension.
        Path overlay = seed(dir, "overlay.qcow2", f -> qemuImg("create", "-q", "-f", "qcow2", "-b",
                small.getFileName().toString(), "-F", "qcow2", "-o", "cluster_size=4096", f));
        Path bitmap = seed(dir, "bitmap.qcow2", f -> {
            qemuImg("create", "-q", "-f", "qcow2", "-o", "cluster_size=4096", f, "1M");
            qemuIo("-c", "write -P 0x77 0 8k", f);
            qemuImg("bitmap", "--add", f, "dirty0");
        });
        List<Path> vdis = List.of(vdi, vdiFixed);
        List<Path> qcow2s = List.of(small, compressed, snapshots, v2, overlay, bitmap);
        return new FuzzSeeds(List.of(
                target("vdi-header", "vdi", vdis, VdiLayout::header),
                target("vdi-block-map", "vdi", vdis, VdiLayout::map),
                target("qcow2-header", "qcow2", qcow2s, Qcow2Layout::header),
                target("qcow2-extensions", "qcow2", qcow2s, Qcow2Layout::extensions),
                target("qcow2-l1-l2", "qcow2", qcow2s, Qcow2Layout::tables),
                target("qcow2-refcounts", "qcow2", qcow2s, Qcow2Layout::refcounts),
                target("qcow2-snapshot-table", "qcow2", List.of(snapshots), Qcow2Layout::snapshots)));
    }

    @FunctionalInterface
    private interface Maker {
        void make(String file) throws IOException;
    }

    private static Path seed(Path dir, String name, Maker maker) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            Path temp = dir.resolve(name + ".part." + name.substring(name.lastIndexOf('.') + 1));
            Files.deleteIfExists(temp);
            maker.make(temp.toString());
            Files.move(temp, file);
        }
        return file;
    }

    private static FuzzTarget target(String name, String format, List<Path> files,
            Function<byte[], List<long[]>> ranges) {
        List<FuzzTarget.Seed> seeds = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = FuzzCampaignTest.read(file);
            List<long[]> found = ranges.apply(bytes).stream()
                    .map(r -> new long[] {r[0], Math.min(r[1], bytes.length - r[0])}).filter(r -> r[1] > 0).toList();
            if (!found.isEmpty()) {
                long[] values = format.equals("vdi") ? VdiLayout.values(bytes) : Qcow2Layout.values(bytes);
                seeds.add(new FuzzTarget.Seed(file.getFileName().toString(), bytes, found, values));
            }
        }
        return new FuzzTarget(name, format, seeds);
    }

    /** VDI: the header sector and the block map (little-endian). */
    static final class VdiLayout {
        static List<long[]> header(byte[] f) {
            return List.of(new long[] {0, 512});
        }

        static List<long[]> map(byte[] f) {
            ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            return List.of(new long[] {Integer.toUnsignedLong(b.getInt(0x154)), 4L * b.getInt(0x180)});
        }

        static long[] values(byte[] f) {
            ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
            return new long[] {f.length, b.getInt(0x154), b.getInt(0x158), b.getInt(0x180), b.getInt(0x184),
                b.getLong(0x170), 1 << 20, 0xFFFFFFFFL, 0xFFFFFFFEL, 0, 1, 2};
        }
    }

    /** qcow2 (big-endian): where the header, extensions, tables, refcounts and snapshots lie. */
    static final class Qcow2Layout {
        static ByteBuffer be(byte[] f) {
            return ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN);
        }

        static int headerLength(byte[] f) {
            return be(f).getInt(4) >= 3 ? be(f).getInt(100) : 72;
        }

        static int clusterSize(byte[] f) {
            return 1 << be(f).getInt(20);
        }

        static List<long[]> header(byte[] f) {
            return List.of(new long[] {0, headerLength(f)});
        }

        static List<long[]> extensions(byte[] f) {
            ByteBuffer b = be(f);
            int at = headerLength(f);
            int start = at;
            while (at + 8 <= clusterSize(f) && b.getInt(at) != 0) {
                at += 8 + ((b.getInt(at + 4) + 7) & ~7);
            }
            return at == start ? List.of() : List.of(new long[] {start, at + 8 - start});
        }

        static List<long[]> tables(byte[] f) {
            ByteBuffer b = be(f);
            List<long[]> ranges = new ArrayList<>();
            long l1 = b.getLong(40);
            int l1Size = b.getInt(36);
            ranges.add(new long[] {l1, l1Size * 8L});
            for (int i = 0; i < l1Size; i++) {
                long l2 = b.getLong((int) l1 + i * 8) & OFFSET_MASK;
                if (l2 != 0) {
                    ranges.add(new long[] {l2, clusterSize(f)});
                }
            }
            return ranges;
        }

        static List<long[]> refcounts(byte[] f) {
            ByteBuffer b = be(f);
            List<long[]> ranges = new ArrayList<>();
            long table = b.getLong(48);
            long bytes = (long) b.getInt(56) * clusterSize(f);
            ranges.add(new long[] {table, Math.min(bytes, 64)});
            for (long at = table; at < table + bytes && at + 8 <= f.length; at += 8) {
                long block = b.getLong((int) at);
                if (block != 0) {
                    ranges.add(new long[] {block, clusterSize(f)});
                }
            }
            return ranges;
        }

        static List<long[]> snapshots(byte[] f) {
            ByteBuffer b = be(f);
            int count = b.getInt(60);
            long at = b.getLong(64);
            List<long[]> ranges = new ArrayList<>();
            long start = at;
            for (int i = 0; i < count; i++) {
                int entry = (int) at;
                ranges.add(new long[] {b.getLong(entry), b.getInt(entry + 8) * 8L});
                at += 40 + b.getInt(entry + 36) + b.getShort(entry + 12) + b.getShort(entry + 14);
                at = (at + 7) & ~7L;
            }
            ranges.add(new long[] {start, at - start});
            return ranges;
        }

        static long[] values(byte[] f) {
            List<Long> values = new ArrayList<>(List.of((long) f.length, (long) clusterSize(f), 0L, 1L));
            for (List<long[]> ranges : List.of(tables(f), refcounts(f))) {
                for (long[] r : ranges) {
                    values.add(r[0]);
                }
            }
            ByteBuffer b = be(f);
            long l1 = b.getLong(40);
            for (int i = 0; i < b.getInt(36) && values.size() < 200; i++) {
                long l2 = b.getLong((int) l1 + i * 8) & OFFSET_MASK;
                for (int k = 0; l2 != 0 && k < clusterSize(f) / 8 && values.size() < 200; k++) {
                    long entry = b.getLong((int) l2 + k * 8);
                    if (entry != 0) {
                        values.add(entry);
                    }
                }
            }
            return values.stream().mapToLong(Long::longValue).toArray();
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

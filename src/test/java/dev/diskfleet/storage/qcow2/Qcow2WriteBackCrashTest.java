package dev.diskfleet.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-back ({@link Chain#writeCached}, what the NBD server uses) against crashes at every write and force
 * the driver issues, rebuilt from a {@link RecordingChannel}: a kill keeps every write issued; a power loss
 * keeps what was forced and none, or only every other one, of the writes after it. In every such file each
 * written region reads as written at the last completed flush or later (never another cluster's bytes, never
 * older than the flush), our check finds no corruption and {@code qemu-img check} finds none (leaks allowed).
 */
class Qcow2WriteBackCrashTest {

    private static final int K4 = 4096;
    /** Two L2 tables' worth of disk with 64 KiB clusters (one table covers 512 MiB). */
    private static final long SIZE = 1L << 30 | 64L << 20;

    @TempDir
    Path dir;

    private final Qcow2Format qcow2 = new Qcow2Format();

    @Test
    void aCrashAtAnyWriteOrForceKeepsFlushedWritesAndNeverCorrupts() throws IOException {
        QemuTools.require("qemu-img");
        UUID baseId = UUID.randomUUID();
        UUID topId = UUID.randomUUID();
        Path basePath = dir.resolve(baseId + ".qcow2");
        Path topPath = dir.resolve(topId + ".qcow2");
        Random random = new Random(14);
        List<long[]> regions = new ArrayList<>();
        try (ImageFile base = qcow2.create(basePath, NewImage.base(baseId, SIZE, Variant.DYNAMIC))) {
            // The base holds data where the overlay's partial writes must copy the rest of a cluster from.
            new Chain(List.of(base)).write(0, ByteBuffer.wrap(bytes(random, 1 << 20)));
            new Chain(List.of(base)).write(600L << 20, ByteBuffer.wrap(bytes(random, 1 << 20)));
            qcow2.create(topPath, NewImage.differencing(topId, base)).close();
        }
        Path fixture = dir.resolve("fixture.qcow2");
        Files.copy(topPath, fixture);

        // Three phases of 4 KiB writes: the first two end with a flush, the third does not. Some rewrite
        // clusters an earlier phase allocated; the second phase makes the second L2 table.
        long[][] phases = {
            {8192, 70_000, 5L << 20, 3 * 65536 + 100},
            {8192 + K4, 520L << 20, 600L << 20 | 12_288, 5L << 20},
            {70_000, 900L << 20, 520L << 20 | 65536, 300L << 20},
        };
        List<List<Snapshot>> snapshotsPerPhase = new ArrayList<>();
        List<Integer> flushEnds = new ArrayList<>();
        RecordingChannel channel;
        try (ImageFile base = qcow2.open(basePath, false)) {
            channel = new RecordingChannel(FileChannel.open(topPath, StandardOpenOption.READ, StandardOpenOption.WRITE));
            ImageFile top = qcow2.openWritable(topPath, channel);
            Chain chain = new Chain(List.of(top, base));
            for (long[] offsets : phases) {
                for (long offset : offsets) {
                    regions.add(new long[] {offset});
                }
            }
            for (int p = 0; p < phases.length; p++) {
                List<Snapshot> snapshots = new ArrayList<>();
                snapshots.add(new Snapshot(channel.ops().size(), readRegions(chain, regions)));
                for (long offset : phases[p]) {
                    chain.writeCached(offset, ByteBuffer.wrap(bytes(random, K4)));
                    snapshots.add(new Snapshot(channel.ops().size(), readRegions(chain, regions)));
                }
                snapshotsPerPhase.add(snapshots);
                if (p < 2) {
                    chain.flush();
                    flushEnds.add(channel.ops().size());
                }
            }
            // No close: that would write back; the crash states below are all taken from the ops so far.
            channel.close();
        }
        List<RecordingChannel.Op> ops = channel.ops();
        assertThat(ops.stream().filter(RecordingChannel.Op::isForce).count())
                .as("forces: two per flush, none per write").isLessThanOrEqualTo(4);

        Set<String> seen = new HashSet<>();
        int judged = 0;
        for (int n = 0; n <= ops.size(); n++) {
            int lastForce = -1;
            for (int i = 0; i < n; i++) {
                if (ops.get(i).isForce()) {
                    lastForce = i;
                }
            }
            for (Loss loss : Loss.values()) {
                boolean[] kept = new boolean[n];
                int afterForce = 0;
                for (int i = 0; i < n; i++) {
                    kept[i] = !ops.get(i).isForce() && (i < lastForce || loss.keeps(afterForce++));
                }
                if (!seen.add(Arrays.toString(kept))) {
                    continue;
                }
                Path crashed = dir.resolve(topId + ".qcow2.crash");
                rebuild(fixture, ops, kept, crashed);
                assertCrashedFileIsSound(crashed, basePath, regions, acceptable(n, flushEnds, snapshotsPerPhase),
                        "crash before op " + n + " of " + ops.size() + ", " + loss);
                judged++;
            }
        }
        assertThat(judged).as("distinct crash states judged").isGreaterThan(ops.size());
    }

    /** Which writes after the last force reach the disk. */
    enum Loss {
        KILL, POWER_LOSS_NONE, POWER_LOSS_EVEN, POWER_LOSS_ODD;

        boolean keeps(int indexAfterForce) {
            return switch (this) {
                case KILL -> true;
                case POWER_LOSS_NONE -> false;
                case POWER_LOSS_EVEN -> indexAfterForce % 2 == 0;
                case POWER_LOSS_ODD -> indexAfterForce % 2 == 1;
            };
        }
    }

    /** What every region read after {@code opsDone} ops. */
    private record Snapshot(int opsDone, List<byte[]> regions) {
    }

    /** The snapshots a crash before op {@code n} may show: from the last flush that completed on. */
    private static List<Snapshot> acceptable(int n, List<Integer> flushEnds, List<List<Snapshot>> phases) {
        int completed = 0;
        for (int end : flushEnds) {
            if (end <= n) {
                completed++;
            }
        }
        List<Snapshot> result = new ArrayList<>();
        for (int p = completed; p < phases.size(); p++) {
            for (Snapshot s : phases.get(p)) {
                if (p == completed || s.opsDone() <= n) {
                    result.add(s);
                }
            }
        }
        return result;
    }

    private void assertCrashedFileIsSound(Path crashed, Path basePath, List<long[]> regions, List<Snapshot> acceptable,
            String what) {
        Path named = dir.resolve("judge").resolve(crashed.getFileName().toString().replace(".crash", ""));
        try {
            Files.createDirectories(named.getParent());
            Files.copy(crashed, named, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(basePath, named.resolveSibling(basePath.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (ImageFile base = qcow2.open(named.resolveSibling(basePath.getFileName()), false);
                ImageFile top = qcow2.open(named, false)) {
            Chain chain = new Chain(List.of(top, base));
            List<byte[]> now = readRegions(chain, regions);
            for (int r = 0; r < regions.size(); r++) {
                int index = r;
                boolean matches = acceptable.stream().anyMatch(s -> Arrays.equals(s.regions().get(index), now.get(index)));
                assertThat(matches).as("%s: region at %d reads as no acceptable state", what, regions.get(r)[0]).isTrue();
            }
            assertThat(top.check().corruptions()).as(what).isEmpty();
        }
        QemuTools.Result result = QemuTools.run("qemu-img", "check", "-f", "qcow2", named.toString());
        assertThat(result.exitCode()).as("%s: qemu-img check:%n%s", what, result.output()).isIn(0, 3);
    }

    private static void rebuild(Path fixture, List<RecordingChannel.Op> ops, boolean[] kept, Path target)
            throws IOException {
        Files.copy(fixture, target, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
            for (int i = 0; i < kept.length; i++) {
                if (kept[i]) {
                    out.write(ByteBuffer.wrap(ops.get(i).bytes()), ops.get(i).position());
                }
            }
        }
    }

    private static List<byte[]> readRegions(Chain chain, List<long[]> regions) {
        List<byte[]> result = new ArrayList<>();
        for (long[] region : regions) {
            ByteBuffer buffer = ByteBuffer.allocate(K4);
            chain.read(region[0], buffer);
            result.add(buffer.array());
        }
        return result;
    }

    private static byte[] bytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}

package dev.diskfleet.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.diskfleet.storage.qcow2.TestDisks.assertSameBytes;
import static dev.diskfleet.storage.qcow2.TestDisks.fillWithNoise;
import static dev.diskfleet.storage.qcow2.TestDisks.readAll;
import static dev.diskfleet.storage.qcow2.TestDisks.writeRandomly;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.UnitState;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.storage.vdi.VdiFormat;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The qcow2 driver on its own, judged by reading back and by its own check. */
class Qcow2ImageTest {

    @TempDir
    Path dir;

    private final Qcow2Format format = new Qcow2Format();

    @Test
    void emptyOverlayOfATenGibBaseIsAsSmallAsQemus() {
        try (ImageFile base = create("base", 10L << 30, null); ImageFile overlay = create("overlay", 0, base)) {
            assertThat(overlay.allocatedBytes()).isEqualTo(196_768L);
            assertThat(overlay.virtualSize()).isEqualTo(10L << 30);
            assertThat(overlay.parentLink()).hasValueSatisfying(
                    link -> assertThat(link.backingFileName()).isEqualTo(base.id() + ".qcow2"));
            assertThat(overlay.check().isClean()).isTrue();
        }
    }

    @Test
    void overlayReadsThroughToItsBaseAndKeepsItsOwnWrites() {
        int size = 4 << 20;
        byte[] expected = new byte[size];
        Random random = new Random(6);
        try (ImageFile base = create("base", size, null)) {
            writeRandomly(new Chain(List.of(base))::write, expected, random, 40, 200_000);
            byte[] baseBytes = expected.clone();
            try (ImageFile overlay = create("overlay", 0, base)) {
                Chain chain = new Chain(List.of(overlay, base));
                writeRandomly(chain::write, expected, random, 60, 200_000);
                assertSameBytes(readAll(chain), expected);
                assertSameBytes(readAll(new Chain(List.of(base))), baseBytes);
                assertClean(overlay);
                assertClean(base);
            }
        }
    }

    @Test
    void reopenedFilesReadWhatWasWritten() throws Exception {
        int size = 3 << 20;
        byte[] expected = new byte[size];
        Path basePath;
        Path overlayPath;
        try (ImageFile base = create("base", size, null); ImageFile overlay = create("overlay", 0, base)) {
            basePath = dir.resolve(base.id() + ".qcow2");
            overlayPath = dir.resolve(overlay.id() + ".qcow2");
            writeRandomly(new Chain(List.of(base))::write, expected, new Random(1), 20, 200_000);
            writeRandomly(new Chain(List.of(overlay, base))::write, expected, new Random(2), 20, 200_000);
        }
        try (ImageFile base = format.open(basePath, false); ImageFile overlay = format.open(overlayPath, true)) {
            assertSameBytes(readAll(new Chain(List.of(overlay, base))), expected);
            assertThat(overlay.id().toString()).isEqualTo(overlayPath.getFileName().toString().replace(".qcow2", ""));
            assertClean(overlay);
        }
    }

    @Test
    void aClusterOfZerosMasksTheBaseWithoutStoringData() {
        int size = 1 << 20;
        try (ImageFile base = create("base", size, null); ImageFile overlay = create("overlay", 0, base)) {
            byte[] ones = new byte[size];
            Arrays.fill(ones, (byte) 1);
            new Chain(List.of(base)).write(0, ByteBuffer.wrap(ones));
            Chain chain = new Chain(List.of(overlay, base));
            long before = overlay.allocatedBytes();
            chain.write(65536, ByteBuffer.allocate(65536));
            assertThat(overlay.unitState(1)).isEqualTo(UnitState.ZERO);
            byte[] expected = ones.clone();
            Arrays.fill(expected, 65536, 131072, (byte) 0);
            assertSameBytes(readAll(chain), expected);
            // One new L2 table, no data cluster.
            assertThat(overlay.allocatedBytes()).isEqualTo(5L * 65536);
            assertThat(before).isLessThan(overlay.allocatedBytes());
            assertClean(overlay);
        }
    }

    @Test
    void resetEmptiesTheOverlayBackToItsFreshSize() {
        int size = 8 << 20;
        try (ImageFile base = create("base", size, null); ImageFile overlay = create("overlay", 0, base)) {
            long fresh = overlay.allocatedBytes();
            byte[] expected = new byte[size];
            writeRandomly(new Chain(List.of(base))::write, expected, new Random(3), 10, 200_000);
            byte[] baseBytes = expected.clone();
            Chain chain = new Chain(List.of(overlay, base));
            writeRandomly(chain::write, expected, new Random(4), 30, 200_000);
            chain.write(0, ByteBuffer.allocate(1 << 20));
            chain.resetTop();
            assertThat(overlay.allocatedBytes()).isEqualTo(fresh);
            assertSameBytes(readAll(chain), baseBytes);
            assertClean(overlay);
            writeRandomly(chain::write, baseBytes, new Random(5), 10, 200_000);
            assertSameBytes(readAll(chain), baseBytes);
            assertClean(overlay);
        }
    }

    @Test
    void mergingAnOverlayIntoItsBaseKeepsWhatTheChainRead() {
        int size = 4 << 20;
        byte[] expected = new byte[size];
        try (ImageFile base = create("base", size, null); ImageFile overlay = create("overlay", 0, base)) {
            writeRandomly(new Chain(List.of(base))::write, expected, new Random(7), 15, 200_000);
            Chain chain = new Chain(List.of(overlay, base));
            writeRandomly(chain::write, expected, new Random(8), 25, 200_000);
            chain.write(2 << 20, ByteBuffer.allocate(65536 * 3));
            System.arraycopy(new byte[65536 * 3], 0, expected, 2 << 20, 65536 * 3);
            chain.mergeTopIntoParent();
            assertSameBytes(readAll(new Chain(List.of(base))), expected);
            assertClean(base);
        }
    }

    @Test
    void smallClustersGrowTheRefcountTableAndKeepRefcountsExact() {
        Qcow2Format tiny = new Qcow2Format(9);
        int size = 24 << 20;
        byte[] expected = new byte[size];
        UUID id = UUID.randomUUID();
        try (ImageFile image = tiny.create(dir.resolve(id + ".qcow2"), NewImage.base(id, size, Variant.DYNAMIC))) {
            Chain chain = new Chain(List.of(image));
            fillWithNoise(chain::write, expected, new Random(9));
            assertThat(image.allocatedBytes()).isGreaterThan(size);
            assertSameBytes(readAll(chain), expected);
            assertClean(image);
        }
    }

    @Test
    void anOverlayOverAVdiParentIsRefused() {
        try (ImageFile vdi = new VdiFormat().create(dir.resolve("parent.vdi"),
                NewImage.base(UUID.randomUUID(), 1 << 20, Variant.DYNAMIC))) {
            assertThatThrownBy(() -> create("overlay", 0, vdi)).isInstanceOf(ChainException.class)
                    .hasMessageContaining("needs a qcow2 backing file, not vdi");
        }
    }

    @Test
    void anOverlayRefusesAParentWithAnotherFileName() {
        try (ImageFile base = create("base", 1 << 20, null); ImageFile other = create("other", 1 << 20, null);
                ImageFile overlay = create("overlay", 0, base)) {
            assertThatThrownBy(() -> overlay.verifyParent(other)).isInstanceOf(ChainException.class)
                    .hasMessageContaining("names backing file '" + base.id() + ".qcow2'");
        }
    }

    @Test
    void aReadOnlyImageRefusesWrites() throws Exception {
        Path path;
        try (ImageFile base = create("base", 1 << 20, null)) {
            path = dir.resolve(base.id() + ".qcow2");
        }
        byte[] before = Files.readAllBytes(path);
        try (ImageFile image = format.open(path, false)) {
            assertThatThrownBy(() -> new Chain(List.of(image)).write(0, ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOf(StorageException.class).hasMessageContaining("read-only");
        }
        assertThat(Files.readAllBytes(path)).isEqualTo(before);
    }

    static void assertClean(ImageFile image) {
        CheckReport report = image.check();
        assertThat(report.corruptions()).isEmpty();
        assertThat(report.leakedUnits()).isZero();
    }

    private ImageFile create(String label, long size, ImageFile parent) {
        UUID id = UUID.randomUUID();
        NewImage spec = parent == null ? NewImage.base(id, size, Variant.DYNAMIC) : NewImage.differencing(id, parent);
        return format.create(dir.resolve(id + ".qcow2"), spec);
    }
}

package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreSmokeTest {

    @TempDir
    Path root;

    @Test
    void childReadsThroughToParentAndWritesStayInChild() throws Exception {
        try (ImageStore store = ImageStore.withDefaultFormats(root)) {
            UUID base = UUID.randomUUID();
            store.create(base, "vdi", 5L << 20, Variant.DYNAMIC);
            byte[] golden = new byte[3 << 20];
            new Random(1).nextBytes(golden);
            store.write(base, 1000, ByteBuffer.wrap(golden));
            UUID child = UUID.randomUUID();
            store.createDifferencing(child, base);
            store.write(child, 2_000_000, ByteBuffer.wrap(new byte[] {7, 7, 7}));

            ByteBuffer seen = ByteBuffer.allocate(golden.length);
            store.read(child, 1000, seen);
            byte[] expected = golden.clone();
            expected[2_000_000 - 1000] = 7;
            expected[2_000_001 - 1000] = 7;
            expected[2_000_002 - 1000] = 7;
            assertThat(java.util.Arrays.mismatch(seen.array(), expected)).isEqualTo(-1);

            ByteBuffer fromBase = ByteBuffer.allocate(golden.length);
            store.read(base, 1000, fromBase);
            assertThat(java.util.Arrays.mismatch(fromBase.array(), golden)).isEqualTo(-1);
            assertThat(store.describe(child).allocatedBytes()).isLessThan(2L << 20);

            store.reset(child);
            ByteBuffer afterReset = ByteBuffer.allocate(golden.length);
            store.read(child, 1000, afterReset);
            assertThat(java.util.Arrays.mismatch(afterReset.array(), golden)).isEqualTo(-1);

            UUID clone = UUID.randomUUID();
            store.clone(child, clone, "vdi", Variant.DYNAMIC, Progress.NONE);
            assertThat(store.check(clone).isClean()).isTrue();
        }
    }
}

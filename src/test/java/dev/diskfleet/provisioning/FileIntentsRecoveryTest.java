package dev.diskfleet.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackFleetTest;
import dev.diskfleet.storage.Variant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a kill leaves between an intent and its rows, settled by the startup recovery: a file the service
 * declared and made but never recorded goes, a file whose row committed stays, a delete whose row
 * committed loses its file, and a file copied in by hand, which no intent names, is only reported. A merged
 * child whose row is gone goes too, and its parent gets the new VDI modification stamp the request would have
 * given it; one whose row is still there stays, and its parent keeps the stamp the child recorded.
 */
class FileIntentsRecoveryTest extends FullStackFleetTest {

    @Autowired
    FileIntents intents;

    @Test
    void openIntentsAreSettledByWhetherARowNamesTheFile() throws Exception {
        UUID unrecorded = UUID.randomUUID();
        intents.declare("make", List.of(unrecorded));
        store.create(unrecorded, "vdi", 1 << 20, Variant.DYNAMIC);

        UUID recorded = goldenImage();
        intents.declare("make", List.of(recorded));

        UUID deleted = goldenImage();
        intents.declare("remove", List.of(deleted));
        jdbc.sql("DELETE FROM images WHERE id = ?").param(deleted).update();

        UUID byHand = UUID.randomUUID();
        Files.copy(storageRoot().resolve(recorded + ".vdi"), storageRoot().resolve(byHand + ".vdi"));

        List<UUID> removed = intents.recover();

        assertThat(removed).containsExactlyInAnyOrder(unrecorded, deleted);
        assertThat(store.listImageIds()).contains(recorded, byHand).doesNotContain(unrecorded, deleted);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM file_intents").query(Long.class).single()).isZero();
        assertThat(api.get("/api/storage/orphans").expect(200).text()).contains(byHand.toString());
        Files.delete(storageRoot().resolve(byHand + ".vdi"));
    }

    @ParameterizedTest(name = "child file still there: {0}")
    @ValueSource(booleans = {true, false})
    void aMergeWhoseRowsCommittedLosesItsChildAndItsParentGetsANewModificationStamp(boolean childFileLeft)
            throws Exception {
        UUID parent = goldenImage();
        UUID child = mergedChild(parent);
        byte[] stampDuringMerge = modificationStamp(parent);
        // The kill fell after the commit that deleted the child's row: before its file went, or between that
        // and the parent's new stamp.
        if (!childFileLeft) {
            store.delete(child);
        }

        List<UUID> removed = intents.recover();

        assertThat(removed).isEqualTo(childFileLeft ? List.of(child) : List.of());
        assertThat(store.exists(child)).isFalse();
        assertThat(modificationStamp(parent)).as("the parent's VDI modification UUID (uuidModify)")
                .isNotEqualTo(stampDuringMerge);
        assertThat(readDisk(parent, 3L << 20, CHILD_DATA.length)).isEqualTo(CHILD_DATA);
        assertThat(store.check(parent).isClean()).isTrue();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM file_intents").query(Long.class).single()).isZero();
    }

    @Test
    void aMergeWhoseRowsNeverCommittedKeepsItsChildVerifyingAgainstTheUnchangedParent() throws Exception {
        UUID parent = goldenImage();
        UUID child = mergedChild(parent);
        // The child's row is still there: the transaction that deleted it was cut short before its commit.
        jdbc.sql("INSERT INTO images (id, name, format, variant, type, size_bytes, parent_id, auto_reset, state,"
                + " created_at, updated_at, version) SELECT ?, 'merge child', format, variant, type, size_bytes, id,"
                + " FALSE, state, created_at, updated_at, 0 FROM images WHERE id = ?").params(child, parent).update();
        byte[] stampDuringMerge = modificationStamp(parent);

        assertThat(intents.recover()).isEmpty();

        assertThat(modificationStamp(parent)).isEqualTo(stampDuringMerge);
        store.release(child);
        assertThat(readDisk(child, 3L << 20, CHILD_DATA.length)).as("the child, reopened: its chain verifies")
                .isEqualTo(CHILD_DATA);
        assertThat(store.check(child).isClean()).isTrue();
        jdbc.sql("DELETE FROM images WHERE id = ?").param(child).update();
        store.delete(child);
    }

    private static final byte[] CHILD_DATA = "WRITTEN-INTO-THE-CHILD".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * A differencing child of {@code parent} holding {@link #CHILD_DATA}, merged into the parent with its file
     * kept and its removal declared, as deleting a snapshot leaves it up to the commit (no row names it).
     */
    private UUID mergedChild(UUID parent) {
        UUID child = UUID.randomUUID();
        store.createDifferencing(child, parent);
        store.write(child, 3L << 20, ByteBuffer.wrap(CHILD_DATA));
        store.mergeIntoParentKeepingChild(child);
        intents.declareMergedChild(child, parent);
        return child;
    }

    /** uuidModify, at 0x198 of the VDI header (formats.md §1.2). */
    private byte[] modificationStamp(UUID image) throws IOException {
        try (FileChannel channel = FileChannel.open(imageFile(image), StandardOpenOption.READ)) {
            ByteBuffer stamp = ByteBuffer.allocate(16);
            channel.read(stamp, 0x198);
            return stamp.array();
        }
    }
}

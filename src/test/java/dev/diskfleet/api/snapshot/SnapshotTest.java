package dev.diskfleet.api.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Snapshots over HTTP on a machine with a normal, a write-through and an immutable disk (autoReset off). */
class SnapshotTest extends FullStackTest {

    private static final long OFFSET = (2 << 20) - 512;
    private static final int LENGTH = 1024;

    private UUID machine;
    private UUID normalImage;
    private UUID normal;
    private UUID writethrough;
    private UUID immutable;

    @BeforeEach
    void machineWithThreeKindsOfDisk() {
        machine = createMachine();
        normalImage = createImage("normal");
        normal = id(attached(machine, normalImage, 0), "id");
        writethrough = id(attached(machine, createImage("writethrough"), 1), "id");
        immutable = id(attached(machine, createImage("immutable"), 2, ",\"autoReset\":false"), "id");
    }

    private byte[] writeAll(long seed) {
        byte[] data = pattern(seed, LENGTH);
        for (UUID attachment : List.of(normal, writethrough, immutable)) {
            written(machine, attachment, OFFSET, data);
        }
        return data;
    }

    private byte[] readBack(UUID attachment) {
        return read(machine, attachment, OFFSET, LENGTH);
    }

    private UUID snapshot(String name) {
        Reply taken = api.post("/api/machines/" + machine + "/snapshots",
                "{\"name\":\"" + name + "\",\"description\":\"test\"}");
        assertThat(taken.status()).as(taken.text()).isEqualTo(201);
        return id(taken.json(), "id");
    }

    private Reply restore(UUID snapshot) {
        return api.postEmpty("/api/machines/" + machine + "/snapshots/" + snapshot + "/restore");
    }

    private void restored(UUID snapshot) {
        Reply response = restore(snapshot);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    private Reply deleteSnapshot(UUID snapshot) {
        return api.delete("/api/machines/" + machine + "/snapshots/" + snapshot);
    }

    private void deleted(UUID snapshot) {
        Reply response = deleteSnapshot(snapshot);
        assertThat(response.status()).as(response.text()).isEqualTo(204);
    }

    private UUID mediumOf(UUID attachment) {
        return id(api.get("/api/machines/" + machine + "/attachments/" + attachment).json(), "mediumId");
    }

    @Test
    void aSnapshotGivesTheNormalAndTheKeptDifferencingDiskANewChildButNotTheWriteThroughOne() {
        UUID normalBefore = mediumOf(normal);
        UUID writethroughBefore = mediumOf(writethrough);
        UUID immutableBefore = mediumOf(immutable);

        JsonNode taken = api.post("/api/machines/" + machine + "/snapshots", "{\"name\":\"first\"}").json();

        assertThat(taken.get("disks")).hasSize(2);
        assertThat(id(taken.get("disks").get(0), "attachmentId")).isEqualTo(normal);
        assertThat(id(taken.get("disks").get(0), "mediumId")).isEqualTo(normalBefore);
        assertThat(id(taken.get("disks").get(1), "attachmentId")).isEqualTo(immutable);
        assertThat(id(taken.get("disks").get(1), "mediumId")).isEqualTo(immutableBefore);
        for (UUID attachment : List.of(normal, immutable)) {
            UUID before = attachment.equals(normal) ? normalBefore : immutableBefore;
            UUID child = mediumOf(attachment);
            assertThat(child).isNotEqualTo(before);
            assertThat(api.get("/api/images/" + child).json().get("parentId").asString()).isEqualTo(before.toString());
        }
        assertThat(api.get("/api/images/" + mediumOf(immutable)).json().get("autoReset").asBoolean())
                .as("the kept disk's new child is kept across power-ons too").isFalse();
        assertThat(mediumOf(writethrough)).isEqualTo(writethroughBefore);
        assertThat(api.get("/api/machines/" + machine).json().get("currentSnapshotId").asString())
                .isEqualTo(taken.get("id").asString());
    }

    @Test
    void restoringBringsBackTheNormalAndTheKeptDifferencingDiskAndLeavesTheWriteThroughOneWithItsNewestData() {
        byte[] before = writeAll(1);
        UUID snapshot = snapshot("before");
        byte[] after = writeAll(2);

        restored(snapshot);

        assertThat(readBack(normal)).isEqualTo(before);
        assertThat(readBack(immutable)).isEqualTo(before);
        assertThat(readBack(writethrough)).isEqualTo(after);
        byte[] again = writeAll(3);
        restored(snapshot);
        assertThat(readBack(normal)).isEqualTo(before);
        assertThat(readBack(immutable)).isEqualTo(before);
        assertThat(readBack(writethrough)).isEqualTo(again);
    }

    @Test
    void aSnapshotIsRestoredOnlyWhileThePowerIsOffButMayBeTakenWhileRunning() {
        power(machine, "start");
        UUID snapshot = snapshot("live");

        assertProblem(restore(snapshot), 409, "machine-running", "restore a snapshot", machine.toString());
    }

    @Test
    void deletingTheOnlySnapshotKeepsTheNewestDataOnBothDisks() {
        writeAll(4);
        UUID snapshot = snapshot("only");
        UUID child = mediumOf(normal);
        byte[] newest = writeAll(5);

        deleted(snapshot);

        assertThat(readBack(normal)).isEqualTo(newest);
        assertThat(readBack(writethrough)).isEqualTo(newest);
        assertThat(mediumOf(normal)).isEqualTo(normalImage);
        assertThat(api.get("/api/images/" + child).status()).isEqualTo(404);
        assertThat(imageFile(child)).doesNotExist();
        assertThat(api.get("/api/machines/" + machine + "/snapshots").json()).isEmpty();
        assertThat(api.get("/api/machines/" + machine).json().get("currentSnapshotId").isNull()).isTrue();

        assertThat(api.delete("/api/machines/" + machine + "/attachments/" + normal).status()).isEqualTo(204);
        UUID other = createMachine();
        UUID moved = id(attached(other, normalImage, 0), "id");
        assertThat(read(other, moved, OFFSET, LENGTH)).as("the image itself now holds the newest data")
                .isEqualTo(newest);
    }

    @Test
    void theTreeBranchesAfterARestoreAndEachBranchRestoresItsOwnState() {
        byte[] a = writeAll(6);
        UUID first = snapshot("first");
        byte[] b = writeAll(7);
        UUID second = snapshot("second");
        writeAll(8);
        restored(first);
        assertThat(readBack(normal)).isEqualTo(a);
        byte[] d = writeAll(9);
        UUID third = snapshot("third");

        JsonNode tree = api.get("/api/machines/" + machine + "/snapshots").json();
        assertThat(tree).hasSize(1);
        JsonNode root = tree.get(0);
        assertThat(id(root, "id")).isEqualTo(first);
        assertThat(root.get("current").asBoolean()).isFalse();
        List<String> children = new ArrayList<>();
        root.get("children").forEach(child -> children.add(child.get("name").asString()));
        assertThat(children).containsExactly("second", "third");
        assertThat(root.get("children").get(1).get("current").asBoolean()).isTrue();

        restored(second);
        assertThat(readBack(normal)).isEqualTo(b);
        restored(third);
        assertThat(readBack(normal)).isEqualTo(d);
    }

    /**
     * Layer {@code k} of the normal disk's chain marks its own range: layer 1 in a block no other layer
     * writes (only a merge can keep it), the others inside one block they all write (copy-on-write).
     */
    private byte[] mark(int k, long seed) {
        byte[] data = pattern(seed, LENGTH);
        written(machine, normal, markOffset(k), data);
        return data;
    }

    private byte[] markOf(int k) {
        return read(machine, normal, markOffset(k), LENGTH);
    }

    private static long markOffset(int k) {
        return k == 1 ? 65_536L : (3 << 20) + k * 65_536L;
    }

    private UUID frozenDisk(UUID snapshot) {
        return id(api.get("/api/machines/" + machine + "/snapshots/" + snapshot).json().get("disks").get(0), "mediumId");
    }

    @Test
    void theOldestSnapshotIsDeletedUnderNewerOnesAndEveryOtherStateReadsAsBefore() {
        writeAll(10);
        byte[] a0 = mark(0, 30);
        UUID first = snapshot("first");
        UUID firstsChild = mediumOf(normal);
        byte[] b = writeAll(11);
        byte[] b1 = mark(1, 31);
        UUID second = snapshot("second");
        byte[] c = writeAll(16);
        byte[] c2 = mark(2, 32);
        UUID third = snapshot("third");
        UUID current = mediumOf(normal);
        byte[] newest = writeAll(12);
        byte[] n3 = mark(3, 33);

        deleted(first);

        assertThat(readBack(normal)).isEqualTo(newest);
        assertThat(List.of(markOf(0), markOf(1), markOf(2), markOf(3))).containsExactly(a0, b1, c2, n3);
        assertThat(readBack(writethrough)).isEqualTo(newest);
        assertThat(mediumOf(normal)).isEqualTo(current);
        assertThat(frozenDisk(second)).as("the image absorbed the changes 'second' froze").isEqualTo(normalImage);
        assertThat(api.get("/api/images/" + firstsChild).status()).isEqualTo(404);
        assertThat(imageFile(firstsChild)).doesNotExist();
        JsonNode tree = api.get("/api/machines/" + machine + "/snapshots").json();
        assertThat(tree).hasSize(1);
        assertThat(id(tree.get(0), "id")).isEqualTo(second);

        restored(second);
        assertThat(readBack(normal)).isEqualTo(b);
        assertThat(List.of(markOf(0), markOf(1), markOf(2))).containsExactly(a0, b1, new byte[LENGTH]);
        assertThat(readBack(writethrough)).isEqualTo(newest);
        restored(third);
        assertThat(readBack(normal)).isEqualTo(c);
        assertThat(List.of(markOf(0), markOf(1), markOf(2), markOf(3))).containsExactly(a0, b1, c2, new byte[LENGTH]);
        deleted(third);
        deleted(second);
        assertThat(readBack(normal)).isEqualTo(c);
        assertThat(List.of(markOf(0), markOf(1), markOf(2))).containsExactly(a0, b1, c2);
        assertThat(mediumOf(normal)).isEqualTo(normalImage);
    }

    @Test
    void aSnapshotBetweenOlderAndNewerOnesIsDeletedByMergingItsDiskIntoTheNextOne() {
        byte[] a = writeAll(17);
        byte[] a0 = mark(0, 40);
        UUID first = snapshot("first");
        writeAll(18);
        byte[] b1 = mark(1, 41);
        UUID second = snapshot("second");
        UUID secondsDisk = frozenDisk(second);
        byte[] c = writeAll(19);
        byte[] c2 = mark(2, 42);
        UUID third = snapshot("third");
        UUID thirdsDisk = frozenDisk(third);
        byte[] newest = writeAll(20);
        byte[] n3 = mark(3, 43);

        deleted(second);

        assertThat(readBack(normal)).isEqualTo(newest);
        assertThat(List.of(markOf(0), markOf(1), markOf(2), markOf(3))).containsExactly(a0, b1, c2, n3);
        assertThat(api.get("/api/images/" + secondsDisk).status()).isEqualTo(404);
        assertThat(imageFile(secondsDisk)).doesNotExist();
        assertThat(frozenDisk(third)).as("'third' keeps its disk, now built on the image").isEqualTo(thirdsDisk);
        assertThat(api.get("/api/images/" + thirdsDisk).json().get("parentId").asString())
                .isEqualTo(normalImage.toString());

        restored(third);
        assertThat(readBack(normal)).isEqualTo(c);
        assertThat(List.of(markOf(0), markOf(1), markOf(2), markOf(3))).as("what 'second' froze shows through 'third'")
                .containsExactly(a0, b1, c2, new byte[LENGTH]);
        restored(first);
        assertThat(readBack(normal)).isEqualTo(a);
        assertThat(List.of(markOf(0), markOf(1))).containsExactly(a0, new byte[LENGTH]);
        assertThat(readBack(writethrough)).isEqualTo(newest);
    }

    @Test
    void aSnapshotWhoseDiskHasTwoBranchesIsRefusedUntilOneBranchIsGone() {
        writeAll(13);
        UUID first = snapshot("first");
        writeAll(14);
        UUID second = snapshot("second");
        UUID secondsDisk = id(api.get("/api/machines/" + machine + "/snapshots/" + second).json().get("disks").get(0),
                "mediumId");
        restored(first);
        byte[] newest = writeAll(15);

        assertProblem(deleteSnapshot(first), 409, "snapshot-medium-has-children", "2 differencing children",
                "'second' (" + second + ")");

        deleted(second);
        assertThat(api.get("/api/images/" + secondsDisk).status()).as("the branch only 'second' used").isEqualTo(404);
        deleted(first);
        assertThat(readBack(normal)).isEqualTo(newest);
        assertThat(mediumOf(normal)).isEqualTo(normalImage);
    }

    @Test
    void aDiskASnapshotHoldsCannotBeDetached() {
        UUID snapshot = snapshot("holds");

        assertProblem(api.delete("/api/machines/" + machine + "/attachments/" + normal), 409, "attachment-in-snapshot",
                "'holds' (" + snapshot + ")", "delete those snapshots first");
        assertThat(api.delete("/api/machines/" + machine + "/attachments/" + writethrough).status()).isEqualTo(204);
    }

    @Test
    void neitherAFrozenDiskNorTheMediumAMachineWritesCanBeAttachedElsewhere() {
        UUID snapshot = snapshot("frozen");
        UUID other = createMachine();

        assertProblem(attach(other, normalImage, 0, ""), 409, "image-in-snapshot", "'frozen' (" + snapshot + ")",
                machine.toString());
        assertProblem(attach(other, mediumOf(normal), 0, ""), 409, "image-attached-elsewhere", machine.toString());
    }

    @Test
    void deletingAMachineWithSnapshotsLeavesTheNewestDataInItsNormalImageAndNoDisksBehind() {
        writeAll(16);
        UUID first = snapshot("first");
        writeAll(17);
        UUID second = snapshot("second");
        restored(first);
        byte[] newest = writeAll(18);
        snapshot("third");
        List<UUID> snapshotDisks = new ArrayList<>();
        for (UUID snapshot : List.of(second)) {
            snapshotDisks.add(id(api.get("/api/machines/" + machine + "/snapshots/" + snapshot).json().get("disks").get(0),
                    "mediumId"));
        }
        snapshotDisks.add(mediumOf(normal));

        assertThat(api.delete("/api/machines/" + machine).status()).isEqualTo(204);

        for (UUID disk : snapshotDisks) {
            assertThat(api.get("/api/images/" + disk).status()).isEqualTo(404);
            assertThat(imageFile(disk)).doesNotExist();
        }
        assertThat(api.get("/api/images?parentId=" + normalImage).json().get("totalItems").asLong()).isZero();
        UUID other = createMachine();
        UUID moved = id(attached(other, normalImage, 0), "id");
        assertThat(read(other, moved, OFFSET, LENGTH)).isEqualTo(newest);
    }

    @Test
    void aRawNormalDiskCannotBeSnapshotted() {
        UUID rawMachine = createMachine();
        UUID raw = createImage("normal", "raw");
        attached(rawMachine, raw, 0);

        assertProblem(api.post("/api/machines/" + rawMachine + "/snapshots", "{\"name\":\"nope\"}"), 409,
                "not-snapshottable", raw.toString(), "write-through");
        assertThat(api.get("/api/machines/" + rawMachine + "/snapshots").json()).isEmpty();
    }

    @Test
    void aSnapshotNeedsANameAndUnknownSnapshotsAre404() {
        assertProblem(api.post("/api/machines/" + machine + "/snapshots", "{\"name\":\"\"}"), 400, "validation", "name");
        UUID missing = UUID.randomUUID();
        assertProblem(restore(missing), 404, "not-found", missing.toString());
        assertProblem(deleteSnapshot(missing), 404, "not-found", missing.toString());
        assertProblem(api.get("/api/machines/" + missing + "/snapshots"), 404, "not-found", missing.toString());
    }
}

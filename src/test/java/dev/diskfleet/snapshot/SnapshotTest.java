package dev.diskfleet.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.MachineApiTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Snapshots over HTTP on a machine with a normal, a write-through and an immutable disk. */
class SnapshotTest extends MachineApiTestSupport {

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
        HttpResponse<String> taken = post("/api/machines/" + machine + "/snapshots",
                "{\"name\":\"" + name + "\",\"description\":\"test\"}");
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(201);
        return id(json(taken), "id");
    }

    private HttpResponse<String> restore(UUID snapshot) {
        return post("/api/machines/" + machine + "/snapshots/" + snapshot + "/restore");
    }

    private void restored(UUID snapshot) {
        HttpResponse<String> response = restore(snapshot);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private HttpResponse<String> deleteSnapshot(UUID snapshot) {
        return delete("/api/machines/" + machine + "/snapshots/" + snapshot);
    }

    private void deleted(UUID snapshot) {
        HttpResponse<String> response = deleteSnapshot(snapshot);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    private UUID mediumOf(UUID attachment) {
        return id(json(get("/api/machines/" + machine + "/attachments/" + attachment)), "mediumId");
    }

    @Test
    void aSnapshotGivesOnlyTheNormalDiskANewChild() {
        UUID normalBefore = mediumOf(normal);
        UUID writethroughBefore = mediumOf(writethrough);
        UUID immutableBefore = mediumOf(immutable);

        JsonNode taken = json(post("/api/machines/" + machine + "/snapshots", "{\"name\":\"first\"}"));

        assertThat(taken.get("disks")).hasSize(1);
        assertThat(id(taken.get("disks").get(0), "attachmentId")).isEqualTo(normal);
        assertThat(id(taken.get("disks").get(0), "mediumId")).isEqualTo(normalBefore);
        UUID child = mediumOf(normal);
        assertThat(child).isNotEqualTo(normalBefore);
        assertThat(json(get("/api/images/" + child)).get("parentId").asString()).isEqualTo(normalBefore.toString());
        assertThat(mediumOf(writethrough)).isEqualTo(writethroughBefore);
        assertThat(mediumOf(immutable)).isEqualTo(immutableBefore);
        assertThat(json(get("/api/machines/" + machine)).get("currentSnapshotId").asString())
                .isEqualTo(taken.get("id").asString());
    }

    @Test
    void restoringBringsBackTheNormalDiskAndLeavesTheOthersWithTheirNewestData() {
        byte[] before = writeAll(1);
        UUID snapshot = snapshot("before");
        byte[] after = writeAll(2);

        restored(snapshot);

        assertThat(readBack(normal)).isEqualTo(before);
        assertThat(readBack(writethrough)).isEqualTo(after);
        assertThat(readBack(immutable)).isEqualTo(after);
        byte[] again = writeAll(3);
        restored(snapshot);
        assertThat(readBack(normal)).isEqualTo(before);
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
        assertThat(get("/api/images/" + child).statusCode()).isEqualTo(404);
        assertThat(imageFile(child)).doesNotExist();
        assertThat(json(get("/api/machines/" + machine + "/snapshots"))).isEmpty();
        assertThat(json(get("/api/machines/" + machine)).get("currentSnapshotId").isNull()).isTrue();

        assertThat(delete("/api/machines/" + machine + "/attachments/" + normal).statusCode()).isEqualTo(204);
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

        JsonNode tree = json(get("/api/machines/" + machine + "/snapshots"));
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

    @Test
    void aSnapshotWithANewerSnapshotOnItsDiskIsDeletedAfterTheNewerOne() {
        writeAll(10);
        UUID older = snapshot("older");
        writeAll(11);
        UUID newer = snapshot("newer");
        byte[] newest = writeAll(12);

        assertProblem(deleteSnapshot(older), 409, "snapshot-has-newer", "'newer' (" + newer + ")",
                "delete the newer snapshots first");

        deleted(newer);
        deleted(older);
        assertThat(readBack(normal)).isEqualTo(newest);
        assertThat(readBack(writethrough)).isEqualTo(newest);
        assertThat(mediumOf(normal)).isEqualTo(normalImage);
    }

    @Test
    void aSnapshotWhoseDiskHasTwoBranchesIsRefusedUntilOneBranchIsGone() {
        writeAll(13);
        UUID first = snapshot("first");
        writeAll(14);
        UUID second = snapshot("second");
        UUID secondsDisk = id(json(get("/api/machines/" + machine + "/snapshots/" + second)).get("disks").get(0),
                "mediumId");
        restored(first);
        byte[] newest = writeAll(15);

        assertProblem(deleteSnapshot(first), 409, "snapshot-medium-has-children", "2 differencing children",
                "'second' (" + second + ")");

        deleted(second);
        assertThat(get("/api/images/" + secondsDisk).statusCode()).as("the branch only 'second' used").isEqualTo(404);
        deleted(first);
        assertThat(readBack(normal)).isEqualTo(newest);
        assertThat(mediumOf(normal)).isEqualTo(normalImage);
    }

    @Test
    void aDiskASnapshotHoldsCannotBeDetached() {
        UUID snapshot = snapshot("holds");

        assertProblem(delete("/api/machines/" + machine + "/attachments/" + normal), 409, "attachment-in-snapshot",
                "'holds' (" + snapshot + ")", "delete those snapshots first");
        assertThat(delete("/api/machines/" + machine + "/attachments/" + writethrough).statusCode()).isEqualTo(204);
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
            snapshotDisks.add(id(json(get("/api/machines/" + machine + "/snapshots/" + snapshot)).get("disks").get(0),
                    "mediumId"));
        }
        snapshotDisks.add(mediumOf(normal));

        assertThat(delete("/api/machines/" + machine).statusCode()).isEqualTo(204);

        for (UUID disk : snapshotDisks) {
            assertThat(get("/api/images/" + disk).statusCode()).isEqualTo(404);
            assertThat(imageFile(disk)).doesNotExist();
        }
        assertThat(json(get("/api/images?parentId=" + normalImage)).get("totalItems").asLong()).isZero();
        UUID other = createMachine();
        UUID moved = id(attached(other, normalImage, 0), "id");
        assertThat(read(other, moved, OFFSET, LENGTH)).isEqualTo(newest);
    }

    @Test
    void aRawNormalDiskCannotBeSnapshotted() {
        UUID rawMachine = createMachine();
        UUID raw = createImage("normal", "raw");
        attached(rawMachine, raw, 0);

        assertProblem(post("/api/machines/" + rawMachine + "/snapshots", "{\"name\":\"nope\"}"), 409,
                "not-snapshottable", raw.toString(), "write-through");
        assertThat(json(get("/api/machines/" + rawMachine + "/snapshots"))).isEmpty();
    }

    @Test
    void aSnapshotNeedsANameAndUnknownSnapshotsAre404() {
        assertProblem(post("/api/machines/" + machine + "/snapshots", "{\"name\":\"\"}"), 400, "validation", "name");
        UUID missing = UUID.randomUUID();
        assertProblem(restore(missing), 404, "not-found", missing.toString());
        assertProblem(deleteSnapshot(missing), 404, "not-found", missing.toString());
        assertProblem(get("/api/machines/" + missing + "/snapshots"), 404, "not-found", missing.toString());
    }
}

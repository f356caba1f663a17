package dev.diskfleet.api.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackFleetTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What a snapshot keeps, one kind of disk at a time, as a user checks it: write through the guest disk
 * API, snapshot, overwrite, restore, read back. A normal disk and a differencing disk kept across
 * power-ons (autoReset off) come back; a snapshot that would keep nothing is refused and says why.
 */
class SnapshotDiskKindsTest extends FullStackFleetTest {

    private static final long OFFSET = 1L << 20;
    private static final int LENGTH = 4096;

    private String snapshots(UUID machine) {
        return "/api/machines/" + machine + "/snapshots";
    }

    private UUID taken(UUID machine, String name, UUID attachment) {
        Reply reply = api.post(snapshots(machine), "{\"name\":\"" + name + "\"}");
        assertThat(reply.status()).as(reply.text()).isEqualTo(201);
        JsonNode disks = reply.json().get("disks");
        assertThat(disks).as("the snapshot records the disk").hasSize(1);
        assertThat(id(disks.get(0), "attachmentId")).isEqualTo(attachment);
        return id(reply.json(), "id");
    }

    /** Writes, snapshots, overwrites, restores: the disk reads what it held at the snapshot. */
    private void restoreBringsBackWhatWasWritten(UUID machine, UUID attachment) {
        byte[] kept = pattern(1, LENGTH);
        written(machine, attachment, OFFSET, kept);
        UUID snapshot = taken(machine, unique("s"), attachment);
        written(machine, attachment, OFFSET, pattern(2, LENGTH));
        assertThat(read(machine, attachment, OFFSET, LENGTH)).isEqualTo(pattern(2, LENGTH));

        api.postEmpty(snapshots(machine) + "/" + snapshot + "/restore").expect(200);

        assertThat(read(machine, attachment, OFFSET, LENGTH)).isEqualTo(kept);
    }

    @Test
    void aNormalDiskIsKeptAndItsRestoreBringsItsBytesBack() {
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, createImage("normal"), 0), "id");

        restoreBringsBackWhatWasWritten(machine, attachment);
    }

    @Test
    void aDifferencingDiskKeptAcrossPowerOnsIsKeptAndItsRestoreBringsItsBytesBack() {
        UUID immutable = createImage("immutable");
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, immutable, 0, ",\"autoReset\":false"), "id");

        restoreBringsBackWhatWasWritten(machine, attachment);
        power(machine, "start");
        power(machine, "stop");
        assertThat(read(machine, attachment, OFFSET, LENGTH)).as("still there after a power cycle")
                .isEqualTo(pattern(1, LENGTH));

        assertThat(api.delete("/api/machines/" + machine).status()).isEqualTo(204);
        assertThat(api.get("/api/images?parentId=" + immutable).json().get("totalItems").asLong())
                .as("deleting the machine leaves no differencing disk on the immutable image").isZero();
    }

    @Test
    void aSnapshotOfOnlyAnAutoResetDiskIsRefusedSayingWhy() {
        UUID machine = createMachine();
        attached(machine, createImage("immutable"), 0, ",\"autoReset\":true");

        assertProblem(api.post(snapshots(machine), "{\"name\":\"nothing\"}"), 409, "nothing-to-snapshot",
                machine.toString(), "would keep nothing", "immutable, autoReset", "emptied at every power-on",
                "\"autoReset\": false");
        assertThat(api.get(snapshots(machine)).json()).isEmpty();
    }

    @Test
    void aSnapshotOfAutoResetAndWriteThroughDisksIsRefusedSayingWhyForEach() {
        UUID machine = createMachine();
        attached(machine, createImage("immutable"), 0);
        attached(machine, createImage("writethrough"), 1);

        assertProblem(api.post(snapshots(machine), "{\"name\":\"nothing\"}"), 409, "nothing-to-snapshot",
                "port 0 device 0 (immutable, autoReset)", "port 1 device 0 (write-through)",
                "left out of snapshots");
        assertThat(api.get(snapshots(machine)).json()).isEmpty();
        assertThat(api.get("/api/machines/" + machine).json().hasNonNull("currentSnapshotId")).isFalse();
    }

    @Test
    void aFleetMemberWithoutAutoResetIsSnapshottedAndRestored() {
        String json = fleetJson(unique("keep"), goldenImage(), 1, unique("kp"), false)
                .replace("\"autoReset\":true", "\"autoReset\":false");
        JsonNode operation = awaitOperation(api.post("/api/fleets", json));
        assertThat(operation.get("state").asString()).as(operation.toString()).isEqualTo("succeeded");
        JsonNode member = api.get(operation.get("resourceUrl").asString()).expect(200).json().get("machines").get(0);

        restoreBringsBackWhatWasWritten(id(member, "machineId"), id(member, "attachmentId"));
    }
}

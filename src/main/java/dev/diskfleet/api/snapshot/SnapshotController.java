package dev.diskfleet.api.snapshot;

import dev.diskfleet.provisioning.snapshot.SnapshotCatalog;
import dev.diskfleet.provisioning.snapshot.SnapshotDisks;
import io.swagger.v3.oas.annotations.Operation;
import dev.diskfleet.api.web.ProblemExamples;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/machines/{machineId}/snapshots")
@Tag(name = "Snapshots", description = "Saved states of a machine's normal disks")
public class SnapshotController {

    private final SnapshotCatalog snapshots;
    private final SnapshotDisks disks;

    public SnapshotController(SnapshotCatalog snapshots, SnapshotDisks disks) {
        this.snapshots = snapshots;
        this.disks = disks;
    }

    @PostMapping
    @Operation(operationId = "takeSnapshot", summary = "Take a snapshot: every normal disk, and every differencing disk of"
            + " an immutable image kept across power-ons (autoReset false), gets a differencing child the machine"
            + " writes from now on; autoReset and write-through disks are left out")
    @ApiResponse(responseCode = "201", description = "Taken; Location names the snapshot")
    @ApiResponse(responseCode = "409", description = "The snapshot would keep nothing (nothing-to-snapshot: the"
            + " machine has no disks, or only autoReset differencing disks, emptied at every power-on, and write-through"
            + " disks, which snapshots leave out), a disk it would keep cannot have differencing images (raw), or the"
            + " disks are held by an export",
            content = @Content(mediaType = "application/problem+json", examples = {
                    @ExampleObject(name = "nothing-to-snapshot", value = ProblemExamples.NOTHING_TO_SNAPSHOT),
                    @ExampleObject(name = "not-snapshottable", value = ProblemExamples.NOT_SNAPSHOTTABLE)}))
    @ApiResponse(responseCode = "507", description = "The storage root is full", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.OUT_OF_SPACE)))
    public ResponseEntity<SnapshotResponse> take(@PathVariable UUID machineId,
            @Valid @RequestBody TakeSnapshotRequest request) {
        UUID takenId = disks.take(machineId, request.name(), request.description()).getId();
        SnapshotResponse taken = SnapshotResponse.of(snapshots.get(machineId, takenId));
        return ResponseEntity.created(URI.create("/api/machines/" + machineId + "/snapshots/" + taken.id()))
                .body(taken);
    }

    @GetMapping
    @Operation(operationId = "listSnapshots", summary = "The machine's snapshot tree")
    public List<SnapshotResponse> tree(@PathVariable UUID machineId) {
        return snapshots.tree(machineId).stream().map(SnapshotResponse::of).toList();
    }

    @GetMapping("/{snapshotId}")
    @Operation(operationId = "getSnapshot", summary = "One snapshot with the snapshots taken after it")
    public SnapshotResponse get(@PathVariable UUID machineId, @PathVariable UUID snapshotId) {
        return SnapshotResponse.of(snapshots.get(machineId, snapshotId));
    }

    @PostMapping("/{snapshotId}/restore")
    @Operation(operationId = "restoreSnapshot", summary = "Restore a snapshot (machine powered off): normal disks"
            + " lose what changed since; write-through disks keep their data")
    @ApiResponse(responseCode = "200", description = "Restored; the snapshot is the machine's current state")
    @ApiResponse(responseCode = "409", description = "The machine is running", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.RESTORE_RUNNING)))
    public SnapshotResponse restore(@PathVariable UUID machineId, @PathVariable UUID snapshotId) {
        disks.restore(machineId, snapshotId);
        return SnapshotResponse.of(snapshots.get(machineId, snapshotId));
    }

    @DeleteMapping("/{snapshotId}")
    @Operation(operationId = "deleteSnapshot", summary = "Delete a snapshot, merging its disks' data so the current state and other snapshots"
            + " read as before")
    @ApiResponse(responseCode = "204", description = "Deleted; the data it held was merged")
    @ApiResponse(responseCode = "409", description = "Other states branch from its disk (a medium with several"
            + " children is not merged, as in VirtualBox); newer snapshots on a single line are merged, not refused",
            content = @Content(mediaType = "application/problem+json",
                    examples = @ExampleObject(value = ProblemExamples.SNAPSHOT_MEDIUM_HAS_CHILDREN)))
    public ResponseEntity<Void> delete(@PathVariable UUID machineId, @PathVariable UUID snapshotId) {
        disks.delete(machineId, snapshotId);
        return ResponseEntity.noContent().build();
    }
}

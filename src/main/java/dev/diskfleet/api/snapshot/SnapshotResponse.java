package dev.diskfleet.api.snapshot;

import dev.diskfleet.domain.snapshot.Snapshot;
import dev.diskfleet.provisioning.snapshot.SnapshotNode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@Schema(description = "A snapshot and, nested, the snapshots taken after it on its branch")
public record SnapshotResponse(
        @Schema(example = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f") UUID id,
        @Schema(example = "before-upgrade") String name,
        @Schema(example = "PostgreSQL 16.2, empty database") String description,
        @Schema(description = "The snapshot this one was taken after, null for a root") UUID parentId,
        @Schema(description = "Whether the machine's current state builds on this snapshot", example = "true")
        boolean current,
        @Schema(description = "The media this snapshot froze, one per normal disk") List<FrozenDisk> disks,
        OffsetDateTime createdAt,
        List<SnapshotResponse> children) {

    public static SnapshotResponse of(SnapshotNode node) {
        Snapshot snapshot = node.snapshot();
        List<FrozenDisk> disks = snapshot.getMedia().stream()
                .map(m -> new FrozenDisk(m.getAttachmentId(), m.getMediumId())).toList();
        return new SnapshotResponse(snapshot.getId(), snapshot.getName(), snapshot.getDescription(),
                snapshot.getParentId(), node.current(), disks, snapshot.getCreatedAt(),
                node.children().stream().map(SnapshotResponse::of).toList());
    }

    @Schema(description = "A normal disk's state as the snapshot froze it")
    public record FrozenDisk(
            @Schema(example = "5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f") UUID attachmentId,
            @Schema(description = "The frozen image; it is never written while the snapshot exists",
                    example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a") UUID mediumId) {
    }
}

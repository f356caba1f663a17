package dev.diskfleet.provisioning.snapshot;

import dev.diskfleet.domain.snapshot.Snapshot;
import java.util.List;

/** A snapshot in its machine's tree: whether the current state builds on it, and the snapshots after it. */
public record SnapshotNode(Snapshot snapshot, boolean current, List<SnapshotNode> children) {
}

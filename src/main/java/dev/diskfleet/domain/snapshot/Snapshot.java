package dev.diskfleet.domain.snapshot;

import dev.diskfleet.domain.BaseEntity;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A saved state of a machine's disks, in VirtualBox's model.
 *
 * <p><b>Taking</b> a snapshot freezes, for every attachment it keeps, the medium the machine writes now
 * (recorded here as a {@link SnapshotMedium}) and gives it a new differencing child, which becomes the
 * attachment's medium: the machine writes there from now on. It keeps normal attachments, and immutable
 * ones whose per-machine differencing image is kept across power-ons (autoReset off): VirtualBox snapshots
 * those like normal disks. Write-through attachments, and immutable ones with autoReset (emptied at every
 * power-on, so nothing to bring back), are not recorded and never touched; a snapshot that would keep no
 * disk is refused.
 *
 * <p>Invariants the snapshot code keeps, and relies on:
 * <ul>
 *   <li>the medium an attachment writes is a leaf that no snapshot records;</li>
 *   <li>every medium a snapshot records is recorded by that snapshot only, and is never written again
 *       while it is recorded (its children depend on its exact content);</li>
 *   <li>for a normal attachment, every image between its image and its medium, and every branch left
 *       by restores, was made by snapshots of that machine and belongs to it alone; for an immutable one,
 *       likewise between the machine's own differencing image (the child of the immutable image) and its
 *       medium.</li>
 * </ul>
 *
 * <p><b>Restoring</b> (machine powered off) discards what the recorded disks changed since the snapshot:
 * the current medium is emptied when it already sits on the snapshot's medium, otherwise it is deleted
 * and a fresh child is made on the snapshot's medium. Attachments the snapshot does not record
 * (write-through, immutable with autoReset, or attached later) keep their data.
 *
 * <p><b>Deleting</b> a snapshot keeps every other state readable exactly as before. For each recorded
 * medium M:
 * <ul>
 *   <li>no child (a branch a restore left behind): it served this snapshot only and is deleted;</li>
 *   <li>one child C that is a leaf: C is merged into M ({@code ImageStore.mergeIntoParent}) and whatever
 *       used C (the attachment, or a later snapshot) uses M instead;</li>
 *   <li>one child C with children (newer snapshots on top), M made by a snapshot: a forward merge
 *       ({@code ImageStore.bypassParent}) copies into C what M holds and C lacks, relinks C to M's parent
 *       and deletes M. C keeps its id, so later snapshots that recorded C stay valid, and C reads the same
 *       at every step, so a crash leaves nothing unreadable;</li>
 *   <li>one child C with children, M the attached image itself (the oldest snapshot froze it, and the
 *       attachment must keep naming it): C is merged into M and C's children are relinked to M
 *       ({@code ImageStore.mergeIntoParentRelinking}); later snapshots that recorded C record M. M keeps its
 *       VDI modification UUID during the merge, since only C reads it and C covers what is written;</li>
 *   <li>more than one child: refused, as VirtualBox refuses to merge a medium with several children.</li>
 * </ul>
 * A snapshot-made M without a parent cannot occur (only the attached image is a recorded base); it would be
 * refused rather than flattened into C.
 */
@Entity
@Table(name = "snapshots")
public class Snapshot extends BaseEntity {

    @Column(name = "machine_id", nullable = false)
    private UUID machineId;

    @Column(name = "parent_id")
    private UUID parentId;

    @Column(nullable = false)
    private String name;

    private String description;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "snapshot_media", joinColumns = @JoinColumn(name = "snapshot_id"))
    private List<SnapshotMedium> media = new ArrayList<>();

    protected Snapshot() {
    }

    public Snapshot(UUID id, UUID machineId, UUID parentId, String name, String description) {
        super(id);
        this.machineId = machineId;
        this.parentId = parentId;
        this.name = name;
        this.description = description;
    }

    public void record(UUID attachmentId, UUID mediumId) {
        media.add(new SnapshotMedium(attachmentId, mediumId));
    }

    /** The medium this snapshot froze for an attachment, if it recorded that attachment. */
    public Optional<UUID> mediumOf(UUID attachmentId) {
        return media.stream().filter(m -> m.getAttachmentId().equals(attachmentId))
                .map(SnapshotMedium::getMediumId).findFirst();
    }

    /** After a merge the recorded content lives in another image; point the record at it. */
    public void repoint(UUID fromMediumId, UUID toMediumId) {
        media.stream().filter(m -> m.getMediumId().equals(fromMediumId)).forEach(m -> m.setMediumId(toMediumId));
    }

    public String label() {
        return "'" + name + "' (" + getId() + ")";
    }

    public UUID getMachineId() {
        return machineId;
    }

    public UUID getParentId() {
        return parentId;
    }

    public void setParentId(UUID parentId) {
        this.parentId = parentId;
    }

    public String getName() {
        return name;
    }

    public String getDescription() {
        return description;
    }

    public List<SnapshotMedium> getMedia() {
        return List.copyOf(media);
    }
}

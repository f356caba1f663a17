package dev.diskfleet.snapshot;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A saved state of a machine's normal disks, in VirtualBox's model.
 *
 * <p><b>Taking</b> a snapshot freezes, for every normal attachment, the medium the machine writes now
 * (recorded here as a {@link SnapshotMedium}) and gives it a new differencing child, which becomes the
 * attachment's medium: the machine writes there from now on. Write-through attachments and the
 * per-machine differencing images of immutable ones are not recorded and never touched.
 *
 * <p>Invariants the snapshot code keeps, and relies on:
 * <ul>
 *   <li>the medium an attachment writes is a leaf that no snapshot records;</li>
 *   <li>every medium a snapshot records is recorded by that snapshot only, and is never written again
 *       while it is recorded (its children depend on its exact content);</li>
 *   <li>for a normal attachment, every image between its image and its medium, and every branch left
 *       by restores, was made by snapshots of that machine and belongs to it alone.</li>
 * </ul>
 *
 * <p><b>Restoring</b> (machine powered off) discards what the normal disks changed since the snapshot:
 * the current medium is emptied when it already sits on the snapshot's medium, otherwise it is deleted
 * and a fresh child is made on the snapshot's medium. Attachments the snapshot does not record
 * (write-through, immutable, or attached later) keep their data.
 *
 * <p><b>Deleting</b> a snapshot keeps every other state readable exactly as before. For each recorded
 * medium: with no child (a branch a restore left behind) it served this snapshot only and is deleted;
 * with one child that is a leaf, the child is merged into it ({@code ImageStore.mergeIntoParent}) and
 * whatever used the child (the attachment, or a later snapshot) uses the merged medium instead. With
 * more than one child it is refused, as VirtualBox refuses to merge a medium with several children; and
 * with one child that itself has children it is refused too, because the merge would have to relink the
 * grandchildren, which the storage component cannot do: delete the newer snapshots first.
 */
@Entity
@Table(name = "snapshots")
public class Snapshot {

    @Id
    private UUID id;

    @Column(name = "machine_id", nullable = false)
    private UUID machineId;

    @Column(name = "parent_id")
    private UUID parentId;

    @Column(nullable = false)
    private String name;

    private String description;

    @Column(name = "created_at", nullable = false)
    private OffsetDateTime createdAt;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "snapshot_media", joinColumns = @JoinColumn(name = "snapshot_id"))
    private List<SnapshotMedium> media = new ArrayList<>();

    @Version
    private long version;

    protected Snapshot() {
    }

    public Snapshot(UUID id, UUID machineId, UUID parentId, String name, String description) {
        this.id = id;
        this.machineId = machineId;
        this.parentId = parentId;
        this.name = name;
        this.description = description;
        this.createdAt = OffsetDateTime.now();
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
        return "'" + name + "' (" + id + ")";
    }

    public UUID getId() {
        return id;
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

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public List<SnapshotMedium> getMedia() {
        return List.copyOf(media);
    }

    public long getVersion() {
        return version;
    }
}

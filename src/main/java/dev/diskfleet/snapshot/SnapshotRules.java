package dev.diskfleet.snapshot;

import dev.diskfleet.attachment.Attachment;
import dev.diskfleet.attachment.AttachmentRepository;
import dev.diskfleet.image.Image;
import dev.diskfleet.image.ImageRepository;
import dev.diskfleet.image.ImageTree;
import dev.diskfleet.machine.Machine;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.web.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/** What may be snapshotted and how a snapshot's deletion goes, or why it is refused (see {@link Snapshot}). */
@Component
public class SnapshotRules {

    /**
     * One recorded medium's part in a deletion: delete {@code medium} (it served the snapshot only) when
     * {@code mergeChild} is null, else merge {@code mergeChild} into {@code medium}.
     */
    public record MediumStep(UUID medium, UUID mergeChild) {
    }

    private final SnapshotRepository snapshots;
    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final ImageTree tree;
    private final ImageStore store;

    public SnapshotRules(SnapshotRepository snapshots, AttachmentRepository attachments, ImageRepository images,
            ImageTree tree, ImageStore store) {
        this.snapshots = snapshots;
        this.attachments = attachments;
        this.images = images;
        this.tree = tree;
        this.store = store;
    }

    public Snapshot require(Machine machine, UUID snapshotId) {
        return snapshots.findById(snapshotId).filter(s -> s.getMachineId().equals(machine.getId()))
                .orElseThrow(() -> ApiException.notFound("snapshot", snapshotId + " of machine " + machine.getId()));
    }

    /** Every normal disk must be able to get a differencing child (a raw file cannot). */
    public void requireSnapshottable(Machine machine, List<Attachment> normal, List<Image> media) {
        for (int i = 0; i < normal.size(); i++) {
            Image medium = media.get(i);
            if (!store.format(medium.getFormat()).supportsDifferencing()) {
                throw ApiException.conflict("not-snapshottable", "cannot take a snapshot of machine "
                        + machine.label() + ": its normal disk at " + normal.get(i).slot() + " is "
                        + medium.getFormat() + " image " + medium.getId() + ", which cannot have differencing"
                        + " images; make that image write-through to leave it out of snapshots, or attach a vdi clone");
            }
        }
    }

    /** Plans a deletion, or refuses it with a 409 that says which snapshots to delete first. */
    public List<MediumStep> planDeletion(Snapshot snapshot) {
        List<MediumStep> steps = new ArrayList<>();
        for (SnapshotMedium frozen : snapshot.getMedia()) {
            UUID medium = frozen.getMediumId();
            List<Image> children = images.findByParentId(medium);
            if (children.size() > 1) {
                throw ApiException.conflict("snapshot-medium-has-children", "cannot delete snapshot "
                        + snapshot.label() + ": its disk " + slotOf(frozen) + " (image " + medium + ") has "
                        + children.size() + " differencing children, because other states branch from it;"
                        + " like VirtualBox, Diskfleet merges a medium with one child only. Delete the snapshots"
                        + " on the other branches first: " + labels(snapshotsBuiltOn(medium, snapshot)));
            }
            if (children.isEmpty()) {
                if (!isAttachedImage(frozen)) {
                    steps.add(new MediumStep(medium, null));
                }
                continue;
            }
            UUID child = children.get(0).getId();
            if (!images.findByParentId(child).isEmpty()) {
                throw ApiException.conflict("snapshot-has-newer", "cannot delete snapshot " + snapshot.label()
                        + " yet: the changes made after it on its disk " + slotOf(frozen) + " (image " + child
                        + ") are the base of newer snapshots " + labels(snapshotsBuiltOn(child, snapshot))
                        + ", and merging them would mean relinking those snapshots' disks, which the storage"
                        + " component cannot do; delete the newer snapshots first");
            }
            steps.add(new MediumStep(medium, child));
        }
        return steps;
    }

    private boolean isAttachedImage(SnapshotMedium frozen) {
        return attachments.findById(frozen.getAttachmentId()).map(Attachment::getImageId)
                .filter(frozen.getMediumId()::equals).isPresent();
    }

    private String slotOf(SnapshotMedium frozen) {
        return attachments.findById(frozen.getAttachmentId()).map(Attachment::slot).orElse("?");
    }

    /** Snapshots other than {@code except} that froze {@code medium} or a medium built on it. */
    private List<Snapshot> snapshotsBuiltOn(UUID medium, Snapshot except) {
        Set<Snapshot> found = new LinkedHashSet<>();
        for (UUID id : tree.withDescendants(medium)) {
            snapshots.findByMedium(id).stream().filter(s -> !s.getId().equals(except.getId())).forEach(found::add);
        }
        return List.copyOf(found);
    }

    private static String labels(List<Snapshot> list) {
        return list.isEmpty() ? "(the current state only)" : list.stream().map(Snapshot::label).toList().toString();
    }
}

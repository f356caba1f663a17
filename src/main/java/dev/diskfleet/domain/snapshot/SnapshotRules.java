package dev.diskfleet.domain.snapshot;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.attachment.SnapshotRecords;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageTree;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.storage.ImageStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** What may be snapshotted and how a snapshot's deletion goes, or why it is refused (see {@link Snapshot}). */
@Component
public class SnapshotRules implements SnapshotRecords {

    /** What a deletion does to one recorded medium (see {@link Snapshot}). */
    public enum Action {
        /** The medium served the snapshot only: it is deleted. */
        DELETE,
        /** The medium's only child is a leaf: the child is merged into the medium. */
        MERGE_CHILD,
        /**
         * The medium's only child has children: the medium's data moves up into the child, which is
         * relinked to the medium's parent (a forward merge).
         */
        MERGE_INTO_CHILD,
        /**
         * The medium is the attached image itself (it keeps its identity) and its only child has children:
         * the child is merged into it and the child's children are relinked to it.
         */
        MERGE_CHILD_RELINKING
    }

    /** One recorded medium's part in a deletion; {@code child} is its only child, null for {@link Action#DELETE}. */
    public record MediumStep(Action action, UUID medium, UUID child) {
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

    @Override
    public Optional<String> frozenIn(UUID imageId) {
        return snapshots.findByMedium(imageId).stream().findFirst().map(Snapshot::label);
    }

    public Snapshot require(Machine machine, UUID snapshotId) {
        return snapshots.findById(snapshotId).filter(s -> s.getMachineId().equals(machine.getId()))
                .orElseThrow(() -> new NotFoundException("snapshot", snapshotId + " of machine " + machine.getId()));
    }

    /**
     * Whether a snapshot keeps this disk, as VirtualBox decides: a normal disk, and the machine's own
     * differencing disk of an immutable image when it is kept across power-ons (autoReset off), which is
     * snapshotted like a normal one. An autoReset differencing disk is emptied at every power-on, so a
     * snapshot could not bring anything back; a write-through disk is left out of snapshots by definition.
     */
    public static boolean captures(Attachment attachment, Image medium) {
        return switch (attachment.getMode()) {
            case NORMAL -> true;
            case IMMUTABLE -> !medium.isAutoReset();
            case WRITETHROUGH -> false;
        };
    }

    /** 409 {@code nothing-to-snapshot} when a snapshot would keep none of the machine's disks. */
    public void requireSomethingToCapture(Machine machine, List<Attachment> all, List<Attachment> captured) {
        if (!captured.isEmpty()) {
            return;
        }
        String disks = all.isEmpty() ? "it has no disks" : "its disks are " + all.stream()
                .map(a -> a.slot() + " (" + (a.getMode() == ImageType.IMMUTABLE ? "immutable, autoReset" : "write-through") + ")")
                .collect(Collectors.joining(", "));
        throw new ConflictException("nothing-to-snapshot", "a snapshot of machine " + machine.label()
                + " would keep nothing, so none was taken: " + disks + ". An autoReset differencing disk is emptied"
                + " at every power-on and a write-through disk is left out of snapshots, so neither can be brought"
                + " back by a restore. Attach a normal disk, or keep a differencing disk across power-ons"
                + " (PATCH /api/images/{mediumId} {\"autoReset\": false}) to snapshot it");
    }

    /** Every captured disk must be able to get a differencing child (a raw file cannot). */
    public void requireSnapshottable(Machine machine, List<Attachment> normal, List<Image> media) {
        for (int i = 0; i < normal.size(); i++) {
            Image medium = media.get(i);
            if (!store.formatSupport(medium.getFormat()).supportsDifferencing()) {
                throw new ConflictException("not-snapshottable", "cannot take a snapshot of machine "
                        + machine.label() + ": its disk at " + normal.get(i).slot() + " is "
                        + medium.getFormat() + " image " + medium.getId() + ", which cannot have differencing"
                        + " images; make that image write-through to leave it out of snapshots, or attach a vdi or"
                        + " qcow2 clone");
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
                throw new ConflictException("snapshot-medium-has-children", "cannot delete snapshot "
                        + snapshot.label() + ": its disk " + slotOf(frozen) + " (image " + medium + ") has "
                        + children.size() + " differencing children, because other states branch from it;"
                        + " like VirtualBox, Diskfleet merges a medium with one child only. Delete the snapshots"
                        + " on the other branches first: " + labels(snapshotsBuiltOn(medium, snapshot)));
            }
            if (children.isEmpty()) {
                if (!isAttachedImage(frozen)) {
                    steps.add(new MediumStep(Action.DELETE, medium, null));
                }
                continue;
            }
            UUID child = children.get(0).getId();
            if (images.findByParentId(child).isEmpty()) {
                steps.add(new MediumStep(Action.MERGE_CHILD, medium, child));
            } else if (isAttachedImage(frozen)) {
                steps.add(new MediumStep(Action.MERGE_CHILD_RELINKING, medium, child));
            } else if (images.findById(medium).map(Image::getParentId).isEmpty()) {
                // Cannot happen while the invariants hold (only the attached image is a recorded base), but a
                // base here would have to be flattened into its child, which is not done.
                throw new ConflictException("snapshot-has-newer", "cannot delete snapshot " + snapshot.label()
                        + " yet: its disk " + slotOf(frozen) + " (image " + medium + ") is a base image under"
                        + " the newer snapshots " + labels(snapshotsBuiltOn(child, snapshot)) + ", and"
                        + " Diskfleet does not flatten a base into its child; delete the newer snapshots first");
            } else {
                steps.add(new MediumStep(Action.MERGE_INTO_CHILD, medium, child));
            }
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

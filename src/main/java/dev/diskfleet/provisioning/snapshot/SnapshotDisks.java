package dev.diskfleet.provisioning.snapshot;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.DiskTransaction;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageTree;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineLocks;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.PowerRules;
import dev.diskfleet.provisioning.attachment.GuestHeldDisks;
import dev.diskfleet.domain.snapshot.Snapshot;
import dev.diskfleet.domain.snapshot.SnapshotMedium;
import dev.diskfleet.domain.snapshot.SnapshotRepository;
import dev.diskfleet.domain.snapshot.SnapshotRules;
import dev.diskfleet.domain.snapshot.SnapshotRules.MediumStep;
import dev.diskfleet.storage.ChainDepth;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Takes, restores and deletes snapshots: the image files and the rows that describe them, together. The
 * model and its invariants are described on {@link Snapshot}. Each change runs under the machine's row
 * lock and its layout lock (no guest I/O streams meanwhile); new differencing files are made first and
 * removed again when the rows are not committed, rows are flushed before any merge or reset, and files
 * whose rows go are removed after the commit.
 */
@Service
public class SnapshotDisks {

    private final MachineRepository machines;
    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final SnapshotRepository snapshots;
    private final SnapshotRules rules;
    private final ImageTree tree;
    private final MachineLocks locks;
    private final ImageStore store;
    private final DiskTransaction disks;
    private final GuestHeldDisks heldDisks;

    public SnapshotDisks(MachineRepository machines, AttachmentRepository attachments, ImageRepository images,
            SnapshotRepository snapshots, SnapshotRules rules, ImageTree tree, MachineLocks locks, ImageStore store,
            DiskTransaction disks, GuestHeldDisks heldDisks) {
        this.heldDisks = heldDisks;
        this.machines = machines;
        this.attachments = attachments;
        this.images = images;
        this.snapshots = snapshots;
        this.rules = rules;
        this.tree = tree;
        this.locks = locks;
        this.store = store;
        this.disks = disks;
    }

    /**
     * Freezes the medium of every disk a snapshot keeps ({@link SnapshotRules#captures}: normal disks and
     * differencing disks kept across power-ons) under a new differencing child, which the machine writes
     * from now on; refused when it would keep none.
     */
    public Snapshot take(UUID machineId, String name, String description) {
        return locks.withLayoutChange(machineId, () -> disks.run(files -> {
            CrashPoints.reach("snapshot-take.begun");
            Machine machine = lockMachine(machineId);
            heldDisks.requireFree(machine, "take a snapshot of");
            List<Attachment> all = attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId);
            List<Attachment> normal = new ArrayList<>();
            List<Image> media = new ArrayList<>();
            for (Attachment attachment : all) {
                Image medium = images.findById(attachment.getMediumId()).orElseThrow();
                if (SnapshotRules.captures(attachment, medium)) {
                    normal.add(attachment);
                    media.add(medium);
                }
            }
            rules.requireSomethingToCapture(machine, all, normal);
            rules.requireSnapshottable(machine, normal, media);
            Snapshot snapshot = new Snapshot(UUID.randomUUID(), machineId, machine.getCurrentSnapshotId(), name,
                    description);
            for (int i = 0; i < normal.size(); i++) {
                Attachment attachment = normal.get(i);
                Image medium = media.get(i);
                Image child = makeChild(medium, medium.getName() + " after snapshot " + name,
                        "machine " + machine.getName() + " writes here since snapshot " + name, files);
                snapshot.record(attachment.getId(), medium.getId());
                attachment.setMediumId(child.getId());
            }
            snapshots.save(snapshot);
            machine.setCurrentSnapshotId(snapshot.getId());
            machine.disksChanged();
            machines.flush();
            return snapshot;
        }));
    }

    /**
     * Throws away what the normal disks changed since the snapshot: the current medium is emptied when it
     * sits on the snapshot's medium, otherwise replaced by a fresh child of it. Other disks keep their data.
     */
    public Snapshot restore(UUID machineId, UUID snapshotId) {
        return locks.withLayoutChange(machineId, () -> disks.run(files -> {
            Machine machine = lockMachine(machineId);
            PowerRules.requirePoweredOff(machine, "restore a snapshot of");
            Snapshot snapshot = rules.require(machine, snapshotId);
            List<UUID> toReset = new ArrayList<>();
            for (SnapshotMedium frozen : snapshot.getMedia()) {
                Attachment attachment = attachments.findById(frozen.getAttachmentId()).orElseThrow();
                Image current = images.findById(attachment.getMediumId()).orElseThrow();
                if (Objects.equals(current.getParentId(), frozen.getMediumId())) {
                    toReset.add(current.getId());
                    continue;
                }
                Image base = images.findById(frozen.getMediumId()).orElseThrow();
                Image child = makeChild(base, current.getName(), current.getDescription(), files);
                attachment.setMediumId(child.getId());
                attachments.flush();
                if (!current.getId().equals(attachment.getImageId()) && snapshots.findByMedium(current.getId()).isEmpty()) {
                    images.delete(current);
                    files.deleteAfterCommit(current.getId());
                }
            }
            machine.setCurrentSnapshotId(snapshot.getId());
            machine.disksChanged();
            machines.flush();
            images.flush();
            // The disk is emptied only once these rows are committed; a kill in between is redone at startup.
            toReset.forEach(files::resetAfterCommit);
            return snapshot;
        }));
    }

    /**
     * Deletes a snapshot so that nothing else changes what it reads: media only it used are deleted, a
     * medium with one child is merged with it, in the direction {@link SnapshotRules#planDeletion} chose
     * (see {@link Snapshot}). Rows change and are flushed first; the file merges run last, and files whose
     * rows went are deleted after the commit.
     */
    public void delete(UUID machineId, UUID snapshotId) {
        locks.withLayoutChange(machineId, () -> disks.run(files -> {
            Machine machine = lockMachine(machineId);
            heldDisks.requireFree(machine, "delete a snapshot of");
            Snapshot snapshot = rules.require(machine, snapshotId);
            List<MediumStep> steps = rules.planDeletion(snapshot);
            for (Snapshot child : snapshots.findByParentId(snapshotId)) {
                child.setParentId(snapshot.getParentId());
            }
            if (snapshotId.equals(machine.getCurrentSnapshotId())) {
                machine.setCurrentSnapshotId(snapshot.getParentId());
            }
            machine.disksChanged();
            machines.flush();
            snapshots.delete(snapshot);
            snapshots.flush();
            List<Runnable> fileWork = new ArrayList<>();
            for (MediumStep step : steps) {
                switch (step.action()) {
                    case DELETE -> deleteRow(step.medium(), files);
                    case MERGE_CHILD -> {
                        absorb(step.medium(), step.child());
                        // The child's file goes only after the rows naming it are gone (committed).
                        files.deleteMergedChildAfterCommit(step.child(), step.medium());
                        fileWork.add(() -> store.mergeIntoParentKeepingChild(step.child()));
                    }
                    case MERGE_INTO_CHILD -> {
                        bypass(step.medium(), step.child(), files);
                        fileWork.add(() -> store.bypassParent(step.child(), step.medium()));
                    }
                    case MERGE_CHILD_RELINKING -> {
                        List<UUID> grandchildren = relinkChildren(step.child(), step.medium());
                        absorb(step.medium(), step.child());
                        files.deleteAfterCommit(step.child());
                        fileWork.add(() -> store.mergeIntoParentRelinking(step.child(), grandchildren));
                    }
                }
            }
            // Every row is flushed; now the file changes, which keep every chain reading as before.
            CrashPoints.reach("snapshot-delete.rows-flushed");
            fileWork.forEach(work -> {
                work.run();
                CrashPoints.reach("snapshot-delete.file-step-done");
            });
            return null;
        }));
    }

    /**
     * The medium leaves its child's chain: the child's row names the medium's parent, the medium's row
     * goes, and its file is deleted after the commit (the child no longer names it by then).
     */
    private void bypass(UUID medium, UUID child, DiskTransaction.Journal files) {
        Image middle = images.findById(medium).orElseThrow();
        images.findById(child).orElseThrow().setParentId(middle.getParentId());
        images.flush();
        deleteRow(medium, files);
    }

    /** The child's children are built on the medium from now on; returns them. */
    private List<UUID> relinkChildren(UUID child, UUID medium) {
        List<UUID> relinked = new ArrayList<>();
        for (Image grandchild : images.findByParentId(child)) {
            grandchild.setParentId(medium);
            relinked.add(grandchild.getId());
        }
        images.flush();
        return relinked;
    }

    /**
     * For deleting a machine: dissolves all its snapshots so each normal image ends up holding the newest
     * data. Branches off the current state are deleted, then the current chain is merged down into the
     * image. Runs inside the caller's transaction, under its locks.
     */
    public void dissolveAll(Machine machine, DiskTransaction.Journal files) {
        List<Snapshot> all = snapshots.findByMachineIdOrderByCreatedAtAscIdAsc(machine.getId());
        if (all.isEmpty()) {
            return;
        }
        machine.setCurrentSnapshotId(null);
        all.forEach(s -> s.setParentId(null));
        machines.flush();
        snapshots.deleteAll(all);
        snapshots.flush();
        List<UUID> merges = new ArrayList<>();
        for (Attachment attachment : attachments.findByMachineIdOrderByPortAscDeviceAsc(machine.getId())) {
            UUID root = writesRoot(attachment);
            if (root == null || attachment.getMediumId().equals(root)) {
                continue;
            }
            List<UUID> currentChain = chainDownTo(attachment.getMediumId(), root);
            attachment.setMediumId(root);
            attachments.flush();
            for (UUID branch : deepestFirst(tree.descendants(root))) {
                if (!currentChain.contains(branch)) {
                    deleteRow(branch, files);
                }
            }
            for (int i = 0; i < currentChain.size(); i++) {
                UUID layer = currentChain.get(i);
                UUID parent = i + 1 < currentChain.size() ? currentChain.get(i + 1) : root;
                images.deleteById(layer);
                images.flush();
                merges.add(layer);
                // Each merged layer's file goes only after these deletions commit; until then it still reads.
                files.deleteMergedChildAfterCommit(layer, parent);
            }
        }
        CrashPoints.reach("machine-delete.snapshot-rows-gone");
        for (UUID layer : merges) {
            store.mergeIntoParentKeepingChild(layer);
            CrashPoints.reach("machine-delete.layer-merged");
        }
    }

    /**
     * The image every state of this disk is built on, into which dissolving the snapshots merges the newest
     * data: a normal disk's attached image, or the bottom of an immutable image's differencing chain (the
     * machine's own disk, the one whose parent is the immutable image). Null for a write-through disk.
     */
    private UUID writesRoot(Attachment attachment) {
        return switch (attachment.getMode()) {
            case NORMAL -> attachment.getImageId();
            case IMMUTABLE -> {
                List<UUID> chain = chainDownTo(attachment.getMediumId(), attachment.getImageId());
                yield chain.get(chain.size() - 1);
            }
            case WRITETHROUGH -> null;
        };
    }

    /** The medium absorbs its only child: whatever used the child uses the medium, and the child's row goes. */
    private void absorb(UUID medium, UUID child) {
        attachments.findByMediumId(child).ifPresent(a -> {
            a.setMediumId(medium);
            attachments.flush();
        });
        for (Snapshot later : snapshots.findByMedium(child)) {
            later.repoint(child, medium);
        }
        snapshots.flush();
        images.deleteById(child);
        images.flush();
    }

    private static List<UUID> deepestFirst(List<UUID> parentsFirst) {
        List<UUID> order = new ArrayList<>(parentsFirst);
        Collections.reverse(order);
        return order;
    }

    private void deleteRow(UUID imageId, DiskTransaction.Journal files) {
        images.deleteById(imageId);
        images.flush();
        files.deleteAfterCommit(imageId);
    }

    private Image makeChild(Image parent, String name, String description, DiskTransaction.Journal files) {
        UUID id = UUID.randomUUID();
        files.willMake(id);
        ImageSummary file = store.createDifferencing(id, parent.getId());
        files.made(id);
        CrashPoints.reach("snapshot.child-made");
        // The flag follows the chain: a disk that is emptied at power-on stays so after a snapshot.
        return images.save(Image.differencing(file, parent, name, description,
                parent.isDifferencing() && parent.isAutoReset()));
    }

    /** Top first: the medium and its ancestors, up to (not including) the attached image. */
    private List<UUID> chainDownTo(UUID medium, UUID image) {
        return ChainDepth.upFrom(medium, id -> images.findById(id).map(Image::getParentId).orElse(null),
                image::equals);
    }

    private Machine lockMachine(UUID machineId) {
        return machines.lockById(machineId).orElseThrow(() -> new NotFoundException("machine", machineId));
    }
}

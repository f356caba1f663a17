package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.provisioning.CrashPoints;
import dev.diskfleet.provisioning.DiskTransaction;
import dev.diskfleet.provisioning.node.ClusterProperties;
import dev.diskfleet.provisioning.replication.ImageReplicator;
import dev.diskfleet.provisioning.snapshot.SnapshotDisks;
import dev.diskfleet.domain.attachment.AttachmentPlan;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.attachment.AttachmentRules;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineLocks;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.domain.machine.PowerRules;
import dev.diskfleet.domain.snapshot.Snapshot;
import dev.diskfleet.domain.snapshot.SnapshotRepository;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.ImageSummary;
import dev.diskfleet.storage.StorageException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * Changes a machine's disks, rows and files together: attaching (an immutable image gets the machine's
 * own differencing image, made before its row and deleted again when the row is not committed),
 * detaching (rows deleted first, files after the commit), power-on resets and deleting a machine.
 *
 * <p>Every change first locks the machine's row, so changes to one machine never interleave; attaching
 * also locks the image's row and bumps its version, so that concurrent attaches of one image are decided
 * one after the other (the loser sees the winner and gets a 409 naming it), and a concurrent retype or
 * delete of the image fails its version check instead of slipping past the attach. The unique
 * constraints on the attachments table back this up.
 *
 * <p>A machine's own differencing image is an image row of type normal (it is written by one machine
 * only; its behaviour comes from its immutable parent), with parentId the immutable image and its
 * {@code autoReset} column the flag power-on obeys.
 */
@Service
public class MachineDisks {

    private final MachineRepository machines;
    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final SnapshotRepository snapshots;
    private final AttachmentRules rules;
    private final SnapshotDisks snapshotDisks;
    private final MachineLocks locks;
    private final ImageStore store;
    private final DiskTransaction disks;
    private final EntityManager entities;
    private final ImageReplicator replicator;
    private final ClusterProperties cluster;

    public MachineDisks(MachineRepository machines, AttachmentRepository attachments, ImageRepository images,
            SnapshotRepository snapshots, AttachmentRules rules, SnapshotDisks snapshotDisks, MachineLocks locks,
            ImageStore store, DiskTransaction disks, EntityManager entities, ImageReplicator replicator,
            ClusterProperties cluster) {
        this.replicator = replicator;
        this.cluster = cluster;
        this.machines = machines;
        this.attachments = attachments;
        this.images = images;
        this.snapshots = snapshots;
        this.rules = rules;
        this.snapshotDisks = snapshotDisks;
        this.locks = locks;
        this.store = store;
        this.disks = disks;
        this.entities = entities;
    }

    /** Attaches an image; an immutable one gets the machine's own differencing disk, made here. */
    public Attachment attach(UUID machineId, AttachmentPlan request) {
        copyHereIfElsewhere(request.imageId());
        try {
            return disks.run(files -> {
                Machine machine = lockMachine(machineId);
                PowerRules.requirePoweredOff(machine, "attach a disk to");
                rules.requireSlotFree(machine, request.port(), request.device());
                Image image = lockImage(request.imageId());
                rules.requireAttachable(image, request);
                UUID medium = image.getId();
                if (image.getType() == ImageType.IMMUTABLE) {
                    medium = UUID.randomUUID();
                    files.willMake(medium);
                    ImageSummary file = store.createDifferencing(medium, image.getId());
                    files.made(medium);
                    CrashPoints.reach("attach.own-disk-made");
                    images.save(Image.differencing(file, image, image.getName() + " @ " + machine.getName(),
                            "machine " + machine.getName() + "'s own disk on immutable image " + image.getName(),
                            request.autoReset() == null || request.autoReset()));
                }
                Attachment attachment = attachments.saveAndFlush(new Attachment(UUID.randomUUID(), machineId,
                        request.port(), request.device(), image.getType(), image.getId(), medium));
                machine.disksChanged();
                return attachment;
            });
        } catch (DataIntegrityViolationException e) {
            throw rules.lostRace(machineId, request);
        }
    }

    /**
     * In a cluster, an immutable image that only other nodes hold is copied here first (streamed, checked, as a
     * fleet's base is), outside the attach's transaction: the machine's own disk is made over it here.
     */
    private void copyHereIfElsewhere(UUID imageId) {
        if (cluster.enabled() && !store.exists(imageId) && images.findById(imageId)
                .filter(image -> image.getType() == ImageType.IMMUTABLE && !image.isDifferencing()).isPresent()) {
            replicator.ensureLocal(imageId);
        }
    }

    /** Detaches a disk; the machine's own differencing image goes with it unless {@code keepDisk}. */
    public void detach(UUID machineId, UUID attachmentId, boolean keepDisk) {
        locks.withLayoutChange(machineId, () -> disks.run(files -> {
            Machine machine = lockMachine(machineId);
            PowerRules.requirePoweredOff(machine, "detach a disk from");
            Attachment attachment = attachments.findById(attachmentId)
                    .filter(a -> a.getMachineId().equals(machineId))
                    .orElseThrow(() -> new NotFoundException("attachment", attachmentId + " of machine " + machineId));
            List<Snapshot> recording = snapshots.findRecording(attachmentId);
            if (!recording.isEmpty()) {
                throw new ConflictException("attachment-in-snapshot", "cannot detach the disk at "
                        + attachment.slot() + " of machine " + machine.label() + ": snapshots "
                        + recording.stream().map(Snapshot::label).toList() + " hold its earlier states;"
                        + " delete those snapshots first");
            }
            remove(attachment, keepDisk, files);
            machine.disksChanged();
            return null;
        }));
    }

    /**
     * Powers a machine on, or cycles it ({@code cycle}: stop and start in one step). Power-on empties every
     * attached differencing image whose autoReset is on, as VirtualBox does at power-up: a run's changes
     * stay readable after stop, until the next start.
     */
    public Machine powerOn(UUID machineId, boolean cycle) {
        // Empties media in place and swaps none, so an export holding the disks does not stop a power-on.
        return locks.withMediaReset(machineId, () -> disks.run(files -> {
            Machine machine = lockMachine(machineId);
            if (cycle) {
                PowerRules.requireRunning(machine, "reset");
            } else if (machine.isRunning()) {
                throw new ConflictException("machine-running", "machine " + machine.label() + " is already running");
            }
            List<UUID> toReset = new ArrayList<>();
            for (Attachment attachment : attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId)) {
                Image medium = requireAccessible(machine, attachment);
                if (medium.isDifferencing() && medium.isAutoReset()) {
                    toReset.add(medium.getId());
                }
            }
            machine.setState(MachineState.RUNNING);
            machines.flush();
            // Emptied once the start is committed, under the same lock; a kill in between is redone at startup.
            toReset.forEach(files::resetAfterCommit);
            return machine;
        }));
    }

    /**
     * Deletes a powered-off machine: its snapshots are dissolved so that every normal image keeps the
     * machine's newest data, then every disk is detached (its own differencing images deleted), then the row.
     */
    public void deleteMachine(UUID machineId) {
        locks.withLayoutChange(machineId, () -> disks.run(files -> {
            Machine machine = lockMachine(machineId);
            PowerRules.requirePoweredOff(machine, "delete");
            snapshotDisks.dissolveAll(machine, files);
            for (Attachment attachment : attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId)) {
                remove(attachment, false, files);
            }
            CrashPoints.reach("machine-delete.disks-detached");
            machines.delete(machine);
            machines.flush();
            return null;
        }));
        locks.forget(machineId);
    }

    private void remove(Attachment attachment, boolean keepDisk, DiskTransaction.Journal files) {
        attachments.delete(attachment);
        attachments.flush();
        CrashPoints.reach("detach.row-deleted");
        if (attachment.ownsMedium() && !keepDisk) {
            images.deleteById(attachment.getMediumId());
            images.flush();
            files.deleteAfterCommit(attachment.getMediumId());
        }
    }

    private Image requireAccessible(Machine machine, Attachment attachment) {
        Image medium = images.findById(attachment.getMediumId()).orElseThrow();
        try {
            if (medium.getState() != ImageState.READY) {
                throw new StorageException("its file was missing at startup");
            }
            // Open files are cached, so a file deleted behind the service's back would still read: look.
            for (UUID layer : store.lineage(medium.getId())) {
                if (!store.exists(layer)) {
                    throw new StorageException("the file of image " + layer + " in its chain is missing");
                }
            }
        } catch (StorageException e) {
            throw new ConflictException("medium-inaccessible", "cannot start machine " + machine.label()
                    + ": its disk at " + attachment.slot() + " (image " + medium.getId() + ") cannot be opened: "
                    + e.getMessage());
        }
        return medium;
    }

    private Machine lockMachine(UUID machineId) {
        return machines.lockById(machineId).orElseThrow(() -> new NotFoundException("machine", machineId));
    }

    /** Locks the image's row and bumps its version (see the class comment). */
    private Image lockImage(UUID imageId) {
        Image image = entities.find(Image.class, imageId, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
        if (image == null) {
            throw new NotFoundException("image", imageId);
        }
        return image;
    }

}

package dev.diskfleet.domain.attachment;

import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.storage.ImageStore;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * VirtualBox's attach rules, checked by the provisioning code while it holds the machine's row lock and
 * the image's row lock, so that what it checked still holds when it inserts.
 */
@Component
public class AttachmentRules {

    private final AttachmentRepository attachments;
    private final ImageRepository images;
    private final MachineRepository machines;
    private final SnapshotRecords snapshots;
    private final ImageStore store;

    public AttachmentRules(AttachmentRepository attachments, ImageRepository images, MachineRepository machines,
            SnapshotRecords snapshots, ImageStore store) {
        this.attachments = attachments;
        this.images = images;
        this.machines = machines;
        this.snapshots = snapshots;
        this.store = store;
    }

    public void requireSlotFree(Machine machine, int port, int device) {
        attachments.findByMachineIdAndPortAndDevice(machine.getId(), port, device).ifPresent(taken -> {
            throw new ConflictException("slot-occupied", "port " + port + " device " + device + " of machine "
                    + machine.label() + " already holds image " + taken.getImageId() + " (attachment "
                    + taken.getId() + "); detach it first or choose another port or device");
        });
    }

    /** An image may be attached: readable, and for normal or write-through images free to be written. */
    public void requireAttachable(Image image, AttachmentPlan request) {
        if (image.getState() != ImageState.READY) {
            throw new ConflictException("image-inaccessible", "image " + image.getId() + " is "
                    + ApiNames.of(image.getState()) + ": its file is missing, so it cannot be attached");
        }
        if (request.autoReset() != null && image.getType() != ImageType.IMMUTABLE) {
            throw new InvalidRequestException("autoreset-not-applicable", "autoReset applies to the differencing image a"
                    + " machine gets for an immutable image; image " + image.getId() + " is "
                    + ApiNames.of(image.getType()) + " and is attached directly (set autoReset on a"
                    + " differencing image with PATCH /api/images/{id})");
        }
        if (image.getType() == ImageType.IMMUTABLE) {
            if (!store.formatSupport(image.getFormat()).supportsDifferencing()) {
                throw new ConflictException("no-differencing", "immutable image " + image.getId() + " is a "
                        + image.getFormat() + " image, which cannot have differencing images, so no machine can"
                        + " get its own disk on it; clone it to vdi or qcow2 and attach the clone");
            }
            return;
        }
        requireNotInUse(image);
        List<Image> children = images.findByParentId(image.getId());
        if (!children.isEmpty()) {
            throw new ConflictException("image-has-children", "image " + image.getId() + " has differencing images "
                    + children.stream().map(Image::getId).toList() + " built on it; writing it would break them,"
                    + " so it cannot be attached as " + ApiNames.of(image.getType())
                    + "; make it immutable to share it, or delete its children");
        }
    }

    /** A normal or write-through image is used by one machine at a time: 409 naming that machine. */
    public void requireNotInUse(Image image) {
        for (Attachment holder : attachments.findUsing(image.getId())) {
            String machine = machineLabel(holder.getMachineId());
            Optional<String> frozenIn = snapshots.frozenIn(image.getId());
            if (frozenIn.isPresent()) {
                throw new ConflictException("image-in-snapshot", "image " + image.getId() + " is frozen in snapshot "
                        + frozenIn.get() + " of machine " + machine + " and cannot be attached elsewhere");
            }
            throw new ConflictException("image-attached-elsewhere", ApiNames.of(image.getType()) + " image "
                    + image.getId() + " is already attached to machine " + machine + " (attachment "
                    + holder.getId() + "); a " + ApiNames.of(image.getType()) + " image is attached to"
                    + " one machine at a time: detach it there first, or make it immutable to share it");
        }
    }

    /** The 409 for an attach that lost a race the unique constraints decided. */
    public ConflictException lostRace(UUID machineId, AttachmentPlan request) {
        Attachment slot = attachments.findByMachineIdAndPortAndDevice(machineId, request.port(), request.device())
                .orElse(null);
        if (slot != null) {
            return new ConflictException("slot-occupied", "port " + request.port() + " device " + request.device()
                    + " of machine " + machineLabel(machineId) + " was just given image " + slot.getImageId()
                    + " by another request");
        }
        return attachments.findByExclusiveImageId(request.imageId())
                .or(() -> attachments.findByMediumId(request.imageId()))
                .map(holder -> new ConflictException("image-attached-elsewhere", "image " + request.imageId()
                        + " was just attached to machine " + machineLabel(holder.getMachineId()) + " (attachment "
                        + holder.getId() + ") by another request; it is attached to one machine at a time"))
                .orElseGet(() -> new ConflictException("concurrent-update", "another request changed machine "
                        + machineId + " or image " + request.imageId() + " at the same time; retry"));
    }

    public String machineLabel(UUID machineId) {
        return machines.findById(machineId).map(Machine::label).orElse(machineId.toString());
    }
}

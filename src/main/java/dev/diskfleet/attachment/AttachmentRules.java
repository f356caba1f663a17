package dev.diskfleet.attachment;

import dev.diskfleet.image.Image;
import dev.diskfleet.image.ImageMapper;
import dev.diskfleet.image.ImageRepository;
import dev.diskfleet.image.ImageState;
import dev.diskfleet.image.ImageType;
import dev.diskfleet.machine.Machine;
import dev.diskfleet.machine.MachineRepository;
import dev.diskfleet.snapshot.Snapshot;
import dev.diskfleet.snapshot.SnapshotRepository;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.web.ApiException;
import java.util.List;
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
    private final SnapshotRepository snapshots;
    private final ImageStore store;

    public AttachmentRules(AttachmentRepository attachments, ImageRepository images, MachineRepository machines,
            SnapshotRepository snapshots, ImageStore store) {
        this.attachments = attachments;
        this.images = images;
        this.machines = machines;
        this.snapshots = snapshots;
        this.store = store;
    }

    public void requireSlotFree(Machine machine, int port, int device) {
        attachments.findByMachineIdAndPortAndDevice(machine.getId(), port, device).ifPresent(taken -> {
            throw ApiException.conflict("slot-occupied", "port " + port + " device " + device + " of machine "
                    + machine.label() + " already holds image " + taken.getImageId() + " (attachment "
                    + taken.getId() + "); detach it first or choose another port or device");
        });
    }

    /** An image may be attached: readable, and for normal or write-through images free to be written. */
    public void requireAttachable(Image image, AttachRequest request) {
        if (image.getState() != ImageState.READY) {
            throw ApiException.conflict("image-inaccessible", "image " + image.getId() + " is "
                    + ImageMapper.apiName(image.getState()) + ": its file is missing, so it cannot be attached");
        }
        if (request.autoReset() != null && image.getType() != ImageType.IMMUTABLE) {
            throw ApiException.badRequest("autoreset-not-applicable", "autoReset applies to the differencing image a"
                    + " machine gets for an immutable image; image " + image.getId() + " is "
                    + ImageMapper.apiName(image.getType()) + " and is attached directly (set autoReset on a"
                    + " differencing image with PATCH /api/images/{id})");
        }
        if (image.getType() == ImageType.IMMUTABLE) {
            if (!store.format(image.getFormat()).supportsDifferencing()) {
                throw ApiException.conflict("no-differencing", "immutable image " + image.getId() + " is a "
                        + image.getFormat() + " image, which cannot have differencing images, so no machine can"
                        + " get its own disk on it; clone it to vdi and attach the clone");
            }
            return;
        }
        requireNotInUse(image);
        List<Image> children = images.findByParentId(image.getId());
        if (!children.isEmpty()) {
            throw ApiException.conflict("image-has-children", "image " + image.getId() + " has differencing images "
                    + children.stream().map(Image::getId).toList() + " built on it; writing it would break them,"
                    + " so it cannot be attached as " + ImageMapper.apiName(image.getType())
                    + "; make it immutable to share it, or delete its children");
        }
    }

    /** A normal or write-through image is used by one machine at a time: 409 naming that machine. */
    public void requireNotInUse(Image image) {
        for (Attachment holder : attachments.findUsing(image.getId())) {
            String machine = machineLabel(holder.getMachineId());
            List<Snapshot> frozenIn = snapshots.findByMedium(image.getId());
            if (!frozenIn.isEmpty()) {
                throw ApiException.conflict("image-in-snapshot", "image " + image.getId() + " is frozen in snapshot "
                        + frozenIn.get(0).label() + " of machine " + machine + " and cannot be attached elsewhere");
            }
            throw ApiException.conflict("image-attached-elsewhere", ImageMapper.apiName(image.getType()) + " image "
                    + image.getId() + " is already attached to machine " + machine + " (attachment "
                    + holder.getId() + "); a " + ImageMapper.apiName(image.getType()) + " image is attached to"
                    + " one machine at a time: detach it there first, or make it immutable to share it");
        }
    }

    /** The 409 for an attach that lost a race the unique constraints decided. */
    public ApiException lostRace(UUID machineId, AttachRequest request) {
        Attachment slot = attachments.findByMachineIdAndPortAndDevice(machineId, request.port(), request.device())
                .orElse(null);
        if (slot != null) {
            return ApiException.conflict("slot-occupied", "port " + request.port() + " device " + request.device()
                    + " of machine " + machineLabel(machineId) + " was just given image " + slot.getImageId()
                    + " by another request");
        }
        return attachments.findByExclusiveImageId(request.imageId())
                .or(() -> attachments.findByMediumId(request.imageId()))
                .map(holder -> ApiException.conflict("image-attached-elsewhere", "image " + request.imageId()
                        + " was just attached to machine " + machineLabel(holder.getMachineId()) + " (attachment "
                        + holder.getId() + ") by another request; it is attached to one machine at a time"))
                .orElseGet(() -> ApiException.conflict("concurrent-update", "another request changed machine "
                        + machineId + " or image " + request.imageId() + " at the same time; retry"));
    }

    public String machineLabel(UUID machineId) {
        return machines.findById(machineId).map(Machine::label).orElse(machineId.toString());
    }
}

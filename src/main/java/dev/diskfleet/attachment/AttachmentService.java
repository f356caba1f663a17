package dev.diskfleet.attachment;

import dev.diskfleet.image.Image;
import dev.diskfleet.image.ImageRepository;
import dev.diskfleet.machine.MachineRepository;
import dev.diskfleet.provisioning.MachineDisks;
import dev.diskfleet.web.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A machine's attachments: reading them here; attaching and detaching through {@link MachineDisks}, which
 * checks {@link AttachmentRules} under the machine's lock. Plain calls, usable by a fleet provisioner.
 */
@Service
public class AttachmentService {

    private final AttachmentRepository attachments;
    private final MachineRepository machines;
    private final ImageRepository images;
    private final MachineDisks disks;

    public AttachmentService(AttachmentRepository attachments, MachineRepository machines, ImageRepository images,
            MachineDisks disks) {
        this.attachments = attachments;
        this.machines = machines;
        this.images = images;
        this.disks = disks;
    }

    public AttachmentResponse attach(UUID machineId, AttachRequest request) {
        return toResponse(disks.attach(machineId, request));
    }

    public void detach(UUID machineId, UUID attachmentId, boolean keepDisk) {
        disks.detach(machineId, attachmentId, keepDisk);
    }

    @Transactional(readOnly = true)
    public List<AttachmentResponse> list(UUID machineId) {
        if (!machines.existsById(machineId)) {
            throw ApiException.notFound("machine", machineId);
        }
        return attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId).stream().map(this::toResponse).toList();
    }

    @Transactional(readOnly = true)
    public AttachmentResponse get(UUID machineId, UUID attachmentId) {
        return toResponse(require(machineId, attachmentId));
    }

    public Attachment require(UUID machineId, UUID attachmentId) {
        if (!machines.existsById(machineId)) {
            throw ApiException.notFound("machine", machineId);
        }
        return attachments.findById(attachmentId).filter(a -> a.getMachineId().equals(machineId))
                .orElseThrow(() -> ApiException.notFound("attachment", attachmentId + " of machine " + machineId));
    }

    public AttachmentResponse toResponse(Attachment attachment) {
        boolean autoReset = images.findById(attachment.getMediumId()).map(Image::isAutoReset).orElse(false);
        return AttachmentResponse.of(attachment, autoReset);
    }
}

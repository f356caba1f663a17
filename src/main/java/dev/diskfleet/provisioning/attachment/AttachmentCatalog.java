package dev.diskfleet.provisioning.attachment;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.attachment.AttachmentRepository;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.machine.MachineRepository;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A machine's attachments as clients read them; attaching and detaching are {@code MachineDisks}'. */
@Service
public class AttachmentCatalog {

    private final AttachmentRepository attachments;
    private final MachineRepository machines;
    private final ImageRepository images;

    public AttachmentCatalog(AttachmentRepository attachments, MachineRepository machines, ImageRepository images) {
        this.attachments = attachments;
        this.machines = machines;
        this.images = images;
    }

    @Transactional(readOnly = true)
    public List<AttachmentDetails> list(UUID machineId) {
        if (!machines.existsById(machineId)) {
            throw new NotFoundException("machine", machineId);
        }
        return ofMachine(machineId);
    }

    /** The machine's attachments, port and device order; the machine is known to exist. */
    @Transactional(readOnly = true)
    public List<AttachmentDetails> ofMachine(UUID machineId) {
        return attachments.findByMachineIdOrderByPortAscDeviceAsc(machineId).stream().map(this::details).toList();
    }

    @Transactional(readOnly = true)
    public AttachmentDetails get(UUID machineId, UUID attachmentId) {
        return details(require(machineId, attachmentId));
    }

    public Attachment require(UUID machineId, UUID attachmentId) {
        if (!machines.existsById(machineId)) {
            throw new NotFoundException("machine", machineId);
        }
        return attachments.findById(attachmentId).filter(a -> a.getMachineId().equals(machineId))
                .orElseThrow(() -> new NotFoundException("attachment", attachmentId + " of machine " + machineId));
    }

    public AttachmentDetails details(Attachment attachment) {
        boolean autoReset = images.findById(attachment.getMediumId()).map(Image::isAutoReset).orElse(false);
        return new AttachmentDetails(attachment, autoReset);
    }
}

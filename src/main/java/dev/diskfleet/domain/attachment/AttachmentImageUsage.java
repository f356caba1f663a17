package dev.diskfleet.domain.attachment;

import dev.diskfleet.domain.image.ImageAttachmentRef;
import dev.diskfleet.domain.image.ImageTree;
import dev.diskfleet.domain.image.ImageUsage;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.machine.MachineState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** How the image feature learns who uses an image: the machine feature owns attachments and answers. */
@Component
class AttachmentImageUsage implements ImageUsage {

    private final AttachmentRepository attachments;
    private final MachineRepository machines;
    private final ImageTree tree;

    AttachmentImageUsage(AttachmentRepository attachments, MachineRepository machines, ImageTree tree) {
        this.attachments = attachments;
        this.machines = machines;
        this.tree = tree;
    }

    /** Attachments of the image, of a differencing image made on it for a machine, or frozen in a snapshot. */
    @Override
    @Transactional(readOnly = true)
    public List<ImageAttachmentRef> attachmentsOf(UUID imageId) {
        List<Attachment> using = attachments.findUsing(imageId);
        Map<UUID, String> names = machines.findAllById(using.stream().map(Attachment::getMachineId).toList())
                .stream().collect(Collectors.toMap(Machine::getId, Machine::getName));
        return using.stream().map(a -> new ImageAttachmentRef(a.getId(), a.getMachineId(),
                names.get(a.getMachineId()), a.getMediumId())).toList();
    }

    /**
     * A running machine whose disk chain contains the image. The image is in a chain exactly when the
     * chain's top (an attachment's medium) is the image or one of its descendants, so this walks down the
     * image tree and asks which running machine writes one of those media.
     */
    @Override
    @Transactional(readOnly = true)
    public Optional<String> runningHolderOf(UUID imageId) {
        return attachments.findByMediumIdInAndMachineState(tree.withDescendants(imageId), MachineState.RUNNING)
                .stream().findFirst().flatMap(a -> machines.findById(a.getMachineId())).map(Machine::label);
    }
}

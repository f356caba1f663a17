package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.provisioning.attachment.AttachmentDetails;
import java.util.List;

/** A machine with its disks, as one read sees them. */
/** @param forwardAddress the host address the machine's port forwards listen on */
public record MachineDetails(Machine machine, List<AttachmentDetails> attachments, String forwardAddress) {
}

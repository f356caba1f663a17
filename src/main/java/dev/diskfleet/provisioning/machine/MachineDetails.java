package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.provisioning.attachment.AttachmentDetails;
import dev.diskfleet.provisioning.network.MachineNetwork;
import java.util.List;

/** A machine with its disks and its network, as one read sees them. */
public record MachineDetails(Machine machine, List<AttachmentDetails> attachments, MachineNetwork network) {
}

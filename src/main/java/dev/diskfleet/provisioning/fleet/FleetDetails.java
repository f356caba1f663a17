package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.machine.Machine;
import java.util.List;

/**
 * A fleet as one read sees it: a page of its members (each with the attachment carrying its own disk, null
 * when missing, and the bytes that disk takes; {@code page} of pages of {@code pageSize}, out of
 * {@code memberCount} in all), the bytes of its base, of all member disks, and of one full copy of the
 * golden image.
 */
public record FleetDetails(Fleet fleet, List<Member> members, int page, int pageSize, int memberCount,
        long baseBytes, long machineDisksBytes, long fullCopyBytes) {

    public record Member(int ordinal, Machine machine, Attachment disk, long diskBytes) {
    }
}

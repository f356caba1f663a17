package dev.diskfleet.provisioning.attachment;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.hypervisor.Hypervisor;
import org.springframework.stereotype.Component;

/**
 * The rule that a running guest's disks are its own: while a machine runs under a driver that opens its
 * disk files (QEMU; the {@code none} driver opens nothing), nothing else may change them. Kept apart from
 * the guests themselves so that disk I/O, snapshots and exports can ask without depending on the feature
 * that boots guests (which itself uses exports for VDI disks).
 */
@Component
public class GuestHeldDisks {

    private final Hypervisor hypervisor;

    public GuestHeldDisks(Hypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    /** Whether the machine's guest holds its disks now. */
    public boolean held(Machine machine) {
        return machine.isRunning() && hypervisor.holdsDisks();
    }

    /** Refuses {@code action} (409) on the machine's disks while its guest holds them. */
    public void requireFree(Machine machine, String action) {
        if (held(machine)) {
            throw new ConflictException("machine-running", "cannot " + action + " machine " + machine.label()
                    + " while its guest runs: the guest holds its disks; stop it first (POST /api/machines/"
                    + machine.getId() + "/stop)");
        }
    }
}

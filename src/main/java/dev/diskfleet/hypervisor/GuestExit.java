package dev.diskfleet.hypervisor;

import java.util.List;
import java.util.UUID;

/**
 * A guest stopped running.
 *
 * @param detail what the hypervisor said, e.g. QEMU's {@code SHUTDOWN} reason ({@code guest-shutdown},
 *     {@code host-signal}) or that its process vanished
 * @param lastConsoleLines the end of the guest's console, to show with an abnormal exit
 */
public record GuestExit(UUID machineId, ExitReason reason, String detail, List<String> lastConsoleLines) {

    public GuestExit {
        lastConsoleLines = List.copyOf(lastConsoleLines);
    }
}

package dev.diskfleet.provisioning.guest;

import com.sun.management.OperatingSystemMXBean;
import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.machine.Machine;
import java.lang.management.ManagementFactory;
import org.springframework.stereotype.Component;

/**
 * This host's physical memory (inside a container, the container's limit, which is what QEMU may use), and
 * the rule that no guest is given more of it: QEMU would fail to allocate it, or the host would swap the
 * guest to a halt. Checked before a start changes anything, whatever the driver, so the caller learns it
 * from a 409 instead of a failed boot.
 */
@Component
public class HostMemory {

    private static final long MIB = 1024 * 1024;

    /** Physical memory in bytes, or -1 when the JVM cannot tell. */
    public static long totalBytes() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getTotalMemorySize() : -1;
    }

    /** 409 {@code insufficient-host-memory} naming both figures when the machine asks for more than the host has. */
    public void requireFits(Machine machine) {
        long total = totalBytes();
        if (total > 0 && (long) machine.getMemoryMb() * MIB > total) {
            long hostMb = total / MIB;
            throw new ConflictException("insufficient-host-memory", "cannot start machine " + machine.label()
                    + ": it is given " + machine.getMemoryMb() + " MiB of memory (memoryMb) and this host has "
                    + hostMb + " MiB; PATCH the machine's memoryMb to at most " + hostMb);
        }
    }
}

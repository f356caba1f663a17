package dev.diskfleet.hypervisor;

import java.util.Optional;

/**
 * What the host offers guests, for {@code GET /api/host}.
 *
 * @param hypervisorVersion e.g. {@code 7.2.22} for QEMU; empty for the {@code none} driver
 */
public record HostInfo(String driver, Optional<String> hypervisorVersion, Accelerator accelerator) {
}

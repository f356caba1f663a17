package dev.diskfleet.provisioning.guest;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where each machine's guest keeps its monitor socket, pid file and console log: {@code <root>/<machine id>}
 * under the data folder, so that a restarted service finds it from the machine id alone. Kept short: a
 * Unix socket path may hold 107 bytes at most.
 */
public record GuestRunDirectories(Path root) {

    public GuestRunDirectories {
        root = root.toAbsolutePath().normalize();
    }

    public Path of(UUID machineId) {
        return root.resolve(machineId.toString());
    }
}

package dev.diskfleet.api.event;

import dev.diskfleet.provisioning.event.ConsoleFollower;
import java.nio.file.Path;
import java.util.UUID;

/** The guest console a client asked to follow. */
record ConsoleSource(UUID machineId, ConsoleFollower follower) {

    ConsoleSource(UUID machineId, Path log) {
        this(machineId, new ConsoleFollower(log));
    }
}

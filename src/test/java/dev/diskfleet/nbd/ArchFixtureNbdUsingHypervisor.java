package dev.diskfleet.nbd;

import dev.diskfleet.hypervisor.RunDirectory;
import java.nio.file.Path;

/** Breaks a rule on purpose, for ArchitectureRulesFailTest: an engine that uses another engine. Never used. */
final class ArchFixtureNbdUsingHypervisor {

    Path socket(Path dir) {
        return new RunDirectory(dir).monitorSocket();
    }
}

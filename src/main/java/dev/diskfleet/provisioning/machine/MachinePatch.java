package dev.diskfleet.provisioning.machine;

/** Fields of a machine to change; null fields stay as they are. */
public record MachinePatch(String name, String description, Integer cpus, Integer memoryMb) {
}

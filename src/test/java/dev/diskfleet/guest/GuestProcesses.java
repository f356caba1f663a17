package dev.diskfleet.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** QEMU processes found in /proc, by the machine id each carries on its command line ({@code -uuid}). */
final class GuestProcesses {

    private GuestProcesses() {
    }

    /** Pids of live (not zombie) qemu-system processes running one of {@code machines}. */
    static List<Long> runningQemuOf(Set<UUID> machines) {
        List<Long> found = new ArrayList<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && alive(entry) && runsOneOf(entry, machines)) {
                    found.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    static void kill(List<Long> pids) {
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private static boolean alive(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean runsOneOf(Path proc, Set<UUID> machines) {
        try {
            List<String> args = Arrays.asList(new String(Files.readAllBytes(proc.resolve("cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
            int uuid = args.indexOf("-uuid");
            return !args.isEmpty() && args.get(0).contains("qemu-system") && uuid >= 0 && uuid + 1 < args.size()
                    && machines.stream().anyMatch(id -> id.toString().equals(args.get(uuid + 1)));
        } catch (IOException e) {
            return false;
        }
    }
}

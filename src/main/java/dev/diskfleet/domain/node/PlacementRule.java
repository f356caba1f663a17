package dev.diskfleet.domain.node;

import dev.diskfleet.domain.InsufficientStorageException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which node each of a number of equal guests goes to, within each node's free guest memory. All or none:
 * when the guests do not all fit, nothing is placed and the refusal says what was asked and what each node
 * has free.
 */
public final class PlacementRule {

    private PlacementRule() {
    }

    /**
     * The node of each of {@code count} guests of {@code memoryMb} each, in order, over {@code rooms}.
     *
     * @throws InsufficientStorageException {@code insufficient-guest-memory} when they do not all fit
     */
    public static List<String> place(List<NodeRoom> rooms, int count, long memoryMb, Placement placement,
            String what) {
        Map<String, Long> free = new LinkedHashMap<>();
        rooms.stream().sorted(Comparator.comparing(NodeRoom::node)).forEach(room -> free.put(room.node(), room.freeMb()));
        Comparator<Map.Entry<String, Long>> order = placement == Placement.SPREAD
                ? Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                : Comparator.comparingLong(Map.Entry::getValue);
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // ties go to the first name, so a placement is the same every time for the same rooms
            Map.Entry<String, Long> chosen = free.entrySet().stream().filter(room -> room.getValue() >= memoryMb)
                    .min(order.thenComparing(Map.Entry::getKey)).orElse(null);
            if (chosen == null) {
                throw insufficient(rooms, count, memoryMb, what);
            }
            nodes.add(chosen.getKey());
            chosen.setValue(chosen.getValue() - memoryMb);
        }
        return nodes;
    }

    private static InsufficientStorageException insufficient(List<NodeRoom> rooms, int count, long memoryMb,
            String what) {
        String free = rooms.isEmpty() ? "no node is online and undrained"
                : "free guest memory: " + rooms.stream().sorted(Comparator.comparing(NodeRoom::node))
                        .map(room -> room.node() + " " + room.freeMb() + " MiB (room for "
                                + room.freeMb() / Math.max(1, memoryMb) + ")")
                        .collect(Collectors.joining(", "));
        return new InsufficientStorageException("insufficient-guest-memory", what + " needs " + count + " × "
                + memoryMb + " MiB = " + count * memoryMb + " MiB of guest memory on online, undrained nodes; "
                + free + " (diskfleet.node.max-guest-memory-mb less the memory of running guests); nothing was made");
    }
}

package dev.diskfleet.storage;

import java.util.List;

/**
 * A consistency report in the spirit of {@code qemu-img check}: what is wrong (corruptions), what is
 * wasted but harmless (leaks), and how the image's units are used.
 */
public record CheckReport(
        String format,
        long totalUnits,
        long allocatedUnits,
        long zeroUnits,
        long absentUnits,
        long leakedUnits,
        List<String> corruptions) {

    public CheckReport {
        corruptions = List.copyOf(corruptions);
    }

    public boolean isClean() {
        return corruptions.isEmpty() && leakedUnits == 0;
    }
}

package dev.diskfleet.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples per measurement (one per repetition) and the side-by-side table of their medians. A ratio is
 * ours / qemu-img: at most 1.0 means Diskfleet is at least as fast (or as small).
 */
final class ResultTable {

    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private final List<String> rows = new ArrayList<>();

    void add(String metric, double value) {
        samples.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
    }

    /** The sample recorded last for {@code metric}; 0 for an untimed round, which records nothing. */
    double last(String metric, boolean timed) {
        List<Double> values = samples.get(metric);
        return timed && values != null ? values.get(values.size() - 1) : 0;
    }

    double median(String metric) {
        double[] values = samples.getOrDefault(metric, List.of()).stream().mapToDouble(Double::doubleValue)
                .sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int mid = values.length / 2;
        return values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    String spread(String metric) {
        return Arrays.toString(samples.getOrDefault(metric, List.of()).stream()
                .mapToDouble(Double::doubleValue).mapToObj(v -> String.format("%.3f", v)).toArray());
    }

    /** A row comparing two medians; {@code goal} is text such as "< 5 ms" with its verdict appended. */
    void row(String what, String ours, String qemu, String unit, String goal, Boolean met) {
        double a = median(ours);
        double b = qemu == null ? Double.NaN : median(qemu);
        String ratio = qemu == null ? "" : String.format("%.2f", a / b);
        String verdict = goal.isEmpty() ? "" : goal + (met == null ? "" : met ? " — met" : " — **missed**");
        rows.add(String.format("| %s | %s | %s | %s | %s |", what, format(a, unit), qemu == null ? "—" : format(b, unit),
                ratio, verdict));
    }

    /** A row with only our side (the qemu-img column names what it is compared with instead). */
    void note(String what, String value, String qemu, String ratio, String goal) {
        rows.add(String.format("| %s | %s | %s | %s | %s |", what, value, qemu, ratio, goal));
    }

    String render() {
        StringBuilder out = new StringBuilder();
        out.append("| Measurement (median) | Diskfleet | qemu-img | ours / qemu-img | Goal |\n");
        out.append("|---|---:|---:|---:|---|\n");
        rows.forEach(r -> out.append(r).append('\n'));
        return out.toString();
    }

    void printSamples() {
        samples.forEach((metric, values) -> System.out.println("  " + metric + ": " + spread(metric)));
    }

    static String format(double value, String unit) {
        return switch (unit) {
            case "KiB" -> String.format("%.1f KiB", value / 1024);
            case "MiB" -> String.format("%.1f MiB", value / (1 << 20));
            case "ms" -> String.format("%.2f ms", value);
            case "s" -> String.format("%.3f s", value);
            default -> String.format("%.3f %s", value, unit);
        };
    }
}

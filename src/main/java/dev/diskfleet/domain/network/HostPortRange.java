package dev.diskfleet.domain.network;

/** The host ports the service picks from for forwards without a named one, {@code first}-{@code last}. */
public record HostPortRange(int first, int last) {

    public HostPortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("a host port range is FIRST-LAST within 1-65535, not " + first + "-"
                    + last);
        }
    }

    /** {@code 40000-44999}. */
    public static HostPortRange parse(String text) {
        String[] bounds = text.strip().split("-", 2);
        try {
            return new HostPortRange(Integer.parseInt(bounds[0].strip()),
                    Integer.parseInt(bounds[bounds.length - 1].strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a host port range is FIRST-LAST, such as 40000-44999, not '" + text
                    + "'", e);
        }
    }

    public int size() {
        return last - first + 1;
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}

package dev.diskfleet.domain.machine;

import dev.diskfleet.domain.InvalidRequestException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a machine's network may ask for: {@code user} or {@code none}; forwards only with {@code user}; TCP or
 * UDP; ports 1–65535; one forward per guest port and protocol, and one per named host port.
 */
public final class NetworkRules {

    public static final Set<String> MODES = Set.of("user", "none");
    public static final Set<String> PROTOCOLS = Set.of("tcp", "udp");

    private NetworkRules() {
    }

    /** A forward as asked for: {@code hostPort} null means the service picks one. */
    public record RequestedForward(String protocol, int guestPort, Integer hostPort) {
    }

    public static void check(String mode, List<RequestedForward> forwards) {
        if (!MODES.contains(mode)) {
            throw invalid("network.mode", "must be user or none, not '" + mode + "'");
        }
        if (mode.equals("none") && !forwards.isEmpty()) {
            throw invalid("network.forwards", "needs network.mode user: a guest without a network has no port to"
                    + " forward to");
        }
        Set<String> guestPorts = new HashSet<>();
        Set<String> hostPorts = new HashSet<>();
        for (int i = 0; i < forwards.size(); i++) {
            RequestedForward forward = forwards.get(i);
            String field = "network.forwards[" + i + "]";
            if (!PROTOCOLS.contains(forward.protocol())) {
                throw invalid(field + ".protocol", "must be tcp or udp, not '" + forward.protocol() + "'");
            }
            checkPort(field + ".guestPort", forward.guestPort());
            if (!guestPorts.add(forward.protocol() + "/" + forward.guestPort())) {
                throw invalid(field, "forwards guest port " + forward.guestPort() + "/" + forward.protocol()
                        + " a second time");
            }
            if (forward.hostPort() != null) {
                checkPort(field + ".hostPort", forward.hostPort());
                if (!hostPorts.add(forward.protocol() + "/" + forward.hostPort())) {
                    throw invalid(field, "names host port " + forward.hostPort() + "/" + forward.protocol()
                            + " a second time");
                }
            }
        }
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw invalid(field, "must be a port from 1 to 65535, not " + port);
        }
    }

    private static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException("invalid-network", field + " " + problem);
    }
}

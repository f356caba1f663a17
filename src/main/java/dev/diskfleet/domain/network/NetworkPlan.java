package dev.diskfleet.domain.network;

import dev.diskfleet.domain.InvalidRequestException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The network a machine asks for: its mode, whether the guest may reach out, and its forwards, each with
 * the host port the client named or none (the service picks one). Built only through {@link #of}, which
 * keeps the rules: ports 1-65535, no guest port or named host port twice per protocol, no forward without
 * a network.
 */
public record NetworkPlan(NetworkMode mode, boolean outbound, List<Forward> forwards) {

    /** What a machine gets when it asks for nothing: user-mode networking, no way out, no forwards. */
    public static final NetworkPlan DEFAULT = new NetworkPlan(NetworkMode.USER, false, List.of());

    /** A forward asked for; {@code hostPort} null: the service picks one. */
    public record Forward(ForwardProtocol protocol, int guestPort, Integer hostPort) {

        /** {@code 5432/tcp}: how the inventory and a fleet's template name the forward. */
        public String key() {
            return guestPort + "/" + protocol.apiName();
        }
    }

    public NetworkPlan {
        forwards = List.copyOf(forwards);
    }

    /**
     * Checks a network as a client sent it. {@code field} names it in messages ({@code network}); each
     * forward is {@code field.forwards[i]}.
     */
    public static NetworkPlan of(NetworkMode mode, boolean outbound, List<Forward> forwards, String field) {
        if (mode == NetworkMode.NONE && !forwards.isEmpty()) {
            throw invalid(field + ".forwards: a machine with " + field + ".mode none has no network to forward to;"
                    + " set mode to user or leave forwards out");
        }
        Set<String> guestPorts = new HashSet<>();
        Set<String> hostPorts = new HashSet<>();
        for (int i = 0; i < forwards.size(); i++) {
            Forward forward = forwards.get(i);
            String at = field + ".forwards[" + i + "]";
            requirePort(forward.guestPort(), at + ".guestPort");
            if (forward.hostPort() != null) {
                requirePort(forward.hostPort(), at + ".hostPort");
                if (!hostPorts.add(forward.hostPort() + "/" + forward.protocol().apiName())) {
                    throw invalid(at + ".hostPort: host port " + forward.hostPort() + "/"
                            + forward.protocol().apiName() + " is named twice");
                }
            }
            if (!guestPorts.add(forward.key())) {
                throw invalid(at + ".guestPort: guest port " + forward.key() + " is forwarded twice");
            }
        }
        return new NetworkPlan(mode, outbound, forwards);
    }

    private static void requirePort(int port, String field) {
        if (port < 1 || port > 65535) {
            throw invalid(field + " must be a port number from 1 to 65535, not " + port);
        }
    }

    private static InvalidRequestException invalid(String detail) {
        return new InvalidRequestException("invalid-network", detail);
    }
}

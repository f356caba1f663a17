package dev.diskfleet.domain.network;

import dev.diskfleet.domain.InvalidRequestException;
import java.util.Locale;

/** {@code user}: one NIC on user-mode networking (NAT, DHCP, forwards); {@code none}: no NIC. */
public enum NetworkMode {
    USER, NONE;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code null} means user, the default. */
    public static NetworkMode fromApiName(String name, String field) {
        if (name == null) {
            return USER;
        }
        return switch (name) {
            case "user" -> USER;
            case "none" -> NONE;
            default -> throw new InvalidRequestException("invalid-network", field + " must be user or none, not '"
                    + name + "'");
        };
    }
}

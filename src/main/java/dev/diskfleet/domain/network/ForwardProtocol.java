package dev.diskfleet.domain.network;

import dev.diskfleet.domain.InvalidRequestException;
import java.util.Locale;

/** The transport a port forward carries. */
public enum ForwardProtocol {
    TCP, UDP;

    /** As the API and the rows spell it: {@code tcp}, {@code udp}. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code null} means tcp; anything but tcp and udp is refused, naming {@code field}. */
    public static ForwardProtocol fromApiName(String name, String field) {
        if (name == null) {
            return TCP;
        }
        return switch (name) {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            default -> throw new InvalidRequestException("invalid-network", field + " must be tcp or udp, not '"
                    + name + "'");
        };
    }
}

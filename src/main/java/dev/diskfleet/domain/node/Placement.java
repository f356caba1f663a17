package dev.diskfleet.domain.node;

import dev.diskfleet.domain.InvalidRequestException;
import java.util.Locale;

/**
 * How a fleet's members are spread over the nodes: {@code SPREAD} balances them (each next member goes to the
 * node with the most free guest memory left), {@code PACK} fills one node before the next (each next member
 * goes to the node with the least room that still fits it).
 */
public enum Placement {
    SPREAD, PACK;

    /** The name the API uses. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Placement fromApiName(String name) {
        for (Placement placement : values()) {
            if (placement.apiName().equals(name)) {
                return placement;
            }
        }
        throw new InvalidRequestException("invalid-placement", "placement must be spread or pack, not '" + name + "'");
    }
}

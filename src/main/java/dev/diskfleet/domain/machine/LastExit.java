package dev.diskfleet.domain.machine;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * How a machine's last guest run ended.
 *
 * @param reason {@code guestPoweredOff}, {@code guestRebooted}, {@code stoppedByHost}, {@code abnormal},
 *     {@code failedToStart}, {@code goneWhileServiceWasDown} or {@code nodeLost} (its node was lost while it ran:
 *     the machine is {@code unknown})
 * @param consoleTail the last console lines, kept for an abnormal end only (empty otherwise)
 */
public record LastExit(String reason, String detail, OffsetDateTime at, List<String> consoleTail) {

    public static final String NODE_LOST = "nodeLost";

    public LastExit {
        consoleTail = List.copyOf(consoleTail);
    }
}

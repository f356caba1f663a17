package dev.diskfleet.domain.machine;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * How a machine's last guest run ended.
 *
 * @param reason {@code guestPoweredOff}, {@code guestRebooted}, {@code stoppedByHost}, {@code abnormal},
 *     {@code failedToStart} or {@code goneWhileServiceWasDown}
 * @param consoleTail the last console lines, kept for an abnormal end only (empty otherwise)
 */
public record LastExit(String reason, String detail, OffsetDateTime at, List<String> consoleTail) {

    public LastExit {
        consoleTail = List.copyOf(consoleTail);
    }
}

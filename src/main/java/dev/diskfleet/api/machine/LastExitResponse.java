package dev.diskfleet.api.machine;

import dev.diskfleet.domain.machine.LastExit;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;

@Schema(description = "How the machine's last guest run ended")
public record LastExitResponse(
        @Schema(description = "guestPoweredOff, guestRebooted, stoppedByHost, abnormal, failedToStart, "
                + "goneWhileServiceWasDown or nodeLost (the machine is unknown)", example = "abnormal") String reason,
        @Schema(example = "QEMU exited without a SHUTDOWN event") String detail,
        OffsetDateTime at,
        @Schema(description = "The last console lines, on an abnormal end only") List<String> consoleTail) {

    static LastExitResponse of(LastExit exit) {
        return new LastExitResponse(exit.reason(), exit.detail(), exit.at(), exit.consoleTail());
    }
}

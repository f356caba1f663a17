package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.fleet.FleetPower;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Duration;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What another node's fleet operation asks of the machines this node holds: a power action on one member. */
@Hidden
@RestController
@RequestMapping("/internal/machines")
public class InternalMachineController {

    /** The action ({@code START}, {@code STOP}, {@code RESET}), how long a graceful stop may wait, and whether the stop is hard. */
    record Power(String action, long stopTimeoutMillis, boolean force) {
    }

    private final FleetPower power;

    public InternalMachineController(FleetPower power) {
        this.power = power;
    }

    @PostMapping("/{id}/power")
    public FleetPower.MemberPower power(@PathVariable UUID id, @RequestBody Power request) {
        return power.applyHere(id, request.action(), Duration.ofMillis(request.stopTimeoutMillis()), request.force());
    }
}

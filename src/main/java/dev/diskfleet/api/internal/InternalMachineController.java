package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.fleet.FleetPower;
import io.swagger.v3.oas.annotations.Hidden;
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

    private final FleetPower power;

    public InternalMachineController(FleetPower power) {
        this.power = power;
    }

    @PostMapping("/{id}/power")
    public FleetPower.MemberPower power(@PathVariable UUID id, @RequestBody FleetPower.MemberPowerRequest request) {
        return power.applyHere(id, request);
    }
}

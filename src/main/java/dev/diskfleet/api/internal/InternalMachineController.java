package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.fleet.FleetPower;
import dev.diskfleet.provisioning.nodeloss.MachineMove;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What another node asks of this node's machines: a fleet operation's power action on a member this node holds,
 * and the start here of a lost node's machine that the restarting node's placement picked this node for.
 */
@Hidden
@RestController
@RequestMapping("/internal/machines")
public class InternalMachineController {

    private final FleetPower power;
    private final MachineMove move;

    public InternalMachineController(FleetPower power, MachineMove move) {
        this.power = power;
        this.move = move;
    }

    @PostMapping("/{id}/power")
    public FleetPower.MemberPower power(@PathVariable UUID id, @RequestBody FleetPower.MemberPowerRequest request) {
        return power.applyHere(id, request);
    }

    /** Starts a machine of a lost node on this node, which the restarting node's placement picked. */
    @PostMapping("/{id}/start")
    public ResponseEntity<Void> start(@PathVariable UUID id) {
        move.start(id, move.localNode());
        return ResponseEntity.noContent().build();
    }
}

package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.fleet.FleetOperationResult;
import dev.diskfleet.provisioning.fleet.FleetShare;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Hidden
@RestController
@RequestMapping("/internal/fleets")
public class InternalFleetController {

    private final FleetShare share;

    public InternalFleetController(FleetShare share) {
        this.share = share;
    }

    /** Makes the members here (all or none), their disks on the fleet's base, copied here first if needed. */
    @PostMapping("/{id}/members")
    public List<FleetOperationResult.Machine> make(@PathVariable UUID id, @RequestBody FleetShare.Members request) {
        return share.make(id, request.ordinals(), request.start());
    }

    @PostMapping("/{id}/members/removal")
    public ResponseEntity<Void> remove(@PathVariable UUID id, @RequestBody FleetShare.Removal request) {
        share.remove(id, request.machineIds());
        return ResponseEntity.noContent().build();
    }
}

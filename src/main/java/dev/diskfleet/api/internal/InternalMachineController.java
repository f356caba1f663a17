package dev.diskfleet.api.internal;

import dev.diskfleet.provisioning.nodeloss.MachineMove;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Hidden
@RestController
@RequestMapping("/internal/machines")
public class InternalMachineController {

    private final MachineMove move;

    public InternalMachineController(MachineMove move) {
        this.move = move;
    }

    /** Starts a machine of a lost node on this node, which the restarting node's placement picked. */
    @PostMapping("/{id}/start")
    public ResponseEntity<Void> start(@PathVariable UUID id) {
        move.start(id, move.localNode());
        return ResponseEntity.noContent().build();
    }
}

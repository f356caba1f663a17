package dev.diskfleet.api.machine;

import dev.diskfleet.api.attachment.AttachmentResponse;
import dev.diskfleet.api.network.NetworkResponse;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.provisioning.machine.MachineDetails;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@Schema(description = "A machine: its hardware, power state, disks, network and current snapshot")
public record MachineResponse(
        @Schema(example = "9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d") UUID id,
        @Schema(example = "pg-1") String name,
        @Schema(example = "PostgreSQL 16 test guest") String description,
        @Schema(example = "2") int cpus,
        @Schema(example = "4096") int memoryMb,
        CloudInitResponse cloudInit,
        @Schema(description = "poweredOff, running or unknown (its node was lost while it ran; lastExit says nodeLost)", example = "poweredOff") String state,
        @Schema(description = "The node that holds its own disks and runs its guest; null in a cluster until its"
                + " first start places it", example = "node-a") String node,
        @Schema(description = "The snapshot the current state builds on, if any") UUID currentSnapshotId,
        List<AttachmentResponse> attachments,
        NetworkResponse network,
        @Schema(description = "How the last guest run ended; null before the first") LastExitResponse lastExit,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    public static MachineResponse of(MachineDetails details) {
        Machine machine = details.machine();
        return new MachineResponse(machine.getId(), machine.getName(), machine.getDescription(), machine.getCpus(),
                machine.getMemoryMb(), CloudInitResponse.of(machine.cloudInit()), machine.getState().apiName(),
                machine.getNode(), machine.getCurrentSnapshotId(), details.attachments().stream().map(AttachmentResponse::of).toList(),
                NetworkResponse.of(details.network()),
                machine.lastExit().map(LastExitResponse::of).orElse(null), machine.getCreatedAt(),
                machine.getUpdatedAt());
    }
}

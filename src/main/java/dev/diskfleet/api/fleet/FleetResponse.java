package dev.diskfleet.api.fleet;

import dev.diskfleet.api.machine.CloudInitResponse;
import dev.diskfleet.domain.ApiNames;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.provisioning.fleet.FleetDetails;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@Schema(description = "A fleet: its base, its machines with their states, and the disk it uses and saves")
public record FleetResponse(
        @Schema(example = "5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d") UUID id,
        @Schema(example = "pg-test") String name,
        @Schema(example = "ready") String state,
        @Schema(description = "The image the fleet was deployed from",
                example = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a") UUID goldenImageId,
        @Schema(description = "The immutable image every machine's differencing disk is made on: the golden"
                + " itself when the golden is immutable, else the fleet's own full clone of it",
                example = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a") UUID baseImageId,
        @Schema(description = "True when the base is the golden image itself (an immutable golden: nothing was"
                + " copied, and deleting the fleet keeps it); false when the base is the fleet's own clone",
                example = "false") boolean baseIsGolden,
        @Schema(description = "The number of machines asked for", example = "10") int size,
        @Schema(example = "pg") String machineNamePrefix,
        @Schema(example = "true") boolean autoReset,
        @Schema(description = "How a cluster places the members over its nodes: spread or pack", example = "spread")
        String placement,
        @Schema(description = "The cloud-init setting every member gets, on deploy and on scale") CloudInitResponse memberCloudInit,
        @Schema(description = "The machines of the page machinesPage names, lowest number first (all of them unless"
                + " GET /api/fleets/{id} was asked for a smaller page)") List<FleetMachineResponse> machines,
        @Schema(description = "Which page of the machines this is, and how many there are in all") MachinesPage machinesPage,
        @Schema(description = "Disk use of all the fleet's machines, whatever the page") FleetUsage usage,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    @Schema(description = "A page of a fleet's machines")
    public record MachinesPage(
            @Schema(description = "The page, from 0", example = "0") int page,
            @Schema(description = "Machines a page holds", example = "1000") int size,
            @Schema(description = "The fleet's machines, all pages together", example = "10") long totalItems,
            @Schema(description = "Pages of this size", example = "1") int totalPages) {
    }

    public static FleetResponse of(FleetDetails details) {
        Fleet fleet = details.fleet();
        List<FleetMachineResponse> machines = details.members().stream().map(member -> new FleetMachineResponse(
                member.ordinal(), member.machine().getId(), member.machine().getName(),
                member.machine().getState().apiName(), member.machine().getNode(), member.disk() == null ? null : member.disk().getId(),
                member.disk() == null ? null : member.disk().getMediumId(), member.diskBytes())).toList();
        return new FleetResponse(fleet.getId(), fleet.getName(), ApiNames.of(fleet.getState()),
                fleet.getGoldenImageId(), fleet.getBaseImageId(), fleet.isLinked(), fleet.getSize(), fleet.getMachineNamePrefix(),
                fleet.isAutoReset(), fleet.getPlacement().apiName(), CloudInitResponse.of(fleet.memberCloudInit()), machines,
                new MachinesPage(details.page(), details.pageSize(), details.memberCount(),
                        (details.memberCount() + details.pageSize() - 1) / details.pageSize()),
                FleetUsage.of(details.baseBytes(), details.machineDisksBytes(), details.memberCount(),
                        details.fullCopyBytes()), fleet.getCreatedAt(), fleet.getUpdatedAt());
    }
}

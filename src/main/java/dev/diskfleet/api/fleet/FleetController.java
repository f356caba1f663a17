package dev.diskfleet.api.fleet;

import java.lang.annotation.Target;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Retention;
import java.lang.annotation.ElementType;
import dev.diskfleet.api.network.NetworkRequest;
import dev.diskfleet.api.web.ProblemExamples;
import dev.diskfleet.api.operation.OperationResponse;
import dev.diskfleet.api.operation.OperationResponses;
import dev.diskfleet.domain.node.Placement;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.fleet.FleetLimits;
import dev.diskfleet.domain.fleet.FleetPowerAction;
import dev.diskfleet.provisioning.fleet.FleetCatalog;
import dev.diskfleet.provisioning.fleet.FleetInventory;
import dev.diskfleet.provisioning.fleet.FleetPlan;
import dev.diskfleet.api.machine.CloudInitRequest;
import dev.diskfleet.provisioning.fleet.FleetPower;
import dev.diskfleet.provisioning.machine.PowerService;
import dev.diskfleet.provisioning.fleet.FleetProvisioner;
import dev.diskfleet.api.web.ETags;
import dev.diskfleet.api.web.PageResponse;
import dev.diskfleet.api.web.ProblemExamples;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/fleets")
@Tag(name = "Fleets", description = "N identical machines from one golden image, each on its own differencing disk")
public class FleetController {

    private static final String PROBLEM = "application/problem+json";
    private static final String MACHINES_RUNNING = """
            {"type":"https://diskfleet.dev/problems/machines-running","title":"Conflict","status":409,\
            "detail":"cannot delete fleet pg-test: machines [pg-1, pg-2] are running; stop them first, or add \
            ?force=true to stop them as part of this request","instance":"/api/fleets/5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d"}""";

    private static final String YAML = "application/yaml";
    private static final String ANSIBLE_EXAMPLE = """
            all:
              children:
                pg_test:
                  hosts:
                    pg-1:
                      ansible_host: 127.0.0.1
                      ansible_port: 40001
                      diskfleet_machine_id: 9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d
                      diskfleet_state: running
                      diskfleet_forwards:
                        22/tcp: 127.0.0.1:40001
                        5432/tcp: 127.0.0.1:40000
                  vars:
                    diskfleet_fleet_id: 5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d
            """;

    private final FleetCatalog fleets;
    private final FleetProvisioner provisioner;
    private final FleetPower power;
    private final OperationResponses operations;

    public FleetController(FleetCatalog fleets, FleetProvisioner provisioner, FleetPower power,
            OperationResponses operations) {
        this.fleets = fleets;
        this.provisioner = provisioner;
        this.power = power;
        this.operations = operations;
    }

    @PostMapping
    @Operation(operationId = "deployFleet", summary = "Deploy a fleet: clone the golden image (an immutable golden is"
            + " used as it is, without a copy), make N machines on it, start them if asked; answers 202 with the"
            + " operation to follow")
    @ApiResponse(responseCode = "202", description = "Deploying; Location names the operation (kind fleet.deploy),"
            + " whose result lists the machines as they are made", content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = OperationResponse.class),
                    examples = @ExampleObject(value = ProblemExamples.DEPLOY_ACCEPTED)))
    @ApiResponse(responseCode = "413", description = "The members' cloud-init user-data or network-config is larger than"
            + " diskfleet.limits.max-user-data", content = @Content(mediaType = PROBLEM,
                    examples = @ExampleObject(value = ProblemExamples.USER_DATA_TOO_LARGE)))
    @ApiResponse(responseCode = "404", description = "No image has goldenImageId", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.GOLDEN_NOT_FOUND)))
    @ApiResponse(responseCode = "409", description = "The name is taken, a running machine uses the golden image, or"
            + " diskfleet.network.host-ports has too few free ports for every member's forwards (nothing was made)",
            content = @Content(mediaType = PROBLEM, examples = {
                    @ExampleObject(name = "fleet-name-taken", value = ProblemExamples.FLEET_NAME_TAKEN),
                    @ExampleObject(name = "host-ports-exhausted", value = ProblemExamples.HOST_PORTS_EXHAUSTED),
                    @ExampleObject(name = "image-in-use", value = ProblemExamples.GOLDEN_IN_USE)}))
    @ApiResponse(responseCode = "507", description = "The base clone would leave less than"
            + " diskfleet.limits.min-free-space free, or (in a cluster) the members do not fit in the guest memory the"
            + " online, undrained nodes have left; nothing was made", content = @Content(mediaType = PROBLEM,
                    examples = {@ExampleObject(name = "out-of-space", value = ProblemExamples.OUT_OF_SPACE),
                    @ExampleObject(name = "insufficient-guest-memory",
                            value = ProblemExamples.INSUFFICIENT_GUEST_MEMORY)}))
    public ResponseEntity<OperationResponse> create(@Valid @RequestBody CreateFleetRequest request) {
        return accepted(provisioner.deploy(new FleetPlan(request.name(), request.goldenImageId(), request.size(),
                request.machineNamePrefix(), request.autoReset() == null || request.autoReset(),
                Boolean.TRUE.equals(request.start()), request.cpus(), request.memoryMb(),
                NetworkRequest.planOrDefault(request.network(), "network"),
                CloudInitRequest.orDefault(request.cloudInit()),
                request.placement() == null ? Placement.SPREAD : Placement.fromApiName(request.placement()))));
    }

    @GetMapping
    @Operation(operationId = "listFleets", summary = "List fleets, paged, with their machines and disk usage")
    public PageResponse<FleetResponse> list(@RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) int size) {
        return PageResponse.of(fleets.list(PageRequest.of(page, size)), FleetResponse::of);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getFleet", summary = "Get a fleet: base image, machines with their states (paged: all"
            + " of them by default; page and size choose a page, machinesPage gives the totals), bytes used and saved"
            + " by all machines (with its ETag)")
    public ResponseEntity<FleetResponse> get(@PathVariable UUID id,
            @Parameter(description = "The page of machines, from 0") @RequestParam(defaultValue = "0") @Min(0) int page,
            @Parameter(description = "Machines a page holds; by default every machine of the fleet")
            @RequestParam(defaultValue = "" + FleetLimits.MAX_SIZE) @Min(1) @Max(FleetLimits.MAX_SIZE) int size) {
        Fleet fleet = fleets.require(id);
        return ResponseEntity.ok().eTag(ETags.of(fleet.getVersion()))
                .body(FleetResponse.of(fleets.details(fleet, page, size)));
    }

    @GetMapping(value = "/{id}/inventory", produces = {MediaType.APPLICATION_JSON_VALUE, YAML})
    @Operation(operationId = "getFleetInventory", summary = "Where to reach each machine: its name, id, state and the"
            + " host endpoint of each forward; format=ansible gives an Ansible YAML inventory (ansible_host and"
            + " ansible_port from the forward of guest port 22, when there is one)")
    @ApiResponse(responseCode = "200", description = "The inventory", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = InventoryResponse.class)),
            @Content(mediaType = YAML, examples = @ExampleObject(value = ANSIBLE_EXAMPLE))})
    public ResponseEntity<?> inventory(@PathVariable UUID id,
            @Parameter(description = "json (default) or ansible") @RequestParam(defaultValue = "json")
            @jakarta.validation.constraints.Pattern(regexp = "json|ansible", message = "must be json or ansible")
            String format) {
        FleetInventory inventory = fleets.inventory(id);
        if (format.equals("ansible")) {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType(YAML + ";charset=UTF-8"))
                    .body(AnsibleInventory.of(inventory));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(InventoryResponse.of(inventory));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "scaleFleet", summary = "Scale a fleet to a new size; answers 202 with the operation to follow. Scaling up adds the "
            + "lowest free numbers, powered off; scaling down removes the highest-numbered machines and their disks, "
            + "running ones only with force=true (stopped first); honours If-Match")
    @ApiResponse(responseCode = "202", description = "Scaling; Location names the operation (kind fleet.scale)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = OperationResponse.class),
                    examples = @ExampleObject(value = ProblemExamples.SCALE_ACCEPTED)))
    @ApiResponse(responseCode = "412", description = "If-Match names another version than the fleet's current ETag",
            content = @Content(mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.STALE_ETAG)))
    @ApiResponse(responseCode = "409", description = "Machines that scaling down removes are running (and no force),"
            + " the fleet is busy, or the new members' forwards need more free host ports than"
            + " diskfleet.network.host-ports has (nothing was made)", content = @Content(mediaType = PROBLEM,
                    examples = {@ExampleObject(name = "machines-running", value = MACHINES_RUNNING),
                            @ExampleObject(name = "host-ports-exhausted", value = ProblemExamples.HOST_PORTS_EXHAUSTED)}))
    @ApiResponse(responseCode = "507", description = "The new machines' disks would leave less than"
            + " diskfleet.limits.min-free-space free; nothing was made", content = @Content(mediaType = PROBLEM,
                    examples = @ExampleObject(value = ProblemExamples.OUT_OF_SPACE)))
    public ResponseEntity<OperationResponse> scale(@PathVariable UUID id, @Valid @RequestBody ScaleFleetRequest request,
            @Parameter(description = "Stop running machines that scaling down removes")
            @RequestParam(defaultValue = "false") boolean force,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) @Parameter(example = "\"3\"") String ifMatch) {
        return accepted(provisioner.scale(id, request.size(), force, ETags.ifMatch(ifMatch)));
    }

    @PostMapping("/{id}/start")
    @Operation(operationId = "startFleet", summary = "Start every machine of the fleet, a few at a time; answers 202"
            + " with the operation to follow (one result per machine: running ones are unchanged)")
    @FleetPowerResponses
    public ResponseEntity<OperationResponse> start(@PathVariable UUID id) {
        return accepted(power.submit(id, FleetPowerAction.START, PowerService.DEFAULT_STOP_TIMEOUT, false));
    }

    @PostMapping("/{id}/stop")
    @Operation(operationId = "stopFleet", summary = "Stop every machine of the fleet (ACPI power button, then hard after"
            + " timeoutSeconds; or hard at once with force=true), a few at a time; answers 202 with the operation to"
            + " follow (one result per machine: powered-off ones are unchanged)")
    @FleetPowerResponses
    public ResponseEntity<OperationResponse> stop(@PathVariable UUID id,
            @Parameter(description = "How long each guest may take to power off before it is powered off hard")
            @RequestParam(defaultValue = "30") @Min(0) @Max(3600) int timeoutSeconds,
            @Parameter(description = "Power off hard at once") @RequestParam(defaultValue = "false") boolean force) {
        return accepted(power.submit(id, FleetPowerAction.STOP, Duration.ofSeconds(timeoutSeconds), force));
    }

    @PostMapping("/{id}/reset")
    @Operation(operationId = "resetFleet", summary = "Power-cycle every machine of the fleet (autoReset disks are emptied;"
            + " a powered-off machine is started), a few at a time; answers 202 with the operation to follow")
    @FleetPowerResponses
    public ResponseEntity<OperationResponse> reset(@PathVariable UUID id) {
        return accepted(power.submit(id, FleetPowerAction.RESET, PowerService.DEFAULT_STOP_TIMEOUT, false));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteFleet", summary = "Delete a fleet: its machines, their disks and its base clone"
            + " (the golden image stays, also when it is the base); answers 202 with the operation to follow. "
            + "Refused while machines run unless force=true (they are stopped first); honours If-Match")
    @ApiResponse(responseCode = "202", description = "Deleting; Location names the operation (kind fleet.delete)."
            + " The fleet is 'deleting' until the operation ends: then it is gone, or, when something could not be"
            + " removed, the operation fails with fleet-delete-incomplete and the fleet stays 'deleting' for another DELETE",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = OperationResponse.class),
                    examples = @ExampleObject(value = ProblemExamples.DELETE_ACCEPTED)))
    @ApiResponse(responseCode = "412", description = "If-Match names another version than the fleet's current ETag",
            content = @Content(mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.STALE_ETAG)))
    @ApiResponse(responseCode = "409", description = "Machines are running (and no force), or the fleet is busy",
            content = @Content(mediaType = PROBLEM, examples = @ExampleObject(value = MACHINES_RUNNING)))
    public ResponseEntity<OperationResponse> delete(@PathVariable UUID id,
            @Parameter(description = "Stop running machines first") @RequestParam(defaultValue = "false") boolean force,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) @Parameter(example = "\"3\"") String ifMatch) {
        return accepted(provisioner.delete(id, force, ETags.ifMatch(ifMatch)));
    }

    /** What the fleet power actions answer: an operation to follow, or a refusal while the fleet changes. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ApiResponse(responseCode = "202", description = "Accepted; Location names the operation (kind fleet.start,"
            + " fleet.stop or fleet.reset). Its result counts done of total machines and gives each machine's"
            + " result (pending, succeeded, unchanged: already in the wanted state, or failed with its problem) and"
            + " state as they end; the"
            + " operation fails, naming them, when any machine failed", content = @Content(
                    mediaType = "application/json", schema = @Schema(implementation = OperationResponse.class),
                    examples = @ExampleObject(value = ProblemExamples.FLEET_POWER_ACCEPTED)))
    @ApiResponse(responseCode = "409", description = "The fleet is being deployed, scaled or deleted", content = @Content(
            mediaType = PROBLEM, examples = @ExampleObject(value = ProblemExamples.FLEET_BUSY)))
    @interface FleetPowerResponses {
    }

    private ResponseEntity<OperationResponse> accepted(dev.diskfleet.domain.operation.Operation operation) {
        return ResponseEntity.accepted().location(URI.create("/api/operations/" + operation.getId()))
                .body(operations.toResponse(operation));
    }
}

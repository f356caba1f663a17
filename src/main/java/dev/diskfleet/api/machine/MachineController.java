package dev.diskfleet.api.machine;

import dev.diskfleet.hypervisor.ConsoleTail;
import dev.diskfleet.provisioning.guest.Guests;
import dev.diskfleet.api.network.NetworkRequest;
import dev.diskfleet.api.web.PrintableName;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.provisioning.machine.MachineService;
import dev.diskfleet.provisioning.machine.PowerService;
import dev.diskfleet.provisioning.nodeloss.MachineMove;
import dev.diskfleet.api.web.ETags;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.provisioning.machine.MachineDetails;
import dev.diskfleet.provisioning.machine.MachinePatch;
import dev.diskfleet.api.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import dev.diskfleet.api.web.ProblemExamples;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import io.swagger.v3.oas.annotations.Parameter;
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
@RequestMapping("/api/machines")
@Tag(name = "Machines", description = "Guests, their hardware and power state")
public class MachineController {

    private static final String CONSOLE_EXAMPLE = """
            SeaBIOS (version 1.16.2-debian-1.16.2-1)
            Booting from Hard Disk...
            DISKFLEET-GUEST 9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d found: golden
            DISKFLEET-GUEST 9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d wrote
            """;

    private final MachineService machines;
    private final PowerService power;
    private final Guests guests;
    private final MachineMove move;

    public MachineController(MachineService machines, PowerService power, Guests guests, MachineMove move) {
        this.move = move;
        this.machines = machines;
        this.power = power;
        this.guests = guests;
    }

    @PostMapping
    @Operation(operationId = "createMachine", summary = "Create a machine (powered off, no disks)")
    @ApiResponse(responseCode = "201", description = "Created; Location names the machine")
    @ApiResponse(responseCode = "413", description = "The cloud-init user-data or network-config is larger than diskfleet.limits.max-user-data", content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.USER_DATA_TOO_LARGE)))
    @ApiResponse(responseCode = "404", description = "No node has the name given as node", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.NODE_NOT_FOUND)))
    @ApiResponse(responseCode = "409", description = "The name is taken, a named hostPort is another machine's, or the"
            + " node named is offline or draining",
            content = @Content(mediaType = "application/problem+json", examples = {
                    @ExampleObject(name = "machine-name-taken", value = ProblemExamples.MACHINE_NAME_TAKEN),
                    @ExampleObject(name = "node-unavailable", value = ProblemExamples.NODE_UNAVAILABLE),
                    @ExampleObject(name = "host-port-taken", value = ProblemExamples.HOST_PORT_TAKEN)}))
    public ResponseEntity<MachineResponse> create(@Valid @RequestBody CreateMachineRequest request) {
        Machine machine = machines.create(request.name(), request.description(), request.cpus(), request.memoryMb(),
                CloudInitRequest.orDefault(request.cloudInit()), NetworkRequest.planOrDefault(request.network(), "network"),
                request.node());
        return ResponseEntity.created(URI.create("/api/machines/" + machine.getId()))
                .eTag(ETags.of(machine.getVersion()))
                .body(MachineResponse.of(machines.details(machine)));
    }

    @GetMapping
    @Operation(operationId = "listMachines", summary = "List machines, paged and filtered by state or name (substring)")
    public PageResponse<MachineResponse> list(
            @RequestParam(required = false) @Pattern(regexp = "poweredOff|running|unknown",
                    message = "must be poweredOff, running or unknown") String state,
            @RequestParam(required = false) @PrintableName String name,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) int size) {
        return PageResponse.of(machines.list(state, name, PageRequest.of(page, size)),
                MachineResponse::of);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getMachine", summary = "Get a machine (with its ETag)")
    public ResponseEntity<MachineResponse> get(@PathVariable UUID id) {
        return withETag(id, machines.get(id));
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateMachine", summary = "Rename, describe, or change CPUs, memory, the cloud-init seed or the network (powered off only); honours If-Match")
    @ApiResponse(responseCode = "200", description = "The changed machine, with its new ETag")
    @ApiResponse(responseCode = "413", description = "The cloud-init user-data or network-config is larger than diskfleet.limits.max-user-data", content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.USER_DATA_TOO_LARGE)))
    @ApiResponse(responseCode = "409", description = "The machine is running, the name is taken, or a named hostPort is"
            + " another machine's", content = @Content(
            mediaType = "application/problem+json", examples = {
                    @ExampleObject(name = "machine-running", value = ProblemExamples.MACHINE_RUNNING_CHANGE),
                    @ExampleObject(name = "machine-name-taken", value = ProblemExamples.MACHINE_NAME_TAKEN),
                    @ExampleObject(name = "host-port-taken", value = ProblemExamples.HOST_PORT_TAKEN)}))
    public ResponseEntity<MachineResponse> update(@PathVariable UUID id, @Valid @RequestBody PatchMachineRequest patch,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        return withETag(id, machines.update(id, new MachinePatch(patch.name(), patch.description(), patch.cpus(),
                patch.memoryMb(), patch.cloudInit() == null ? null : patch.cloudInit().toPatch(),
                patch.network() == null ? null : patch.network().toPlan("network")), ETags.ifMatch(ifMatch)));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteMachine", summary = "Delete a powered-off machine; its disks are detached first and normal disks keep the"
            + " newest data of its snapshots; honours If-Match")
    @ApiResponse(responseCode = "204", description = "Deleted, with its own disks")
    @ApiResponse(responseCode = "409", description = "The machine is running", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.MACHINE_RUNNING)))
    public ResponseEntity<Void> delete(@PathVariable UUID id,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        machines.delete(id, ETags.ifMatch(ifMatch));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/start")
    @Operation(operationId = "startMachine", summary = "Power on: every attached differencing image with autoReset on"
            + " is emptied, then the guest boots (with the qemu driver); returns once it runs")
    @ApiResponse(responseCode = "200", description = "Running")
    @ApiResponse(responseCode = "409", description = "Already running, a disk's file is missing, a user's NBD export"
            + " shares a disk with the guest, another process holds a forward's host port, the machine is given"
            + " more memory than the host has (the machine stays powered off), or, started on a named node, its own"
            + " node is online or it has a disk that is not disposable (machine-waits-for-node)", content = @Content(
                    mediaType = "application/problem+json", examples = {
                    @ExampleObject(name = "machine-running", value = ProblemExamples.MACHINE_ALREADY_RUNNING),
                    @ExampleObject(name = "host-port-busy", value = ProblemExamples.HOST_PORT_BUSY),
                    @ExampleObject(name = "insufficient-host-memory", value = ProblemExamples.INSUFFICIENT_HOST_MEMORY),
                    @ExampleObject(name = "machine-waits-for-node", value = ProblemExamples.MACHINE_WAITS_FOR_NODE)}))
    @ApiResponse(responseCode = "507", description = "The storage root is full, or (in a cluster) a machine without a"
            + " node is started on a node whose free guest memory it does not fit", content = @Content(
                    mediaType = "application/problem+json", examples = {
                    @ExampleObject(name = "out-of-space", value = ProblemExamples.OUT_OF_SPACE),
                    @ExampleObject(name = "insufficient-guest-memory", value = ProblemExamples.INSUFFICIENT_GUEST_MEMORY)}))
    @ApiResponse(responseCode = "404", description = "No node has the name given as node", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.NODE_NOT_FOUND)))
    public ResponseEntity<MachineResponse> start(@PathVariable UUID id,
            @Parameter(description = "Start it on this node instead of its own, which is offline (lost): allowed when"
                    + " every disk of the machine is an autoReset differencing disk (a fresh one is made there over"
                    + " the base's copy, copied there first if needed); a machine with any other disk waits for its"
                    + " node (409 machine-waits-for-node naming it). Sent to the node named, by any node")
            @RequestParam(required = false) @PrintableName String node) {
        return withETag(id, node == null ? power.start(id) : move.start(id, node));
    }

    @PostMapping("/{id}/stop")
    @Operation(operationId = "stopMachine", summary = "Power off: the ACPI power button, then a hard power-off after timeoutSeconds (or at once"
            + " with force=true); returns once the guest no longer runs. What the guest wrote stays readable until"
            + " the next start")
    public ResponseEntity<MachineResponse> stop(@PathVariable UUID id,
            @Parameter(description = "How long the guest may take to power off before it is powered off hard")
            @RequestParam(defaultValue = "30") @Min(0) @Max(3600) int timeoutSeconds,
            @Parameter(description = "Power off hard at once, as pulling the plug does")
            @RequestParam(defaultValue = "false") boolean force) {
        return withETag(id, power.stop(id, Duration.ofSeconds(timeoutSeconds), force));
    }

    @GetMapping(value = "/{id}/console", produces = MediaType.TEXT_PLAIN_VALUE)
    @Operation(operationId = "getMachineConsole", summary = "The guest's serial console: the last lines of its current or last boot")
    @ApiResponse(responseCode = "200", description = "The last lines, one per line", content = @Content(
            mediaType = MediaType.TEXT_PLAIN_VALUE, examples = @ExampleObject(value = CONSOLE_EXAMPLE)))
    public String console(@PathVariable UUID id,
            @Parameter(description = "How many lines from the end")
            @RequestParam(defaultValue = "100") @Min(0) @Max(ConsoleTail.MAX_LINES) int tail) {
        machines.require(id);
        List<String> lines = guests.console(id, tail);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    @PostMapping("/{id}/reset")
    @Operation(operationId = "resetMachine", summary = "Hard power cycle of a running machine (powered off at once,"
            + " then started): autoReset disks are emptied")
    @ApiResponse(responseCode = "200", description = "Running again, autoReset disks emptied")
    @ApiResponse(responseCode = "409", description = "The machine is powered off", content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.MACHINE_POWERED_OFF)))
    @ApiResponse(responseCode = "507", description = "The storage root is full", content = @Content(mediaType = "application/problem+json", examples = @ExampleObject(value = ProblemExamples.OUT_OF_SPACE)))
    public ResponseEntity<MachineResponse> reset(@PathVariable UUID id) {
        return withETag(id, power.reset(id));
    }

    private ResponseEntity<MachineResponse> withETag(UUID id, MachineDetails details) {
        return ResponseEntity.ok().eTag(ETags.of(machines.require(id).getVersion())).body(MachineResponse.of(details));
    }
}

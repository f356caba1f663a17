package dev.diskfleet.api.machine;

import dev.diskfleet.domain.machine.CloudInit;
import dev.diskfleet.provisioning.machine.MachinePatch;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

@Schema(description = "The guest's cloud-init NoCloud seed, a read-only disk labelled cidata attached after its own disks"
        + " (qemu driver). Its meta-data always has instance-id (the machine's id) and local-hostname (its name)."
        + " On a PATCH absent fields stay as they are, and only while powered off")
public record CloudInitRequest(
        @Schema(description = "Give the guest a seed; default true", example = "true") Boolean enabled,
        @Size(max = 64) @Schema(description = "Further meta-data entries (strings), which cloud-init's templates read;"
                + " replaces the whole map on a PATCH", example = "{\"role\": \"primary\"}")
        Map<@NotNull @Size(min = 1, max = 255) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*",
                message = "must be letters, digits, '.', '_' or '-', starting with a letter or digit") String,
                @NotNull @Size(max = 4096) String> metaData,
        @Schema(description = "The user-data file as given (a #cloud-config, a script ...); without it a minimal"
                + " #cloud-config. It may hold secrets: no answer ever shows it, only its SHA-256. At most"
                + " diskfleet.limits.max-user-data bytes (64 KiB by default); an empty string removes it",
                example = "#cloud-config\npackages: [redis-server]\n") String userData,
        @Schema(description = "A network-config file (version 1 or 2); without it cloud-init uses DHCP. An empty"
                + " string removes it", example = "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n")
        String networkConfig) {

    /** The setting a create asks for: absent fields take the defaults. */
    public CloudInit toCloudInit() {
        return CloudInit.DEFAULT.with(enabled, metaData, userData, networkConfig);
    }

    public MachinePatch.CloudInitPatch toPatch() {
        return new MachinePatch.CloudInitPatch(enabled, metaData, userData, networkConfig);
    }

    public static CloudInit orDefault(CloudInitRequest request) {
        return request == null ? CloudInit.DEFAULT : request.toCloudInit();
    }
}

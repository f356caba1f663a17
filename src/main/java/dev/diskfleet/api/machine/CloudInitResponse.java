package dev.diskfleet.api.machine;

import dev.diskfleet.domain.machine.CloudInit;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Map;

@Schema(description = "The guest's cloud-init seed. The user-data itself is never shown, to anyone: it may hold secrets")
public record CloudInitResponse(
        @Schema(example = "true") boolean enabled,
        @Schema(example = "{\"role\": \"primary\"}") Map<String, String> metaData,
        @Schema(description = "SHA-256 (hex) of the user-data's UTF-8 bytes; null when there is none (a minimal"
                + " #cloud-config is used)", example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        String userDataSha256,
        @Schema(description = "The network-config file; null when there is none") String networkConfig) {

    public static CloudInitResponse of(CloudInit cloudInit) {
        return new CloudInitResponse(cloudInit.enabled(), cloudInit.metaData(),
                cloudInit.userDataSha256().orElse(null), cloudInit.networkConfig());
    }
}

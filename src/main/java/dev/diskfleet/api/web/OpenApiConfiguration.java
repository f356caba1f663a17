package dev.diskfleet.api.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API document's front page. The server is given as a relative URL so the document is the same on
 * every host and port, and can be compared with the committed {@code openapi/openapi.yaml}.
 */
@Configuration
public class OpenApiConfiguration {

    @Bean
    OpenAPI diskfleetOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Diskfleet API")
                        .version("1")
                        .description("""
                                Fleets of identical guests from one golden disk image, with VirtualBox's \
                                immutable-media semantics over real VDI and qcow2 files. Long work (clones, fleet \
                                deployments) answers 202 with an operation to poll or long-poll. Every error \
                                is an RFC 9457 application/problem+json document with a stable `type`.""")
                        .license(new License().name("Apache License 2.0").identifier("Apache-2.0")))
                .servers(List.of(new Server().url("/").description("This service")));
    }
}

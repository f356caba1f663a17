package dev.diskfleet.provisioning.node;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every meter carries the node it was measured on ({@code node="<diskfleet.node.name>"}), so that one
 * Prometheus scraping every node of a cluster can tell their samples apart and add them up.
 */
@Configuration
public class NodeMetricsTag {

    @Bean
    public MeterRegistryCustomizer<MeterRegistry> nodeTag(NodeIdentity identity) {
        return registry -> registry.config().commonTags("node", identity.name());
    }
}

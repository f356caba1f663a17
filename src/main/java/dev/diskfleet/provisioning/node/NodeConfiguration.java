package dev.diskfleet.provisioning.node;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties({NodeProperties.class, ClusterProperties.class})
public class NodeConfiguration {
}

package dev.diskfleet.provisioning.guest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code diskfleet.network.*}: where guests' port forwards listen.
 *
 * @param hostPorts the range the service picks a forward's host port from when none is named, as {@code FROM-TO}
 * @param forwardAddress the host address forwards listen on; loopback unless the host should publish them
 */
@ConfigurationProperties("diskfleet.network")
public record NetworkProperties(
        @DefaultValue("40000-44999") String hostPorts,
        @DefaultValue("127.0.0.1") String forwardAddress) {

    public int firstPort() {
        return Integer.parseInt(hostPorts.split("-")[0].trim());
    }

    public int lastPort() {
        String[] bounds = hostPorts.split("-");
        return Integer.parseInt(bounds[bounds.length - 1].trim());
    }
}

package dev.diskfleet.provisioning.node;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code diskfleet.node.*}: who this process is among the processes that share its database.
 *
 * @param name the node's name; blank means the host name
 * @param url the base URL other nodes and clients reach it at; blank means {@code http://<host name>:<port>}
 * @param maxGuestMemoryMb what its guests may use together; 0 means the host's memory less 1 GiB
 * @param guestAddress the address clients reach its guests' port forwards at; blank means
 *     {@code diskfleet.network.forward-address}, or the host of {@code url} when forwards listen on every
 *     interface ({@code 0.0.0.0})
 */
@ConfigurationProperties("diskfleet.node")
public record NodeProperties(
        @DefaultValue("") String name,
        @DefaultValue("") String url,
        @DefaultValue("0") long maxGuestMemoryMb,
        @DefaultValue("") String guestAddress) {
}

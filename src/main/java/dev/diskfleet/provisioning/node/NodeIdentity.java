package dev.diskfleet.provisioning.node;

import dev.diskfleet.provisioning.LocalNode;
import java.net.URI;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/**
 * Who this process is: the node name and URL it registers under, and its instance ({@code pid@host:storage
 * root}), which tells this process from an earlier one of the same node.
 */
@Component
public class NodeIdentity {

    private final String name;
    private final String url;
    private final String guestAddress;
    private final String hostAndRoot;
    private final String instance;
    private final String serviceVersion;

    public NodeIdentity(NodeProperties properties, LocalNode node, @Value("${server.port:8080}") int port,
            @Value("${diskfleet.storage.root}") Path storageRoot,
            @Value("${diskfleet.network.forward-address:127.0.0.1}") String forwardAddress,
            ObjectProvider<BuildProperties> build) {
        String host = LocalNode.hostName();
        this.name = node.name();
        this.url = properties.url().isBlank() ? "http://" + host + ":" + port : properties.url();
        this.guestAddress = guestAddress(properties.guestAddress(), forwardAddress, url, host);
        this.hostAndRoot = host + ":" + storageRoot.toAbsolutePath().normalize();
        this.instance = ProcessHandle.current().pid() + "@" + hostAndRoot;
        BuildProperties info = build.getIfAvailable();
        String packaged = NodeIdentity.class.getPackage().getImplementationVersion();
        this.serviceVersion = info != null ? info.getVersion() : packaged != null ? packaged : "development";
    }

    public String name() {
        return name;
    }

    public String url() {
        return url;
    }

    /** Where clients reach the port forwards of the guests this node runs. */
    public String guestAddress() {
        return guestAddress;
    }

    /**
     * The configured address; else the one forwards listen on, which is where they are reached; else, when they
     * listen on every interface, the host clients reach this node at.
     */
    private static String guestAddress(String configured, String forwardAddress, String url, String host) {
        if (!configured.isBlank()) {
            return configured;
        }
        if (!forwardAddress.equals("0.0.0.0")) {
            return forwardAddress;
        }
        try {
            String urlHost = URI.create(url).getHost();
            return urlHost == null || urlHost.isBlank() ? host : urlHost;
        } catch (IllegalArgumentException notAUrl) {
            return host;
        }
    }

    public String instance() {
        return instance;
    }

    public String serviceVersion() {
        return serviceVersion;
    }

    /**
     * Whether {@code earlier} was a process of this host on this storage root: this process holds that root's
     * lock (taken before the database opens), so that process is dead, whatever its last heartbeat says.
     */
    boolean succeeds(String earlier) {
        int at = earlier.indexOf('@');
        return at >= 0 && earlier.substring(at + 1).equals(hostAndRoot);
    }
}

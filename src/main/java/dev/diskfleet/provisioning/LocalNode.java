package dev.diskfleet.provisioning;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This process's node name ({@code diskfleet.node.name}, else the host name), for the services that record
 * what this node holds: an image's file lives in one node's storage root, and rows say which.
 */
@Component
public class LocalNode {

    private final String name;

    public LocalNode(@Value("${diskfleet.node.name:}") String configured) {
        this.name = configured.isBlank() ? hostName() : configured;
    }

    public String name() {
        return name;
    }

    /** The host's name, else {@code HOSTNAME}, else {@code localhost}. */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String fromEnvironment = System.getenv("HOSTNAME");
            return fromEnvironment == null || fromEnvironment.isBlank() ? "localhost" : fromEnvironment;
        }
    }
}

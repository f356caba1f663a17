package dev.diskfleet.provisioning.replication;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code diskfleet.cluster.secret}: what one node sends another in {@link #HEADER} to use its internal
 * endpoints. It lives in configuration only: never logged, never in a URL, never stored in the database.
 */
@Component
public class ClusterSecret {

    /** The request header that carries the secret between nodes. */
    public static final String HEADER = "X-Diskfleet-Cluster-Secret";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSecret.class);

    private final byte[] secret;

    public ClusterSecret(@Value("${diskfleet.cluster.secret:}") String secret,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        if (cluster && secret.isBlank()) {
            LOG.warn("diskfleet.cluster.secret is not set: this node neither serves nor copies images to or from"
                    + " other nodes until the same secret is set on every node");
        }
    }

    public boolean isConfigured() {
        return secret.length > 0;
    }

    /** Whether {@code presented} is the secret, in time that does not depend on where they differ. */
    public boolean matches(String presented) {
        return isConfigured() && presented != null
                && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Puts the secret in {@link #HEADER} of a request to another node: the one way it leaves this class for
     * another package, so no caller ever holds its value.
     */
    public HttpRequest.Builder sign(HttpRequest.Builder request) {
        return request.header(HEADER, value());
    }

    /** The header value to send; for the HTTP client only. */
    String value() {
        return new String(secret, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ClusterSecret[" + (isConfigured() ? "set" : "not set") + "]";
    }
}

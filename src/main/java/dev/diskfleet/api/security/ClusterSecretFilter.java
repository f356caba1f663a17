package dev.diskfleet.api.security;

import dev.diskfleet.provisioning.replication.ClusterSecret;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The one guard of {@code /internal/**}, the endpoints nodes call on each other: the request must carry the
 * cluster secret in {@link ClusterSecret#HEADER}, compared in constant time. A user's token, even an admin's,
 * opens nothing here. Outside a cluster the endpoints do not exist (404). A refusal is logged with the
 * caller's address, never with what it presented.
 */
final class ClusterSecretFilter extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSecretFilter.class);

    private final ClusterSecret secret;
    private final boolean cluster;
    private final ProblemResponses problems;

    ClusterSecretFilter(ClusterSecret secret, boolean cluster, ProblemResponses problems) {
        this.secret = secret;
        this.cluster = cluster;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!cluster) {
            problems.write(request, response, HttpStatus.NOT_FOUND, "not-found", "Not found", "no endpoint "
                    + request.getRequestURI() + ": the internal endpoints exist only when diskfleet.cluster.enabled"
                    + " is true");
            return;
        }
        if (!secret.isConfigured()) {
            problems.write(request, response, HttpStatus.FORBIDDEN, "cluster-secret-missing", "Forbidden",
                    "this node has no diskfleet.cluster.secret: set the same secret on every node of the cluster");
            return;
        }
        if (!secret.matches(request.getHeader(ClusterSecret.HEADER))) {
            LOG.warn("refused {} {} from {}: {} missing or wrong", request.getMethod(), request.getRequestURI(),
                    request.getRemoteAddr(), ClusterSecret.HEADER);
            problems.write(request, response, HttpStatus.FORBIDDEN, "cluster-secret-refused", "Forbidden",
                    "the internal endpoints answer the nodes of the cluster only, which send diskfleet.cluster.secret"
                            + " in " + ClusterSecret.HEADER + "; an API token opens nothing here");
            return;
        }
        chain.doFilter(request, response);
    }
}

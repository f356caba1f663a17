package dev.diskfleet.api.forwarding;

import dev.diskfleet.provisioning.replication.ClusterSecret;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In front of the security chain: a request that says it was forwarded by another node (any of the
 * {@link NodeForwarder} headers) must carry the cluster secret, compared in constant time, or it is refused
 * as the internal endpoints refuse it (403). One that carries it is answered here, never forwarded again,
 * and is seen with the address of the client that sent it to the first node, so the audit log and the
 * limits on failed sign-ins count that client. The user's token is checked as on any request: the secret
 * opens nothing by itself.
 */
final class ForwardedRequestFilter extends OncePerRequestFilter {

    /** Request attribute: the node that forwarded the request here. */
    static final String FORWARDED_BY = ForwardedRequestFilter.class.getName() + ".forwardedBy";

    private static final Logger LOG = LoggerFactory.getLogger(ForwardedRequestFilter.class);

    private final ClusterSecret secret;

    ForwardedRequestFilter(ClusterSecret secret) {
        this.secret = secret;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String by = request.getHeader(NodeForwarder.FORWARDED_BY);
        String client = request.getHeader(NodeForwarder.FORWARDED_FOR);
        if (by == null && client == null && request.getHeader(ClusterSecret.HEADER) == null) {
            chain.doFilter(request, response);
            return;
        }
        if (!secret.isConfigured()) {
            ForwardingProblems.write(request, response, HttpStatus.FORBIDDEN, "cluster-secret-missing", "Forbidden",
                    "this node has no diskfleet.cluster.secret, so it takes no request forwarded by another node:"
                            + " set the same secret on every node of the cluster");
            return;
        }
        if (!secret.matches(request.getHeader(ClusterSecret.HEADER))) {
            LOG.warn("refused {} {} from {}: it says it was forwarded by a node, but {} is missing or wrong",
                    request.getMethod(), request.getRequestURI(), request.getRemoteAddr(), ClusterSecret.HEADER);
            ForwardingProblems.write(request, response, HttpStatus.FORBIDDEN, "cluster-secret-refused", "Forbidden",
                    "a request forwarded by a node carries diskfleet.cluster.secret in " + ClusterSecret.HEADER
                            + "; without it, send the request without " + NodeForwarder.FORWARDED_BY + " and "
                            + NodeForwarder.FORWARDED_FOR);
            return;
        }
        request.setAttribute(FORWARDED_BY, by == null ? "unnamed node" : by);
        LOG.debug("{} {} forwarded by node {} from {} for client {}", request.getMethod(), request.getRequestURI(),
                by, request.getRemoteAddr(), client);
        chain.doFilter(client == null || client.isBlank() ? request : new ClientAddress(request, client), response);
    }

    /** The request as its client sent it to the first node. */
    private static final class ClientAddress extends HttpServletRequestWrapper {

        private final String client;

        ClientAddress(HttpServletRequest request, String client) {
            super(request);
            this.client = client;
        }

        @Override
        public String getRemoteAddr() {
            return client;
        }

        @Override
        public String getRemoteHost() {
            return client;
        }
    }
}

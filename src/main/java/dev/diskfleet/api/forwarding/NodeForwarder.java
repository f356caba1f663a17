package dev.diskfleet.api.forwarding;

import dev.diskfleet.provisioning.replication.ClusterSecret;
import dev.diskfleet.provisioning.replication.Owners.Owner;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * After the security chain (the caller is known and allowed, as the owner will find again from the same
 * tokens): an action on a file or guest another node holds ({@link OwnerRoutes}) is sent to that node, with
 * the same method, path, query, headers (the user's Authorization among them) and body, and its answer comes
 * back with the same status, headers and body. Both bodies are streamed, a buffer at a time, never held
 * whole. The request carries the cluster secret, this node's name and the client's address; the owner
 * answers it itself ({@link ForwardedRequestFilter}), so nothing goes round. An owner that is offline, or
 * does not answer, gets a 503 naming it.
 */
final class NodeForwarder extends OncePerRequestFilter {

    /** Request header: the node that forwarded the request. */
    static final String FORWARDED_BY = "X-Diskfleet-Forwarded-By";
    /** Request header: the address of the client that sent the request to the first node. */
    static final String FORWARDED_FOR = "X-Diskfleet-Forwarded-For";

    private static final Logger LOG = LoggerFactory.getLogger(NodeForwarder.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int BUFFER = 64 << 10;
    /**
     * Headers of one connection, not of the message (RFC 9110 §7.6.1), those the HTTP client sets itself, and
     * ours, which only this node may set.
     */
    private static final Set<String> NOT_PASSED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings",
            ClusterSecret.HEADER.toLowerCase(Locale.ROOT), FORWARDED_BY.toLowerCase(Locale.ROOT),
            FORWARDED_FOR.toLowerCase(Locale.ROOT));

    private final OwnerRoutes routes;
    private final ClusterSecret secret;
    private final String localNode;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();

    NodeForwarder(OwnerRoutes routes, ClusterSecret secret, String localNode) {
        this.routes = routes;
        this.secret = secret;
        this.localNode = localNode;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean forwardedHere = request.getAttribute(ForwardedRequestFilter.FORWARDED_BY) != null;
        if (!forwardedHere && routes.namesOwnerInBody(request)) {
            request = BufferedRequest.of(request);
        }
        Optional<Owner> owner = forwardedHere ? Optional.empty() : routes.ownerOf(request);
        if (owner.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        Owner node = owner.get();
        if (!node.online()) {
            unavailable(request, response, node, "is offline (stopped, or no heartbeat within"
                    + " diskfleet.cluster.node-timeout); start it and retry");
            return;
        }
        if (!secret.isConfigured()) {
            unavailable(request, response, node, "cannot be asked from node " + localNode + ", which has no"
                    + " diskfleet.cluster.secret; set the same secret on every node");
            return;
        }
        HttpResponse<InputStream> answer;
        try {
            answer = http.send(requestTo(node, request), BodyHandlers.ofInputStream());
        } catch (IOException e) {
            LOG.warn("forwarding {} {} to node {} at {} failed: {}", request.getMethod(), request.getRequestURI(),
                    node.node(), node.url(), e.toString());
            if (response.isCommitted()) {
                throw e;
            }
            unavailable(request, response, node, "did not answer at " + node.url() + " (" + e.getClass().getSimpleName()
                    + "); retry once it runs");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding to node " + node.node(), e);
        } catch (IllegalArgumentException e) {
            unavailable(request, response, node, "has a URL that is none: " + node.url() + " (diskfleet.node.url)");
            return;
        }
        LOG.debug("{} {} forwarded to node {}: {}", request.getMethod(), request.getRequestURI(), node.node(),
                answer.statusCode());
        copyBack(answer, response);
    }

    private HttpRequest requestTo(Owner node, HttpServletRequest request) throws IOException {
        String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
        URI target = URI.create(node.url().replaceAll("/+$", "") + request.getRequestURI() + query);
        boolean body = hasBody(request);
        HttpRequest.Builder forwarded = HttpRequest.newBuilder(target)
                .method(request.getMethod(), body ? bodyOf(request) : BodyPublishers.noBody());
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_PASSED.contains(lower) || !body && lower.equals("content-type")) {
                continue;
            }
            for (String value : Collections.list(request.getHeaders(name))) {
                forwarded.header(name, value);
            }
        }
        forwarded.header(FORWARDED_BY, localNode).header(FORWARDED_FOR, request.getRemoteAddr());
        return secret.sign(forwarded).build();
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }

    /** The request's body as it arrives, with its length when the client gave one. */
    private static BodyPublisher bodyOf(HttpServletRequest request) throws IOException {
        InputStream in = request.getInputStream();
        BodyPublisher streamed = BodyPublishers.ofInputStream(() -> in);
        long length = request.getContentLengthLong();
        return length > 0 ? BodyPublishers.fromPublisher(streamed, length) : streamed;
    }

    private static void copyBack(HttpResponse<InputStream> answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.statusCode());
        for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (lower.startsWith(":") || NOT_PASSED.contains(lower)) {
                continue;
            }
            boolean first = true;
            for (String value : header.getValue()) {
                if (first) {
                    response.setHeader(header.getKey(), value);
                    first = false;
                } else {
                    response.addHeader(header.getKey(), value);
                }
            }
        }
        answer.headers().firstValueAsLong(HttpHeaders.CONTENT_LENGTH).ifPresent(response::setContentLengthLong);
        try (InputStream in = answer.body()) {
            OutputStream out = response.getOutputStream();
            byte[] buffer = new byte[BUFFER];
            int read;
            // Flushed as it comes: a console stream's lines reach the client when the owner sends them.
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        }
    }

    private void unavailable(HttpServletRequest request, HttpServletResponse response, Owner node, String why)
            throws IOException {
        ForwardingProblems.write(request, response, HttpStatus.SERVICE_UNAVAILABLE, "node-unavailable",
                "Node unavailable", request.getRequestURI() + " is answered by node " + node.node() + ", which holds"
                        + " its file or guest; node " + node.node() + " " + why, Map.of("node", node.node()));
    }
}

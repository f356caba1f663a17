package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.PeerFailureException;
import dev.diskfleet.domain.node.Node;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Asks another node for an image's file: {@code GET <node url>/internal/images/{id}/content} with the cluster
 * secret in a header (never in the URL). Every failure names the node.
 */
@Component
class PeerImages {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final int SHOWN_ERROR_BYTES = 512;

    private final ClusterSecret secret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    PeerImages(ClusterSecret secret) {
        this.secret = secret;
    }

    /** An answer being received: its body is the file; close it when done. */
    record Download(String node, UUID imageId, InputStream body, String sha256, String format, long length) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    Download open(Node node, UUID imageId) {
        URI uri;
        try {
            uri = URI.create(node.getUrl().replaceAll("/+$", "") + "/internal/images/" + imageId + "/content");
        } catch (IllegalArgumentException e) {
            throw failure(node, imageId, "its URL " + node.getUrl() + " is not one (diskfleet.node.url)");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).header(ClusterSecret.HEADER, secret.value()).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw failure(node, imageId, "it could not be reached at " + node.getUrl() + " (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(node, imageId, "the copy was interrupted");
        }
        if (response.statusCode() != 200) {
            String answer = firstBytes(response.body());
            throw failure(node, imageId, "it answered " + response.statusCode() + ": " + answer);
        }
        String sha256 = response.headers().firstValue(ImageFileSource.DIGEST_HEADER).orElse(null);
        String format = response.headers().firstValue(ImageFileSource.FORMAT_HEADER).orElse(null);
        if (sha256 == null || format == null) {
            closeQuietly(response.body());
            throw failure(node, imageId, "its answer lacks " + ImageFileSource.DIGEST_HEADER + " or "
                    + ImageFileSource.FORMAT_HEADER);
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        return new Download(node.getName(), imageId, response.body(), sha256, format, length);
    }

    static PeerFailureException failure(Node node, UUID imageId, String what) {
        return failure(node.getName(), imageId, what);
    }

    static PeerFailureException failure(String node, UUID imageId, String what) {
        return new PeerFailureException("image-copy-failed", "node " + node + " did not deliver image " + imageId
                + ": " + what);
    }

    private static String firstBytes(InputStream body) {
        try (body) {
            return new String(body.readNBytes(SHOWN_ERROR_BYTES), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(its answer could not be read: " + e.getMessage() + ")";
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // the answer is refused anyway
        }
    }
}

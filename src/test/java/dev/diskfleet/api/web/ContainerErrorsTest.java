package dev.diskfleet.api.web;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.FullStackTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Requests Tomcat refuses before Spring sees them, sent byte for byte over a raw socket (an HTTP client
 * library would not send them): each answer is problem+json like every other error. And a guest write
 * whose client disconnects mid-body: nothing is applied and the log has one INFO line, no stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ContainerErrorsTest extends FullStackTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The suite's bearer token, sent by every raw request as any client would send it. */
    private static final String AUTH = "Authorization: Bearer " + DiskfleetClient.TEST_ADMIN_TOKEN + "\r\n";

    /** A status line, headers and the body, as read until the server closed or the body's length was read. */
    private record RawReply(int status, String head, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private RawReply raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static RawReply read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            all.write(buffer, 0, n);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end > 0) {
                String head = text.substring(0, end);
                int length = contentLength(head);
                if (length >= 0 && text.length() - end - 4 >= length) {
                    break;
                }
            }
        }
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        String body = end < 0 ? "" : text.substring(end + 4);
        if (head.toLowerCase().contains("transfer-encoding: chunked")) {
            body = unchunk(body);
        }
        return new RawReply(Integer.parseInt(head.substring(9, 12)), head, body);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int pos = 0;
        while (pos < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", pos);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(pos, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            pos = lineEnd + 2 + size + 2;
        }
        return body.toString();
    }

    private static void assertProblem(RawReply reply, int... statuses) {
        assertThat(reply.status()).as(reply.head()).isIn(Arrays.stream(statuses).boxed().toArray());
        assertThat(reply.head().toLowerCase()).as(reply.head()).contains("content-type: application/problem+json");
        JsonNode problem = reply.json();
        assertThat(problem.path("status").asInt()).isEqualTo(reply.status());
        assertThat(problem.path("type").asString()).startsWith("https://diskfleet.dev/problems/");
        assertThat(problem.path("detail").asString()).isNotBlank().doesNotContain("java.").doesNotContain("<html");
    }

    @Test
    void oversizedHeadersAreAProblem() throws IOException {
        RawReply reply = raw("GET /api/images HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "X-Big: " + "a".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n");
        assertProblem(reply, 400, 431);
    }

    @Test
    void anOversizedUrlIsAProblem() throws IOException {
        RawReply reply = raw("GET /api/images?name=" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: localhost\r\n" + AUTH
                + "Connection: close\r\n\r\n");
        assertProblem(reply, 400, 414);
    }

    @Test
    void aBadHostIsAProblem() throws IOException {
        assertProblem(raw("GET /api/images HTTP/1.1\r\nHost: bad host[\r\n" + AUTH + "Connection: close\r\n\r\n"), 400);
        assertProblem(raw("GET /api/images HTTP/1.1\r\n" + AUTH + "Connection: close\r\n\r\n"), 400);
    }

    @Test
    void anUnknownTransferEncodingIs501Problem() throws IOException {
        RawReply reply = raw("POST /api/images HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "Content-Type: application/json\r\n"
                + "Transfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");
        assertProblem(reply, 501);
    }

    @Test
    void anUnknownExpectationIs417Problem() throws IOException {
        RawReply reply = raw("POST /api/images HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "Content-Type: application/json\r\n"
                + "Expect: teapot\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertProblem(reply, 417);
    }

    @Test
    void aGuestWriteAbortedMidBodyAppliesNothingAndLogsOneInfoLine(CapturedOutput output) throws Exception {
        String image = api.post("/api/images", body("name", "abort-disk", "sizeBytes", 4 << 20)).expect(201)
                .json().path("id").asString();
        String machine = api.post("/api/machines", body("name", "abort-" + System.nanoTime())).expect(201)
                .json().path("id").asString();
        String attachment = api.post("/api/machines/" + machine + "/attachments", body("imageId", image, "port", 0,
                "device", 0)).expect(201).json().path("id").asString();
        String data = "/api/machines/" + machine + "/attachments/" + attachment + "/data";
        byte[] before = api.get(data).expect(200).bytes();

        byte[] half = new byte[1 << 20];
        new Random(5).nextBytes(half);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + data + " HTTP/1.1\r\nHost: localhost\r\n" + AUTH + "Content-Type: application/octet-stream\r\n"
                    + "Content-Range: bytes 0-" + ((2 << 20) - 1) + "/*\r\nContent-Length: " + (2 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(half);
            out.flush();
        }

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!output.getOut().contains("broke off before its body was complete") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(output.getOut()).contains("broke off before its body was complete");
        assertThat(output.getAll()).doesNotContain("unexpected failure").doesNotContain("ERROR");
        assertThat(api.get(data).expect(200).bytes()).as("nothing of the aborted write was applied").isEqualTo(before);
    }
}

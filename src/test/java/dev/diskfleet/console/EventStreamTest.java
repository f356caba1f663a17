package dev.diskfleet.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ConsoleServiceTest
class EventStreamTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;

    @Value("${diskfleet.data-dir}")
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void streamsAMachineCreatedStartedAndStoppedWithIncreasingIdsAndReplaysAfterLastEventId() throws Exception {
        try (SseClient stream = new SseClient(url("/api/events?types=machine"), ConsoleServiceTest.ADMIN_TOKEN, null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            assertThat(stream.nextComment(WAIT)).isEqualTo("diskfleet events");

            UUID machine = UUID.fromString(json(send("POST", "/api/machines",
                    "{\"name\":\"events-" + UUID.randomUUID() + "\"}", 201)).get("id").asString());
            send("POST", "/api/machines/" + machine + "/start", null, 200);
            // A refused second start changes nothing, so it announces nothing.
            send("POST", "/api/machines/" + machine + "/start", null, 409);
            send("POST", "/api/machines/" + machine + "/stop", null, 200);

            List<SseClient.Event> seen = stream.until(event -> isState(event, machine, "poweredOff"), WAIT);
            List<SseClient.Event> mine = seen.stream().filter(event -> names(event, machine)).toList();
            assertThat(mine).extracting(SseClient.Event::type).containsSubsequence("machine.created", "machine.state",
                    "machine.state");
            assertThat(mine.stream().filter(event -> event.type().equals("machine.state"))
                    .map(event -> json(event.data()).get("state").asString() + "/" + json(event.data()).get("reason").asString()))
                    .containsExactly("running/started", "poweredOff/stoppedByHost");
            assertThat(mine).allSatisfy(event -> assertThat(event.type()).startsWith("machine."));
            List<Long> ids = seen.stream().map(event -> Long.parseLong(event.id())).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();

            SseClient.Event created = mine.stream().filter(event -> event.type().equals("machine.created")).findFirst()
                    .orElseThrow();
            try (SseClient again = new SseClient(url("/api/events?types=machine.state&resource=" + machine),
                    ConsoleServiceTest.ADMIN_TOKEN, created.id())) {
                List<SseClient.Event> replayed = again.until(event -> isState(event, machine, "poweredOff"), WAIT);
                assertThat(replayed).extracting(event -> json(event.data()).get("state").asString())
                        .containsExactly("running", "poweredOff");
                assertThat(Long.parseLong(replayed.get(0).id())).isGreaterThan(Long.parseLong(created.id()));
            }
        }
    }

    @Test
    void eachPowerChangeAnnouncesTheMachineChangedOnce() throws Exception {
        UUID machine = UUID.fromString(json(send("POST", "/api/machines",
                "{\"name\":\"once-" + UUID.randomUUID() + "\"}", 201)).get("id").asString());
        try (SseClient stream = new SseClient(url("/api/events?resource=" + machine), ConsoleServiceTest.ADMIN_TOKEN,
                null)) {
            assertThat(stream.nextComment(WAIT)).isEqualTo("diskfleet events");
            send("POST", "/api/machines/" + machine + "/start", null, 200);
            send("POST", "/api/machines/" + machine + "/stop", null, 200);
            List<SseClient.Event> seen = new ArrayList<>(stream.until(event -> isState(event, machine, "poweredOff"),
                    WAIT));
            Thread.sleep(1000); // anything announced late has arrived by now
            seen.addAll(stream.drain());
            assertThat(seen).filteredOn(event -> event.type().equals("machine.changed"))
                    .as("one change of the row per power change: %s", seen)
                    .extracting(event -> json(event.data()).get("state").asString())
                    .containsExactly("running", "poweredOff");
            assertThat(seen).filteredOn(event -> event.type().equals("machine.state")).hasSize(2);
        }
    }

    @Test
    void sendsAHeartbeatCommentWhenNothingHappens() throws Exception {
        try (SseClient stream = new SseClient(url("/api/events?resource=" + UUID.randomUUID()),
                ConsoleServiceTest.ADMIN_TOKEN, null)) {
            assertThat(stream.nextComment(WAIT)).isEqualTo("diskfleet events");
            assertThat(stream.nextComment(WAIT)).isEqualTo("heartbeat");
        }
    }

    @Test
    void aViewerMayFollowTheStreamAndSeesWhoItIs() throws Exception {
        String viewer = json(send("POST", "/api/tokens", "{\"name\":\"stream-viewer-" + UUID.randomUUID()
                + "\",\"role\":\"viewer\"}", 201)).get("token").asString();
        try (SseClient stream = new SseClient(url("/api/events"), viewer, null)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.nextComment(WAIT)).isEqualTo("diskfleet events");
        }
        HttpResponse<String> session = http.send(HttpRequest.newBuilder(URI.create(url("/api/session")))
                .header("Authorization", "Bearer " + viewer).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json(session).get("role").asString()).isEqualTo("viewer");
        assertThat(json(session).get("kind").asString()).isEqualTo("token");
    }

    @Test
    void sendsTheGuestConsoleLinesOnlyToAClientThatAskedForThem() throws Exception {
        UUID machine = UUID.randomUUID();
        Path log = dataDir.resolve("guests").resolve(machine.toString()).resolve("console.log");
        try (SseClient console = new SseClient(url("/api/events?types=console&console=" + machine),
                ConsoleServiceTest.ADMIN_TOKEN, null);
                SseClient other = new SseClient(url("/api/events?types=console"), ConsoleServiceTest.ADMIN_TOKEN, null)) {
            assertThat(console.nextComment(WAIT)).isEqualTo("diskfleet events");
            assertThat(other.nextComment(WAIT)).isEqualTo("diskfleet events");
            Files.createDirectories(log.getParent());
            Files.writeString(log, "Welcome to the test guest\nlogin: ");

            SseClient.Event line = console.until(event -> event.type().equals("console"), WAIT).get(0);
            assertThat(json(line.data()).get("line").asString()).isEqualTo("Welcome to the test guest");
            assertThat(json(line.data()).get("id").asString()).isEqualTo(machine.toString());
            assertThat(line.id()).as("console lines are not stored, so they carry no id").isNull();
            assertThat(other.nextComment(Duration.ofSeconds(2))).isEqualTo("heartbeat");
            assertThat(other.pendingEvents()).isZero();
        }
    }

    @Test
    void oneCallerMayHoldTenStreamsSoItCannotLockOthersOut() throws Exception {
        String viewer = json(send("POST", "/api/tokens", "{\"name\":\"greedy-viewer-" + UUID.randomUUID()
                + "\",\"role\":\"viewer\"}", 201)).get("token").asString();
        List<SseClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                SseClient stream = new SseClient(url("/api/events"), viewer, null);
                held.add(stream);
                assertThat(stream.status()).as("stream %d", i + 1).isEqualTo(200);
            }

            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(url("/api/events")))
                    .header("Authorization", "Bearer " + viewer).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(json(refused).get("type").asString())
                    .isEqualTo("https://diskfleet.dev/problems/too-many-event-streams-per-caller");
            assertThat(json(refused).get("detail").asString()).contains("10")
                    .contains("diskfleet.events.max-streams-per-principal");
            try (SseClient admin = new SseClient(url("/api/events"), ConsoleServiceTest.ADMIN_TOKEN, null)) {
                assertThat(admin.status()).as("another caller still gets a stream").isEqualTo(200);
            }

            held.remove(0).close();
            int status = 0;
            for (long deadline = System.nanoTime() + WAIT.toNanos(); status != 200 && System.nanoTime() < deadline; ) {
                Thread.sleep(200);
                SseClient again = new SseClient(url("/api/events"), viewer, null);
                status = again.status();
                if (status == 200) {
                    held.add(again);
                } else {
                    again.close();
                }
            }
            assertThat(status).as("a closed stream frees its place").isEqualTo(200);
        } finally {
            held.forEach(SseClient::close);
        }
    }

    @Test
    void needsAToken() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url("/api/events"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
    }

    private static boolean isState(SseClient.Event event, UUID machine, String state) {
        return event.type().equals("machine.state") && names(event, machine)
                && json(event.data()).get("state").asString().equals(state);
    }

    private static boolean names(SseClient.Event event, UUID resource) {
        return json(event.data()).get("id").asString().equals(resource.toString());
    }

    private HttpResponse<String> send(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", "Bearer " + ConsoleServiceTest.ADMIN_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) {
        return json(response.body());
    }

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }
}

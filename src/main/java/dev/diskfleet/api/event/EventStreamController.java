package dev.diskfleet.api.event;

import dev.diskfleet.api.web.ApiException;
import dev.diskfleet.provisioning.event.ConsoleLogs;
import dev.diskfleet.provisioning.event.EventFilter;
import dev.diskfleet.provisioning.event.EventJournal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
@Tag(name = "Events", description = "A live stream of what changes")
public class EventStreamController {

    private static final String STREAM = """
            :diskfleet events

            id:42
            event:machine.state
            data:{"id":"9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d","reason":"started","state":"running"}

            :heartbeat
            """;
    private static final String TOO_MANY = """
            {"type":"https://diskfleet.dev/problems/too-many-event-streams","title":"Too many event streams",\
            "status":503,"detail":"the service holds as many event streams as it allows; close one or retry later",\
            "instance":"/api/events"}""";
    private static final String TOO_MANY_OF_YOURS = """
            {"type":"https://diskfleet.dev/problems/too-many-event-streams-per-caller",\
            "title":"Too many event streams for one caller","status":429,"detail":"you hold 10 event streams, as many\
             as one caller may (diskfleet.events.max-streams-per-principal = 10); close one before opening another",\
            "instance":"/api/events"}""";

    private final EventJournal journal;
    private final ConsoleLogs consoleLogs;
    private final Duration heartbeat;
    private final StreamsPerPrincipal perPrincipal;

    public EventStreamController(EventJournal journal, ConsoleLogs consoleLogs,
            @Value("${diskfleet.events.heartbeat:15s}") Duration heartbeat,
            @Value("${diskfleet.events.max-streams-per-principal:10}") int maxStreamsPerPrincipal) {
        this.journal = journal;
        this.consoleLogs = consoleLogs;
        this.heartbeat = heartbeat;
        this.perPrincipal = new StreamsPerPrincipal(maxStreamsPerPrincipal);
    }

    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(operationId = "streamEvents", summary = "Server-sent events: machine states, operations, created/changed/deleted resources",
            description = "Each event has an increasing `id:`, an `event:` type (machine.state, operation.progress,"
                    + " operation.finished, image|machine|fleet|attachment|snapshot.created|changed|deleted, console)"
                    + " and a JSON `data:` line whose `id` names the resource. Reconnect with `Last-Event-ID` to"
                    + " get what you missed. `console=` needs the operator role, as the console endpoint does;"
                    + " one caller may hold at most 10 streams (429). A comment line is sent as a heartbeat every 15 s. Browsers: EventSource"
                    + " cannot send the Authorization header; read the stream with fetch().")
    @ApiResponse(responseCode = "200", description = "The stream",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, examples = @ExampleObject(value = STREAM)))
    @ApiResponse(responseCode = "429", description = "The caller holds as many streams as one caller may", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = TOO_MANY_OF_YOURS)))
    @ApiResponse(responseCode = "503", description = "Too many open streams", content = @Content(
            mediaType = "application/problem+json", examples = @ExampleObject(value = TOO_MANY)))
    public SseEmitter events(
            @Parameter(description = "Comma-separated event types or kinds (machine, machine.state, operation …)")
            @RequestParam(required = false) String types,
            @Parameter(description = "Only events naming this resource id")
            @RequestParam(required = false) UUID resource,
            @Parameter(description = "Also send this machine's guest console lines (event type console, no id)")
            @RequestParam(required = false) UUID console,
            @Parameter(description = "Replay the stored events after this id")
            @RequestHeader(value = "Last-Event-ID", required = false) Long lastEventId,
            HttpServletRequest request) {
        StreamsPerPrincipal.Slot slot = perPrincipal.tryOpen(caller(request));
        if (slot == null) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too-many-event-streams-per-caller",
                    "Too many event streams for one caller", "you hold " + perPrincipal.limit() + " event streams, as"
                            + " many as one caller may (diskfleet.events.max-streams-per-principal = "
                            + perPrincipal.limit() + "); close one before opening another");
        }
        EventFilter filter = new EventFilter(typesOf(types), resource);
        EventJournal.Replay replay = journal.subscribeAfter(filter, lastEventId);
        if (replay == null) {
            slot.release();
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "too-many-event-streams", "Too many event streams",
                    "the service holds as many event streams as it allows; close one or retry later");
        }
        SseEmitter emitter = new SseEmitter(0L);
        EventStreamSession session = new EventStreamSession(emitter, replay, heartbeat,
                console == null ? null : new ConsoleSource(console, consoleLogs.consoleLog(console)));
        // The slot is free as soon as the stream ends, whichever end notices first.
        emitter.onCompletion(() -> end(session, slot));
        emitter.onTimeout(() -> end(session, slot));
        emitter.onError(error -> end(session, slot));
        Thread thread = new Thread(() -> {
            try {
                session.run();
            } finally {
                slot.release();
            }
        }, "diskfleet-event-stream");
        thread.setDaemon(true);
        thread.start();
        return emitter;
    }

    private static void end(EventStreamSession session, StreamsPerPrincipal.Slot slot) {
        session.stop();
        slot.release();
    }

    /** Who asks: the principal's name the security layer set, unique across kinds of caller. */
    private static String caller(HttpServletRequest request) {
        return request.getUserPrincipal() == null ? "anonymous" : request.getUserPrincipal().getName();
    }

    private static Set<String> typesOf(String types) {
        if (types == null || types.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(types.split(",")).map(String::trim).filter(type -> !type.isEmpty())
                .collect(Collectors.toSet());
    }
}

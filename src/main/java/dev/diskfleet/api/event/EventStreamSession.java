package dev.diskfleet.api.event;

import dev.diskfleet.domain.event.EventTypes;
import dev.diskfleet.provisioning.event.EventJournal;
import dev.diskfleet.provisioning.event.StreamEvent;
import dev.diskfleet.provisioning.event.Subscription;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * One client's stream, on a thread of its own: first the stored events it missed, then live ones from its
 * bounded queue, a heartbeat comment when nothing happened for a while, and console lines if asked. Ends
 * when the client goes, when writing fails, or when the client fell so far behind that its queue overflowed
 * (it reconnects with Last-Event-ID and replays from the store).
 */
final class EventStreamSession implements Runnable {

    private static final long CONSOLE_POLL_MILLIS = 250;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SseEmitter emitter;
    private final EventJournal.Replay replay;
    private final long heartbeatMillis;
    private final ConsoleSource console;
    private volatile boolean stopped;

    EventStreamSession(SseEmitter emitter, EventJournal.Replay replay, Duration heartbeat, ConsoleSource console) {
        this.emitter = emitter;
        this.replay = replay;
        this.heartbeatMillis = Math.max(1, heartbeat.toMillis());
        this.console = console;
    }

    void stop() {
        stopped = true;
    }

    @Override
    public void run() {
        Subscription subscription = replay.subscription();
        try (subscription) {
            // An opening comment, so the client sees the stream is open before the first event.
            emitter.send(SseEmitter.event().comment("diskfleet events"));
            for (StreamEvent missed : replay.missed()) {
                send(missed);
            }
            long lastWrite = System.currentTimeMillis();
            while (!stopped) {
                long wait = console == null ? heartbeatMillis : Math.min(heartbeatMillis, CONSOLE_POLL_MILLIS);
                StreamEvent event = subscription.next(wait);
                if (subscription.overflowed()) {
                    emitter.complete();
                    return;
                }
                if (event != null) {
                    send(event);
                    lastWrite = System.currentTimeMillis();
                }
                if (console != null && sendConsoleLines()) {
                    lastWrite = System.currentTimeMillis();
                }
                if (System.currentTimeMillis() - lastWrite >= heartbeatMillis) {
                    emitter.send(SseEmitter.event().comment("heartbeat"));
                    lastWrite = System.currentTimeMillis();
                }
            }
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        }
    }

    private void send(StreamEvent event) throws IOException {
        emitter.send(SseEmitter.event().id(String.valueOf(event.id())).name(event.type())
                .data(event.dataJson()));
    }

    private boolean sendConsoleLines() throws IOException {
        boolean sent = false;
        for (String line : console.follower().newLines()) {
            String data = JSON.writeValueAsString(Map.of("id", console.machineId().toString(), "line", line));
            emitter.send(SseEmitter.event().name(EventTypes.CONSOLE).data(data));
            sent = true;
        }
        return sent;
    }
}

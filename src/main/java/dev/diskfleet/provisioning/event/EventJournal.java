package dev.diskfleet.provisioning.event;

import dev.diskfleet.domain.event.DomainEvent;
import dev.diskfleet.domain.event.StoredEvent;
import dev.diskfleet.domain.event.StoredEventRepository;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores every event after its transaction committed, then sends it to the live subscribers. Storing and
 * sending happen under one lock, so subscribers receive events in id order and a client that replays from
 * its Last-Event-ID misses nothing between the replay and the live part.
 */
@Component
public class EventJournal {

    private static final int REPLAY_PAGE = 500;

    private final StoredEventRepository events;
    private final EventBroadcast broadcast;
    private final TransactionTemplate ownTransaction;
    private final JsonMapper json;
    private final Object order = new Object();

    public EventJournal(StoredEventRepository events, EventBroadcast broadcast, PlatformTransactionManager transactions,
            JsonMapper json) {
        this.events = events;
        this.broadcast = broadcast;
        this.json = json;
        // After the commit the finished transaction's resources are still bound: write in a new one.
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void record(DomainEvent event) {
        String data = json.writeValueAsString(event.data());
        synchronized (order) {
            StoredEvent stored = ownTransaction.execute(status -> events.save(
                    new StoredEvent(event.type(), event.resourceId(), data, OffsetDateTime.now())));
            broadcast.send(StreamEvent.of(stored));
        }
    }

    /**
     * Subscribes, then reads what was stored after {@code lastEventId}; both under the journal's lock, so
     * every event is either in the replay or in the subscription's queue, never in neither.
     */
    public Replay subscribeAfter(EventFilter filter, Long lastEventId) {
        synchronized (order) {
            Subscription subscription = broadcast.subscribe(filter);
            if (subscription == null) {
                return null;
            }
            if (lastEventId == null) {
                return new Replay(subscription, List.of());
            }
            return new Replay(subscription, storedAfter(lastEventId, filter));
        }
    }

    private List<StreamEvent> storedAfter(long lastEventId, EventFilter filter) {
        return ownTransaction.execute(status -> {
            List<StreamEvent> missed = new java.util.ArrayList<>();
            long after = lastEventId;
            List<StoredEvent> page;
            do {
                page = events.findByIdGreaterThanOrderByIdAsc(after, PageRequest.of(0, REPLAY_PAGE));
                for (StoredEvent stored : page) {
                    StreamEvent event = StreamEvent.of(stored);
                    if (filter.accepts(event)) {
                        missed.add(event);
                    }
                    after = stored.getId();
                }
            } while (page.size() == REPLAY_PAGE && missed.size() < 10_000);
            return missed;
        });
    }

    /** A live subscription and the stored events it missed, oldest first. */
    public record Replay(Subscription subscription, List<StreamEvent> missed) {
    }
}

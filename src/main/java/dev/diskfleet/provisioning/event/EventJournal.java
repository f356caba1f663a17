package dev.diskfleet.provisioning.event;

import dev.diskfleet.domain.event.DomainEvent;
import dev.diskfleet.domain.event.StoredEvent;
import dev.diskfleet.domain.event.StoredEventRepository;
import dev.diskfleet.provisioning.LocalNode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores every event after its transaction committed, then sends it to the live subscribers. The events of
 * one transaction are gathered and stored together in one transaction of their own after the commit (a
 * fleet of 100 machines announces some 400 rows: one commit, not 400); a rollback drops them. An event
 * published outside a transaction is stored at once. Storing and sending happen under one lock, so
 * subscribers receive events in id order and a client that replays from its Last-Event-ID misses nothing
 * between the replay and the live part.
 */
@Component
public class EventJournal {

    private static final int REPLAY_PAGE = 500;

    private final StoredEventRepository events;
    private final JdbcTemplate jdbc;
    private final EventBroadcast broadcast;
    private final TransactionTemplate ownTransaction;
    private final JsonMapper json;
    private final EventNotifier notifier;
    private final String node;
    private final Object order = new Object();

    public EventJournal(StoredEventRepository events, EventBroadcast broadcast, PlatformTransactionManager transactions,
            JsonMapper json, EventNotifier notifier, LocalNode node, JdbcTemplate jdbc) {
        this.events = events;
        this.jdbc = jdbc;
        this.broadcast = broadcast;
        this.json = json;
        this.notifier = notifier;
        this.node = node.name();
        // After the commit the finished transaction's resources are still bound: write in a new one.
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @EventListener
    public void collect(DomainEvent event) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            record(List.of(event));
            return;
        }
        Gathered gathered = gathered();
        if (gathered == null) {
            gathered = new Gathered(this, new ArrayList<>());
            TransactionSynchronizationManager.registerSynchronization(gathered);
        }
        gathered.events().add(event);
    }

    /** The events one transaction published, stored when it commits. */
    private record Gathered(EventJournal journal, List<DomainEvent> events) implements TransactionSynchronization {

        @Override
        public void afterCommit() {
            journal.record(events);
        }
    }

    /**
     * Stores the events the current transaction gathered so far in that transaction itself, and sends them to
     * no one: for a rehearsal in a transaction that is rolled back (the startup warm-up), which so runs the
     * insert a committed transaction's events get, and leaves no row.
     */
    public void rehearseStoring(TransactionStatus callersTransaction) {
        if (!callersTransaction.isRollbackOnly()) {
            throw new IllegalStateException("a transaction stores its own events only in a rehearsal that is rolled back");
        }
        Gathered gathered = gathered();
        if (gathered != null) {
            insert(rows(gathered.events()));
        }
    }

    /**
     * The current transaction's gathered events, or null. Found among the transaction's own synchronizations,
     * which Spring suspends with it: an inner REQUIRES_NEW transaction gathers (and commits) its events apart
     * from the outer one.
     */
    private Gathered gathered() {
        return TransactionSynchronizationManager.getSynchronizations().stream()
                .filter(sync -> sync instanceof Gathered mine && mine.journal() == this).map(Gathered.class::cast)
                .findFirst().orElse(null);
    }

    private List<StoredEvent> rows(List<DomainEvent> events) {
        OffsetDateTime now = OffsetDateTime.now();
        return events.stream().map(event -> new StoredEvent(event.type(), event.resourceId(),
                json.writeValueAsString(event.data()), now, node)).toList();
    }

    private void record(List<DomainEvent> committed) {
        if (committed.isEmpty()) {
            return;
        }
        List<StoredEvent> rows = rows(committed);
        synchronized (order) {
            List<StoredEvent> stored = ownTransaction.execute(status -> {
                List<StoredEvent> saved = insert(rows);
                notifier.eventsStored();
                return saved;
            });
            stored.forEach(row -> broadcast.send(StreamEvent.of(row)));
        }
    }

    /**
     * One JDBC batch for all the rows (an identity column keeps JPA from batching them), their ids read back
     * in the order of the rows.
     */
    private List<StoredEvent> insert(List<StoredEvent> rows) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.batchUpdate(connection -> connection.prepareStatement("INSERT INTO events"
                + " (type, resource_id, data_json, occurred_at, node) VALUES (?, ?, ?, ?, ?)", new String[] {"id"}),
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement statement, int i) throws SQLException {
                        StoredEvent row = rows.get(i);
                        statement.setString(1, row.getType());
                        statement.setObject(2, row.getResourceId());
                        statement.setString(3, row.getDataJson());
                        statement.setObject(4, row.getOccurredAt());
                        statement.setString(5, row.getNode());
                    }

                    @Override
                    public int getBatchSize() {
                        return rows.size();
                    }
                }, keys);
        List<Map<String, Object>> ids = keys.getKeyList();
        if (ids.size() != rows.size()) {
            throw new IllegalStateException("the database returned " + ids.size() + " ids for " + rows.size() + " events");
        }
        List<StoredEvent> stored = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            StoredEvent row = rows.get(i);
            long id = ((Number) ids.get(i).values().iterator().next()).longValue();
            stored.add(new StoredEvent(id, row.getType(), row.getResourceId(), row.getDataJson(), row.getOccurredAt(),
                    row.getNode()));
        }
        return stored;
    }

    /**
     * Sends events another node of the cluster stored to this node's subscribers, under the same lock as this
     * node's own, so that no subscriber sees one stream's events out of the order they were sent in.
     */
    void relay(List<StoredEvent> fromOtherNodes) {
        synchronized (order) {
            fromOtherNodes.forEach(row -> broadcast.send(StreamEvent.of(row)));
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
            List<StreamEvent> missed = new ArrayList<>();
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

package dev.diskfleet.provisioning.event;

import dev.diskfleet.domain.event.StoredEvent;
import dev.diskfleet.domain.event.StoredEventRepository;
import dev.diskfleet.provisioning.LocalNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * In a cluster on PostgreSQL, the events other nodes store reach this node's stream subscribers: a
 * connection of its own {@code LISTEN}s on {@link EventNotifier#CHANNEL}, and each notification (or, at the
 * latest, each second, should one be lost while the connection was renewed) reads the other nodes' rows
 * stored since and relays them through the journal.
 *
 * <p>Ids come from one sequence, but two nodes' transactions may commit in the other order than they took
 * their ids: each read looks {@value #REORDER_WINDOW} ids back and skips the ids it relayed already.
 */
@Component
public class ClusterEventRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterEventRelay.class);
    static final int REORDER_WINDOW = 1_000;
    private static final int PAGE = 2_000;
    private static final int REMEMBERED = 20_000;

    private final EventNotifier notifier;
    private final DataSource dataSource;
    private final StoredEventRepository events;
    private final EventJournal journal;
    private final TransactionTemplate readOnly;
    private final String self;
    private final Set<Long> relayed = new LinkedHashSet<>();
    private volatile boolean running;
    private Thread listener;
    private long watermark;

    public ClusterEventRelay(EventNotifier notifier, DataSource dataSource, StoredEventRepository events,
            EventJournal journal, PlatformTransactionManager transactions, LocalNode node) {
        this.notifier = notifier;
        this.dataSource = dataSource;
        this.events = events;
        this.journal = journal;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.self = node.name();
    }

    @Override
    public void start() {
        if (!notifier.active()) {
            return;
        }
        watermark = readOnly.execute(status -> events.newestId());
        running = true;
        listener = new Thread(this::listen, "cluster-event-relay");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement listen = connection.createStatement()) {
                    listen.execute("LISTEN " + EventNotifier.CHANNEL);
                }
                PGConnection postgres = connection.unwrap(PGConnection.class);
                while (running) {
                    postgres.getNotifications(1_000);
                    relayNew();
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("cluster event relay: {}; listening again in a second", e.toString());
                    pause();
                }
            }
        }
    }

    /** Reads the other nodes' events stored since the last look and sends the ones not sent yet. */
    void relayNew() {
        List<StoredEvent> page;
        do {
            long from = Math.max(0, watermark - REORDER_WINDOW);
            page = readOnly.execute(status -> events.findOtherNodesAfter(from, self, PageRequest.of(0, PAGE)));
            List<StoredEvent> fresh = new ArrayList<>();
            for (StoredEvent event : page) {
                if (relayed.add(event.getId())) {
                    fresh.add(event);
                }
                watermark = Math.max(watermark, event.getId());
            }
            forgetOldest();
            if (!fresh.isEmpty()) {
                journal.relay(fresh);
            }
        } while (page.size() == PAGE && running);
    }

    private void forgetOldest() {
        var oldest = relayed.iterator();
        while (relayed.size() > REMEMBERED && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

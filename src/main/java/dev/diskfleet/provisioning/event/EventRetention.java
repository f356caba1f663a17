package dev.diskfleet.provisioning.event;

import dev.diskfleet.domain.event.StoredEventRepository;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Keeps stored events for {@code diskfleet.events.retention} (7 days unless set): a client away longer starts afresh. */
@Component
public class EventRetention {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

    private final StoredEventRepository events;
    private final Duration retention;

    public EventRetention(StoredEventRepository events, @Value("${diskfleet.events.retention:7d}") Duration retention) {
        this.events = events;
        this.retention = retention;
    }

    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "${diskfleet.events.purge-interval:PT1H}")
    @Transactional
    public void purge() {
        int removed = events.deleteOlderThan(OffsetDateTime.now().minus(retention));
        if (removed > 0) {
            log.info("events: removed {} older than {}", removed, retention);
        }
    }
}

package dev.diskfleet.domain.event;

import dev.diskfleet.domain.BaseEntity;
import dev.diskfleet.domain.attachment.Attachment;
import dev.diskfleet.domain.fleet.Fleet;
import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.machine.Machine;
import dev.diskfleet.domain.snapshot.Snapshot;
import jakarta.persistence.PostPersist;
import jakarta.persistence.PostRemove;
import jakarta.persistence.PostUpdate;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Announces every created, changed and deleted image, machine, fleet, attachment and snapshot row, whatever
 * service wrote it: a JPA entity listener on {@link BaseEntity}, so no service has to remember to publish
 * (and no future one can forget). A default listener for every entity, named in {@code META-INF/diskfleet-orm.xml}
 * ({@code spring.jpa.mapping-resources})
 * (an annotation on {@code BaseEntity} would make the domain kernel point at this package); Hibernate builds
 * it through Spring's bean container, which gives it the publisher.
 * Other rows (operations, tokens, audit entries, fleet memberships) are not resources the console follows,
 * or have events of their own.
 */
public class ResourceChangeListener {

    private final ApplicationEventPublisher publisher;

    public ResourceChangeListener(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    @PostPersist
    void created(Object row) {
        announce(row, EventTypes::created);
    }

    @PostUpdate
    void changed(Object row) {
        announce(row, EventTypes::changed);
    }

    @PostRemove
    void deleted(Object row) {
        announce(row, EventTypes::deleted);
    }

    private void announce(Object row, java.util.function.UnaryOperator<String> type) {
        DomainEvent event = event(row, type);
        if (event != null) {
            publisher.publishEvent(event);
        }
    }

    /**
     * The event this listener publishes when {@code row} is inserted, for rows written without JPA (a batch
     * of JDBC inserts), which must announce themselves the same way; null for rows that are not resources.
     */
    public static DomainEvent created(BaseEntity row) {
        return event(row, EventTypes::created);
    }

    private static DomainEvent event(Object row, java.util.function.UnaryOperator<String> type) {
        String kind = kindOf(row);
        return kind != null && row instanceof BaseEntity entity
                ? new DomainEvent(type.apply(kind), entity.getId(), summary(row)) : null;
    }

    private static String kindOf(Object row) {
        if (row instanceof Image) {
            return "image";
        }
        if (row instanceof Machine) {
            return "machine";
        }
        if (row instanceof Fleet) {
            return "fleet";
        }
        if (row instanceof Attachment) {
            return "attachment";
        }
        if (row instanceof Snapshot) {
            return "snapshot";
        }
        return null;
    }

    /** A few fields a console needs to place the event without asking again; the rest it reads by id. */
    private static Map<String, Object> summary(Object row) {
        if (row instanceof Machine machine) {
            return Map.of("name", machine.getName(), "state", machine.getState().apiName());
        }
        if (row instanceof Image image) {
            return Map.of("name", image.getName());
        }
        if (row instanceof Fleet fleet) {
            return Map.of("name", fleet.getName(), "state", fleet.getState().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (row instanceof Attachment attachment) {
            return Map.of("machineId", attachment.getMachineId());
        }
        if (row instanceof Snapshot snapshot) {
            return Map.of("machineId", snapshot.getMachineId());
        }
        return Map.of();
    }
}

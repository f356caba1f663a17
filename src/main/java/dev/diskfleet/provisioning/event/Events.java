package dev.diskfleet.provisioning.event;

import dev.diskfleet.domain.event.DomainEvent;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The one call a service makes to announce something: inside a transaction the event waits for the commit
 * (and is dropped by a rollback); outside one it is stored and sent at once. Rows announce their own
 * creation, change and deletion ({@code domain.event.ResourceChangeListener}); this is for what rows alone
 * do not say, such as why a machine stopped.
 */
@Component
public class Events {

    private final ApplicationEventPublisher publisher;

    public Events(ApplicationEventPublisher publisher) {
        this.publisher = publisher;
    }

    public void publish(DomainEvent event) {
        publisher.publishEvent(event);
    }

    /** A machine is now {@code state} ({@code running}, {@code poweredOff}) because of {@code reason}. */
    public void machineState(UUID machineId, String state, String reason) {
        publish(DomainEvent.machineState(machineId, state, reason));
    }
}

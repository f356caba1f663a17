package dev.diskfleet.provisioning.event;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The live subscribers, at most {@code diskfleet.events.max-connections} of them (each holds a thread and a
 * socket); each gets every stored event through its own bounded queue of {@code diskfleet.events.client-queue}.
 */
@Component
public class EventBroadcast {

    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final int maxConnections;
    private final int clientQueue;

    public EventBroadcast(@Value("${diskfleet.events.max-connections:100}") int maxConnections,
            @Value("${diskfleet.events.client-queue:1000}") int clientQueue) {
        this.maxConnections = maxConnections;
        this.clientQueue = clientQueue;
    }

    /** A new subscription, or null when the connection limit is reached. */
    public Subscription subscribe(EventFilter filter) {
        if (count.incrementAndGet() > maxConnections) {
            count.decrementAndGet();
            return null;
        }
        Subscription subscription = new Subscription(filter, clientQueue, this);
        subscribers.add(subscription);
        return subscription;
    }

    void unsubscribe(Subscription subscription) {
        if (subscribers.remove(subscription)) {
            count.decrementAndGet();
        }
    }

    void send(StreamEvent event) {
        for (Subscription subscriber : subscribers) {
            subscriber.offer(event);
        }
    }

    public int connections() {
        return count.get();
    }

    public int maxConnections() {
        return maxConnections;
    }
}

package dev.diskfleet.provisioning.event;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client's place in the broadcast: a bounded queue the journal fills without ever waiting. A client
 * too slow to empty it is cut off ({@link #overflowed()}) rather than allowed to slow every other client or
 * to grow the heap; it reconnects with its Last-Event-ID and replays what it missed from the store.
 */
public final class Subscription implements AutoCloseable {

    private final EventFilter filter;
    private final BlockingQueue<StreamEvent> queue;
    private final EventBroadcast broadcast;
    private volatile boolean overflowed;

    Subscription(EventFilter filter, int capacity, EventBroadcast broadcast) {
        this.filter = filter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.broadcast = broadcast;
    }

    void offer(StreamEvent event) {
        if (!overflowed && filter.accepts(event) && !queue.offer(event)) {
            overflowed = true;
            queue.clear();
        }
    }

    /** The next event, or null when none came within {@code timeoutMillis} (time for a heartbeat). */
    public StreamEvent next(long timeoutMillis) throws InterruptedException {
        return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public boolean overflowed() {
        return overflowed;
    }

    public EventFilter filter() {
        return filter;
    }

    @Override
    public void close() {
        broadcast.unsubscribe(this);
    }
}

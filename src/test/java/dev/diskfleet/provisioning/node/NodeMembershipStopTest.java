package dev.diskfleet.provisioning.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.diskfleet.domain.machine.MachineRepository;
import dev.diskfleet.domain.node.Node;
import dev.diskfleet.domain.node.NodeRepository;
import dev.diskfleet.provisioning.FreeSpace;
import dev.diskfleet.provisioning.guest.Guests;
import dev.diskfleet.provisioning.guest.HostDetails;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.SimpleTransactionStatus;

/**
 * A clean stop and a heartbeat both write this node's row. A stop that comes while a heartbeat's transaction
 * is open must commit after it: the other way round, the heartbeat's stale row fails the stop (or overwrites
 * it), and the node counts as online until its heartbeat times out.
 */
class NodeMembershipStopTest {

    private static final String INSTANCE = "1@host:/root";

    private final NodeRepository nodes = mock(NodeRepository.class);
    private final PlatformTransactionManager transactions = mock(PlatformTransactionManager.class);
    private final List<String> commits = new CopyOnWriteArrayList<>();
    private final Node row = new Node("node-a");

    @Test
    void aStopDuringAHeartbeatCommitsAfterIt() throws Exception {
        NodeMembership membership = joinedMembership();
        CountDownLatch heartbeatReadTheRow = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean inHeartbeat = new AtomicBoolean();
        when(nodes.findByName("node-a")).thenAnswer(call -> {
            if (Thread.currentThread().getName().equals("heartbeat") && inHeartbeat.compareAndSet(false, true)) {
                heartbeatReadTheRow.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
            return Optional.of(row);
        });

        Thread heartbeat = new Thread(membership::heartbeat, "heartbeat");
        heartbeat.start();
        assertThat(heartbeatReadTheRow.await(5, TimeUnit.SECONDS)).isTrue();
        Thread stop = new Thread(membership::leave, "stop");
        stop.start();
        waitUntilBlockedOrDone(stop);
        release.countDown();
        heartbeat.join(5_000);
        stop.join(5_000);

        assertThat(commits).containsExactly("heartbeat", "stop");
        assertThat(row.getStoppedAt()).isNotNull();
    }

    @Test
    void noHeartbeatWritesAfterTheStop() {
        NodeMembership membership = joinedMembership();
        when(nodes.findByName("node-a")).thenReturn(Optional.of(row));

        membership.leave();
        membership.heartbeat();

        assertThat(commits).containsExactly(Thread.currentThread().getName());
        assertThat(row.getStoppedAt()).isNotNull();
    }

    private NodeMembership joinedMembership() {
        row.claim("http://host:8080", "127.0.0.1", INSTANCE, "test", OffsetDateTime.now());
        Guests guests = mock(Guests.class);
        when(guests.host()).thenReturn(new HostDetails(null, 2, 4L << 30, List.of()));
        FreeSpace freeSpace = mock(FreeSpace.class);
        NodeIdentity identity = mock(NodeIdentity.class);
        when(identity.name()).thenReturn("node-a");
        when(identity.instance()).thenReturn(INSTANCE);
        when(identity.url()).thenReturn("http://host:8080");
        when(identity.guestAddress()).thenReturn("127.0.0.1");
        when(identity.serviceVersion()).thenReturn("test");
        when(nodes.findByName(anyString())).thenReturn(Optional.empty());
        when(nodes.findAllByOrderByNameAsc()).thenReturn(List.of());
        when(nodes.saveAndFlush(any(Node.class))).thenAnswer(call -> call.getArgument(0));
        when(transactions.getTransaction(any())).thenAnswer(call -> new SimpleTransactionStatus());
        NodeMembership membership = new NodeMembership(nodes, mock(MachineRepository.class), guests, freeSpace,
                identity, new NodeProperties("node-a", "", 0, ""),
                new ClusterProperties(true, Duration.ofSeconds(30), Duration.ofSeconds(5), false), transactions);
        membership.join();
        doAnswer(call -> commits.add(Thread.currentThread().getName())).when(transactions).commit(any());
        return membership;
    }

    /** The stop either waits for the heartbeat (blocked on it) or, racing it, has already finished. */
    private static void waitUntilBlockedOrDone(Thread stop) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stop.isAlive() && stop.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}

package dev.diskfleet.provisioning.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.domain.ConflictException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PowerLocksTest {

    @Test
    void actionsOnOneMachineNeverOverlapAndNoLockOutlivesThem() throws Exception {
        PowerLocks locks = new PowerLocks(Duration.ofSeconds(30));
        List<UUID> machines = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> actions = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                int m = i % machines.size();
                actions.add(pool.submit(() -> locks.with(machines.get(m), () -> {
                    if (inside[m].incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    Thread.onSpinWait();
                    inside[m].decrementAndGet();
                    return null;
                })));
            }
            for (Future<?> action : actions) {
                action.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(overlaps).as("two actions on one machine at once").hasValue(0);
        assertThat(locks.size()).as("locks left once every action is done").isZero();
    }

    @Test
    void anActionThatWaitsTooLongIsRefusedAsBusyAndLeavesNothingBehind() throws Exception {
        PowerLocks locks = new PowerLocks(Duration.ofMillis(100));
        UUID machine = UUID.randomUUID();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = new Thread(() -> locks.with(machine, () -> {
            holding.countDown();
            awaitQuietly(release);
            return null;
        }));
        first.start();
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> locks.with(machine, () -> "second"))
                .isInstanceOf(ConflictException.class).hasMessageContaining("is busy");
        assertThat(locks.size()).as("the first action still holds its lock").isOne();

        release.countDown();
        first.join(10_000);
        assertThat(locks.size()).isZero();
        assertThat(locks.with(machine, () -> "third")).isEqualTo("third");
        assertThatThrownBy(() -> locks.with(machine, () -> {
            throw new IllegalStateException("the action failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(locks.size()).as("a failed action frees its machine too").isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.diskfleet.provisioning.operation;

import dev.diskfleet.domain.event.DomainEvent;
import dev.diskfleet.domain.event.EventTypes;
import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.domain.operation.OperationRepository;
import dev.diskfleet.domain.operation.OperationState;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.provisioning.event.Events;
import dev.diskfleet.provisioning.metrics.DiskfleetMeters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs long work on a small pool and keeps its {@link Operation} row current. The row is committed
 * before the work starts, in its own transaction, so a client can poll it at once; it names this node,
 * whose pool runs the work.
 */
@Component
public class OperationRunner {

    private static final Logger log = LoggerFactory.getLogger(OperationRunner.class);
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final OperationRepository operations;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final FailureDescriber failures;
    private final Events events;
    private final DiskfleetMeters meters;
    private final OperationChanges changes;
    private final LocalNode local;
    private final boolean cluster;
    private final ExecutorService workers = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "diskfleet-operation");
        thread.setDaemon(true);
        return thread;
    });

    public OperationRunner(OperationRepository operations, PlatformTransactionManager transactions, JsonMapper json,
            FailureDescriber failures, Events events, DiskfleetMeters meters, OperationChanges changes,
            LocalNode local, @Value("${diskfleet.cluster.enabled:false}") boolean cluster) {
        this.local = local;
        this.cluster = cluster;
        this.failures = failures;
        this.changes = changes;
        this.events = events;
        this.meters = meters;
        this.operations = operations;
        this.tx = new TransactionTemplate(transactions);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.json = json;
    }

    /** Records a queued operation and starts its work; returns the committed row. */
    public Operation submit(String kind, UUID targetId, OperationWork work) {
        Operation operation = tx.execute(status -> announce(operations.save(new Operation(UUID.randomUUID(), kind, targetId, local.name()))));
        workers.submit(() -> execute(operation.getId(), work));
        return operation;
    }

    /**
     * Goes through an operation's life on its row (recorded, running, a progress report, succeeded with
     * {@code result}) and the reads a deployment makes of it, inside the caller's transaction, which must be
     * marked rollback-only: nothing is committed and the events it announces are never stored. The startup
     * warm-up calls it so that the first real operation meets prepared statements and compiled code.
     */
    public void rehearse(TransactionStatus callersTransaction, String kind, UUID targetId, Object result) {
        if (!callersTransaction.isRollbackOnly()) {
            throw new IllegalStateException("an operation is rehearsed only in a transaction that is rolled back");
        }
        Operation operation = announce(operations.saveAndFlush(new Operation(UUID.randomUUID(), kind, targetId,
                local.name())));
        inFlight(kind, targetId);
        runsOnAnotherNode(targetId);
        operation.start();
        announce(operations.saveAndFlush(operation));
        String document = toJson(result);
        operation.report(50, document);
        announce(operations.saveAndFlush(operation));
        operation.succeed("/", document);
        announce(operations.saveAndFlush(operation));
        operations.findById(operation.getId());
    }

    /** Whether an operation of {@code kind} on {@code targetId} is queued or running, on any node. */
    public boolean inFlight(String kind, UUID targetId) {
        return operations.existsByKindAndTargetIdAndStateIn(kind, targetId,
                List.of(OperationState.QUEUED, OperationState.RUNNING));
    }

    /**
     * Work that was queued or running when the service stopped cannot resume: mark it failed (at startup,
     * before the web server accepts requests, so no operation submitted by this start is touched). Its
     * partial files are hidden temporaries, removed by the storage reconciliation at the same start. In a
     * cluster only this node's work (and work that names no node, from before operations did): what another
     * node runs goes on there.
     */
    public void failInterruptedOperations() {
        tx.executeWithoutResult(status -> {
            List<OperationState> unfinished = List.of(OperationState.QUEUED, OperationState.RUNNING);
            List<Operation> interrupted = cluster ? operations.findByStateInOfNode(unfinished, local.name())
                    : operations.findByStateIn(unfinished);
            for (Operation operation : interrupted) {
                operation.fail(500, "https://diskfleet.dev/problems/interrupted", "Interrupted",
                        "the service stopped while this operation was " + operation.getState().name().toLowerCase(Locale.ROOT)
                                + "; its partial output was removed, submit it again", operation.getResultJson());
                log.warn("operation {} ({}) was interrupted by a restart and is marked failed",
                        operation.getId(), operation.getKind());
            }
        });
    }

    /** Whether another node still runs (or has queued) an operation on {@code targetId}. */
    public boolean runsOnAnotherNode(UUID targetId) {
        return cluster && operations.existsOnOtherNode(targetId, List.of(OperationState.QUEUED, OperationState.RUNNING),
                local.name());
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    private void execute(UUID id, OperationWork work) {
        long started = System.nanoTime();
        update(id, Operation::start);
        Context context = new Context(id);
        try {
            OperationOutcome outcome = work.run(context);
            String result = outcome.result() == null ? context.lastResultJson() : toJson(outcome.result());
            update(id, operation -> operation.succeed(outcome.resourceUrl(), result));
            finished(id, started);
        } catch (Throwable e) {
            Throwable cause = e instanceof OperationFailure failure && failure.getCause() != null ? failure.getCause() : e;
            FailureDescriber.OperationError problem = failures.describe(cause);
            if (problem.status() >= 500) {
                log.error("operation {} failed", id, e);
            }
            String result = e instanceof OperationFailure failure && failure.result() != null
                    ? toJson(failure.result()) : context.lastResultJson();
            update(id, operation -> operation.fail(problem.status(), problem.type(), problem.title(),
                    problem.detail(), result));
            finished(id, started);
        }
    }

    private void finished(UUID id, long startedNanos) {
        operations.findById(id).ifPresent(operation -> meters.operationFinished(operation.getKind(),
                operation.getState().name().toLowerCase(Locale.ROOT), Duration.ofNanos(System.nanoTime() - startedNanos)));
    }

    /**
     * Tells the event stream where an operation stands, sent when the change commits: progress while it
     * runs, one {@code operation.finished} with its result when it ends.
     */
    private Operation announce(Operation operation) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", operation.getKind());
        data.put("state", operation.getState().name().toLowerCase(Locale.ROOT));
        data.put("progress", operation.getProgress());
        data.put("targetId", operation.getTargetId());
        data.put("resourceUrl", operation.getResourceUrl());
        if (operation.getErrorTitle() != null) {
            data.put("error", operation.getErrorTitle() + ": " + operation.getErrorDetail());
        }
        boolean done = operation.getState() == OperationState.SUCCEEDED || operation.getState() == OperationState.FAILED;
        events.publish(new DomainEvent(done ? EventTypes.OPERATION_FINISHED : EventTypes.OPERATION_PROGRESS,
                operation.getId(), data));
        return operation;
    }

    private void update(UUID id, java.util.function.Consumer<Operation> change) {
        tx.executeWithoutResult(status -> operations.findById(id).ifPresent(operation -> {
            change.accept(operation);
            announce(operation);
        }));
        changes.committed();
    }

    private String toJson(Object value) {
        return json.writeValueAsString(value);
    }

    private final class Context implements OperationContext {

        private final UUID id;
        private long lastWrite;
        /** The newest interim result, written as JSON only if it is needed. */
        private volatile Object lastResult;

        Context(UUID id) {
            this.id = id;
        }

        @Override
        public UUID operationId() {
            return id;
        }

        @Override
        public synchronized void progress(int percent) {
            long now = System.nanoTime();
            if (percent < 100 && now - lastWrite < PROGRESS_INTERVAL_NANOS) {
                return;
            }
            lastWrite = now;
            update(id, operation -> operation.progress(percent));
        }

        /**
         * Kept as it is: a fleet reports its growing result after every batch, and it is only needed as JSON if the
         * work ends without a result of its own.
         */
        @Override
        public void result(Object result) {
            lastResult = result;
        }

        String lastResultJson() {
            Object result = lastResult;
            return result == null ? null : toJson(result);
        }

        @Override
        public synchronized void report(int percent, Object result) {
            String document = toJson(result);
            lastResult = result;
            lastWrite = System.nanoTime();
            update(id, operation -> operation.report(percent, document));
        }
    }
}

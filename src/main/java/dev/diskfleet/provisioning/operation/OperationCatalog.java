package dev.diskfleet.provisioning.operation;

import dev.diskfleet.domain.NotFoundException;
import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.domain.operation.OperationRepository;
import java.time.Duration;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;

/** Operations as clients follow them: one, a page, or one awaited until it finishes. */
@Service
public class OperationCatalog {

    /** Long polls wait at most this long, whatever the client asks. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** Rows changed by something else than this process's runner (startup recovery) are re-read this often. */
    private static final Duration REREAD = Duration.ofSeconds(1);

    private final OperationRepository operations;
    private final OperationChanges changes;

    public OperationCatalog(OperationRepository operations, OperationChanges changes) {
        this.operations = operations;
        this.changes = changes;
    }

    public Operation get(UUID id) {
        return operations.findById(id).orElseThrow(() -> new NotFoundException("operation", id));
    }

    public Page<Operation> list(Pageable pageable) {
        return operations.findAll(pageable);
    }

    /** Returns as soon as the operation has finished, or after {@code timeout} with its current state. */
    public Operation await(UUID id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), MAX_WAIT.toNanos());
        while (true) {
            long seen = changes.generation();
            Operation operation = get(id);
            long left = deadline - System.nanoTime();
            if (operation.getState().isFinished() || left <= 0) {
                return operation;
            }
            changes.awaitChangeAfter(seen, Duration.ofNanos(Math.min(left, REREAD.toNanos())));
        }
    }
}

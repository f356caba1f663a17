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
    private static final long POLL_MILLIS = 50;

    private final OperationRepository operations;

    public OperationCatalog(OperationRepository operations) {
        this.operations = operations;
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
            Operation operation = get(id);
            if (operation.getState().isFinished() || System.nanoTime() >= deadline) {
                return operation;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}

package dev.diskfleet.api.web;

import dev.diskfleet.provisioning.operation.FailureDescriber;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/** A failed operation keeps the problem a failed request would have answered: one mapping for both. */
@Component
class ProblemFailureDescriber implements FailureDescriber {

    @Override
    public OperationError describe(Throwable failure) {
        ProblemDetail problem = ProblemMapper.toProblem(failure);
        return new OperationError(problem.getStatus(), String.valueOf(problem.getType()), problem.getTitle(),
                problem.getDetail());
    }
}

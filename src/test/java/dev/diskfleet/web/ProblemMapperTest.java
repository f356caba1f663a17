package dev.diskfleet.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.api.web.ProblemMapper;
import dev.diskfleet.domain.InsufficientStorageException;
import dev.diskfleet.domain.LimitExceededException;
import dev.diskfleet.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;

/** The one mapping to problems: statuses of the limit refusals, and no host path in any 500. */
class ProblemMapperTest {

    @Test
    void aStorageFailureIs500WithoutTheHostPathItsMessageNames() {
        ProblemDetail problem = ProblemMapper.toProblem(new StorageException(
                "cannot write /srv/diskfleet/images/3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a.vdi: Input/output error"));

        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getType().toString()).endsWith("/storage-failure");
        assertThat(problem.getDetail()).doesNotContain("/srv").doesNotContain("diskfleet/images")
                .contains("cannot write 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a.vdi: Input/output error").contains("logged");
    }

    @Test
    void anyOtherFailureIs500WithAGenericDetail() {
        ProblemDetail problem = ProblemMapper.toProblem(new UncheckedIOException(new IOException("/var/lib/x: denied")));

        assertThat(problem.getStatus()).isEqualTo(500);
        assertThat(problem.getDetail()).doesNotContain("/var");
    }

    @Test
    void limitRefusalsMapTo507And422() {
        assertThat(ProblemMapper.toProblem(new InsufficientStorageException("full")).getStatus()).isEqualTo(507);
        assertThat(ProblemMapper.toProblem(new LimitExceededException("virtual-size-too-large", "big")).getStatus())
                .isEqualTo(422);
    }
}

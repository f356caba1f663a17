package dev.diskfleet.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.domain.InsufficientStorageException;
import dev.diskfleet.domain.LimitExceededException;
import dev.diskfleet.storage.ImageNotWritableException;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.VirtualSizeLimitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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

    @Test
    void theStoresOwnRefusalsAre409And422WithoutHostPaths() {
        ProblemDetail notWritable = ProblemMapper.toProblem(new ImageNotWritableException("qcow2 image x has 2 snapshots"));
        assertThat(notWritable.getStatus()).isEqualTo(409);
        assertThat(notWritable.getType().toString()).endsWith("/image-not-writable");

        ProblemDetail tooLarge = ProblemMapper.toProblem(
                new VirtualSizeLimitException("qcow2", Path.of("/srv/images/a.qcow2"), 1L << 50, 1L << 40));
        assertThat(tooLarge.getStatus()).isEqualTo(422);
        assertThat(tooLarge.getType().toString()).endsWith("/virtual-size-too-large");
        assertThat(tooLarge.getDetail()).contains("a.qcow2").contains(String.valueOf(1L << 40))
                .contains("max-virtual-size").doesNotContain("/srv");
    }
}

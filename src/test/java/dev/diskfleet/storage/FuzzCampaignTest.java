package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.qcow2.Qcow2Format;
import dev.diskfleet.storage.vdi.VdiFormat;
import dev.diskfleet.support.QemuTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzzing campaign over every untrusted-file parser, seeded from files qemu-img and qemu-io made: each
 * input is a seed with one to four structure-aware mutations aimed at one parser's bytes, opened
 * read-only, read and checked. A failure is any exception but the storage's own refusal, a file changed by
 * a read-only open, or an input over its time or allocation bound ({@link FuzzRunner}).
 *
 * <p>{@code mvn -B -Pfuzz verify} runs {@code -Dfuzz.inputs=100000} inputs per parser; the default build
 * runs a fast sample. Each parser ends with the line {@code fuzz <parser>: <N> inputs, <F> failures}.
 */
class FuzzCampaignTest {

    private static final int INPUTS = Integer.getInteger("fuzz.inputs", 500);
    private static final long SEED = Long.getLong("fuzz.seed", 0xD15CF1EE7L);

    @TempDir
    static Path work;
    static FuzzSeeds seeds;

    @BeforeAll
    static void makeSeedsWithQemu() throws IOException {
        QemuTools.require("qemu-img", "qemu-io");
        seeds = FuzzSeeds.make(Path.of("target", "fuzz-seeds"));
    }

    @Test
    void everyParserOnlyEverRefusesWithAStorageException() throws IOException {
        List<String> failures = new ArrayList<>();
        try (FuzzRunner runner = new FuzzRunner(work)) {
            for (FuzzTarget target : seeds.targets()) {
                FuzzRunner.Result result = runner.run(target, target.format().equals("vdi")
                        ? new VdiFormat() : new Qcow2Format(), INPUTS, new Random(SEED ^ target.name().hashCode()));
                System.out.printf("fuzz %s: %d inputs, %d failures%n", target.name(), result.inputs(),
                        result.failures().size());
                System.out.printf("fuzz detail %s: %d opened, %d refused with a StorageException%n", target.name(),
                        result.opened(), result.refused());
                failures.addAll(result.failures());
                // The mutations must reach past the first checks, or the campaign proves little.
                assertThat(result.opened()).as("%s: inputs that opened", target.name()).isPositive();
                assertThat(result.refused()).as("%s: inputs refused", target.name()).isPositive();
            }
        }
        assertThat(failures).as("failures (replay with -Dfuzz.seed=%d)", SEED).isEmpty();
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

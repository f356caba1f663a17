package dev.diskfleet.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TemporaryDataDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The crash harness in the test run: the real service killed at named crash points and after random
 * delays, restarted on the same files, and checked. {@code mvn -B verify} runs a sample of
 * {@value #DEFAULT_POINTS} kills; {@code mvn -B -Pcrash verify} runs every named point a round reaches
 * ({@link CrashPointCatalogue}) plus 20 random delays and prints one line per point and the summary line
 * {@code crash points: <N> survived, <F> failed}.
 */
class CrashHarnessTest {

    static final int DEFAULT_POINTS = 20;

    private final Path dataDir = TemporaryDataDir.create("diskfleet-crash-");

    @AfterEach
    void removeDataDir() {
        if (!Boolean.getBoolean("diskfleet.crash.keep")) {
            TemporaryDataDir.deleteTree(dataDir);
        }
    }

    @Test
    void theServiceKilledAtEveryPointRestartsWithNothingLostAndNothingLeftBehind() {
        QemuTools.require("qemu-img");
        boolean full = Boolean.getBoolean("diskfleet.crash.full");
        long seed = Long.getLong("diskfleet.crash.seed", System.nanoTime());
        long started = System.nanoTime();
        List<String> named = CrashPointCatalogue.discover(dataDir);
        assertThat(CrashPointCatalogue.names(named)).as("the round passes the points of every kind of change")
                .contains("image-create.file-made", "upload.file-made", "clone.file-made", "fleet-deploy.base-made",
                        "fleet.batch-committed", "fleet-scale.member-removed", "fleet-delete.base-removed",
                        "snapshot-delete.file-step-done", "machine-delete.layer-merged", "disk-transaction.committed");
        List<CrashHarness.Kill> kills = plan(named, full, new Random(seed));

        List<CrashHarness.Outcome> outcomes = new CrashHarness(dataDir).run(kills);

        long survived = outcomes.stream().filter(CrashHarness.Outcome::survived).count();
        long failed = outcomes.size() - survived;
        StringBuilder report = new StringBuilder("crash harness, seed " + seed + ", data " + dataDir + ", "
                + named.size() + " named points in a round, " + kills.size() + " kills\n");
        outcomes.forEach(outcome -> report.append(outcome.line()).append('\n'));
        report.append(String.format("wall time %.0f s%n", (System.nanoTime() - started) / 1e9));
        report.append("crash points: ").append(survived).append(" survived, ").append(failed).append(" failed");
        System.out.println(report);
        assertThat(outcomes).as("every planned kill was followed by a restart and a check:%n%s", report)
                .hasSize(kills.size());
        assertThat(failed).as(report.toString()).isZero();
    }

    /** Named points first (all of them in the full run, an even spread otherwise), then random delays. */
    private static List<CrashHarness.Kill> plan(List<String> named, boolean full, Random random) {
        List<CrashHarness.Kill> kills = new ArrayList<>();
        int namedWanted = full ? named.size() : Math.min(named.size(), DEFAULT_POINTS - 4);
        for (int i = 0; i < namedWanted; i++) {
            kills.add(CrashHarness.Kill.at(named.get((int) ((long) i * named.size() / namedWanted))));
        }
        int delays = full ? 20 : DEFAULT_POINTS - kills.size();
        for (int i = 0; i < delays; i++) {
            kills.add(CrashHarness.Kill.after(Duration.ofMillis(200 + random.nextInt(5000))));
        }
        return kills;
    }
}

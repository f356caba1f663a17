package dev.diskfleet.crash;

import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import dev.diskfleet.support.TemporaryDataDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The crash harness in the test run: the real service killed at named crash points and after random
 * delays, restarted on the same files, and checked; then killed again inside the startup recovery from such
 * a kill, at the recovery points the first restarts passed, and checked once a third start has finished
 * the recovery cut short. {@code mvn -B verify} runs a sample of {@value #DEFAULT_NAMED} kills at named
 * points, {@value #DEFAULT_DELAYS} after random delays and {@value #DEFAULT_RECOVERY_KILLS} inside recovery;
 * {@code mvn -B -Pcrash verify} runs every named point a round reaches ({@link CrashPointCatalogue}) plus
 * 20 random delays, then one kill at every recovery point those restarts passed, and prints one line per
 * kill and the summary line {@code crash points: <N> survived, <F> failed}. {@code -Ddiskfleet.crash.points=a,b>c} runs only the kills
 * named: at point {@code a}; at point {@code b}, then inside the recovery from it at point {@code c}.
 */
@ProcessTest
class CrashHarnessTest {

    static final int DEFAULT_NAMED = 2;
    /** Few: a round takes a few seconds, so most delays strike after it (the named points are where kills tell). */
    static final int DEFAULT_DELAYS = 1;
    static final int DEFAULT_RECOVERY_KILLS = 1;
    /**
     * The points the sample kills at (their first time in a round), {@value #DEFAULT_NAMED} of them chosen by the
     * seed in each build: the recoveries from them do the work most worth cutting short. Before a merged child's file goes (recovery
     * removes it and renews its parent's stamp), during a fleet's deployment and during its deletion
     * (recovery removes the fleet), and before a fleet start's autoreset (recovery redoes the reset); and
     * once host ports are picked but not committed, where a port must come free again, not leak.
     */
    private static final List<String> SAMPLE_RECOVERING_POINTS = List.of("disk-transaction.before-merged-child-delete",
            "fleet.batch-committed", "fleet-delete.members-removed", "disk-transaction.reset-done",
            "host-ports.forwards-written");
    /** The recovery points the sample prefers, in this order: one kill at a point of each name, if passed. */
    private static final List<String> SAMPLE_RECOVERY_POINTS = List.of("intent-recovery.merged-child-removed",
            "fleet-delete.members-removed", "intent-recovery.reset-redone", "intent.before-settle");

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
        String chosen = System.getProperty("diskfleet.crash.points", "");
        long seed = Long.getLong("diskfleet.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        long started = System.nanoTime();
        CrashHarness harness = new CrashHarness(dataDir);
        List<CrashHarness.Outcome> outcomes = new ArrayList<>();
        String header;
        if (!chosen.isBlank()) {
            List<CrashHarness.Kill> kills = chosen(chosen);
            header = kills.size() + " chosen kills";
            outcomes.addAll(harness.run(kills));
            assertThat(outcomes).as("every chosen kill was followed by a restart and a check").hasSize(kills.size());
        } else {
            List<String> named = CrashPointCatalogue.discover(dataDir);
            assertThat(CrashPointCatalogue.names(named)).as("the round passes the points of every kind of change")
                    .contains("image-create.file-made", "upload.file-made", "clone.file-made", "fleet-deploy.base-made",
                            "fleet.batch-committed", "fleet-scale.member-removed", "fleet-delete.base-removed",
                            "snapshot-delete.file-step-done", "machine-delete.layer-merged", "disk-transaction.committed",
                            "host-ports.picked", "host-ports.forwards-written");
            List<CrashHarness.Kill> kills = plan(named, full, random);
            outcomes.addAll(harness.run(kills));
            assertThat(outcomes).as("every planned kill was followed by a restart and a check")
                    .hasSize(kills.size());

            List<CrashHarness.Kill> inRecovery = planInRecovery(outcomes, full, random);
            header = named.size() + " named points in a round, " + kills.size() + " kills, then "
                    + inRecovery.size() + " kills inside recovery";
            List<CrashHarness.Outcome> recoveryOutcomes = harness.run(inRecovery);
            outcomes.addAll(recoveryOutcomes);
            assertThat(recoveryOutcomes).as("every kill inside recovery was followed by a restart and a check")
                    .hasSize(inRecovery.size());
            assertThat(inRecovery).as("kills inside recovery were planned")
                    .hasSizeGreaterThanOrEqualTo(DEFAULT_RECOVERY_KILLS);
        }

        long survived = outcomes.stream().filter(CrashHarness.Outcome::survived).count();
        long failed = outcomes.size() - survived;
        StringBuilder report = new StringBuilder("crash harness, seed " + seed + ", data " + dataDir + ", " + header + "\n");
        outcomes.forEach(outcome -> report.append(outcome.line()).append('\n'));
        report.append(String.format("wall time %.0f s%n", (System.nanoTime() - started) / 1e9));
        report.append("crash points: ").append(survived).append(" survived, ").append(failed).append(" failed");
        System.out.println(report);
        assertThat(failed).as(report.toString()).isZero();
    }

    /**
     * Named points first (all of them in the full run; otherwise {@value #DEFAULT_NAMED} of the sample's
     * recovering points, chosen by the seed, or an even spread where fewer are reached), then random delays.
     */
    private static List<CrashHarness.Kill> plan(List<String> named, boolean full, Random random) {
        List<String> points = new ArrayList<>();
        int namedWanted = full ? named.size() : Math.min(named.size(), DEFAULT_NAMED);
        if (!full) {
            // A few of the recovering points, chosen by the seed: over the builds every one is killed at.
            List<String> recovering = new ArrayList<>(SAMPLE_RECOVERING_POINTS.stream().filter(named::contains).toList());
            Collections.shuffle(recovering, random);
            recovering.stream().limit(namedWanted).forEach(points::add);
        }
        int spread = namedWanted - points.size();
        for (int i = 0; i < spread; i++) {
            String point = named.get((int) ((long) i * named.size() / spread));
            if (!points.contains(point)) {
                points.add(point);
            }
        }
        List<CrashHarness.Kill> kills = new ArrayList<>(points.stream().map(CrashHarness.Kill::at).toList());
        int delays = full ? 20 : DEFAULT_DELAYS;
        for (int i = 0; i < delays; i++) {
            kills.add(CrashHarness.Kill.after(Duration.ofMillis(200 + random.nextInt(5000))));
        }
        return kills;
    }

    /**
     * Kills inside recovery, from what the restarts after the named kills passed: in the full run one at every
     * recovery point passed, after one of the named kills whose recovery passed it (chosen by the seed); in
     * the sample one at the first pass of a point of each of {@link #SAMPLE_RECOVERY_POINTS}' names in turn, then
     * first passes of others by the seed,
     * {@value #DEFAULT_RECOVERY_KILLS} in all. Kills after a delay are not repeatable, so not used.
     */
    private static List<CrashHarness.Kill> planInRecovery(List<CrashHarness.Outcome> outcomes, boolean full,
            Random random) {
        Map<String, List<String>> killsByRecoveryPoint = new LinkedHashMap<>();
        for (CrashHarness.Outcome outcome : outcomes) {
            if (outcome.kill().crashPoint() != null && outcome.survived()) {
                for (String point : outcome.recoveryPassed()) {
                    killsByRecoveryPoint.computeIfAbsent(point, p -> new ArrayList<>()).add(outcome.kill().crashPoint());
                }
            }
        }
        List<String> recoveryPoints = new ArrayList<>();
        if (full) {
            recoveryPoints.addAll(killsByRecoveryPoint.keySet());
        } else {
            for (String name : SAMPLE_RECOVERY_POINTS) {
                if (recoveryPoints.size() == DEFAULT_RECOVERY_KILLS) {
                    break;
                }
                // The first time the recovery passes the point (its bare name): a later one (#2, …) depends on
                // how much work the kill left, which the same kill repeated need not leave again.
                if (killsByRecoveryPoint.containsKey(name)) {
                    recoveryPoints.add(name);
                }
            }
            List<String> others = new ArrayList<>(killsByRecoveryPoint.keySet().stream()
                    .filter(point -> !point.contains("#")).toList());
            others.removeAll(recoveryPoints);
            while (recoveryPoints.size() < DEFAULT_RECOVERY_KILLS && !others.isEmpty()) {
                recoveryPoints.add(others.remove(random.nextInt(others.size())));
            }
        }
        return recoveryPoints.stream().map(point -> {
            List<String> after = killsByRecoveryPoint.get(point);
            return CrashHarness.Kill.at(after.get(random.nextInt(after.size()))).thenInRecovery(point);
        }).toList();
    }

    /** {@code a,b>c}: a kill at point a; a kill at point b, then at point c of the recovery from it. */
    private static List<CrashHarness.Kill> chosen(String points) {
        return Arrays.stream(points.split(",")).map(String::strip).filter(point -> !point.isEmpty()).map(point -> {
            String[] parts = point.split(">", 2);
            CrashHarness.Kill kill = CrashHarness.Kill.at(parts[0].strip());
            return parts.length == 2 ? kill.thenInRecovery(parts[1].strip()) : kill;
        }).toList();
    }
}

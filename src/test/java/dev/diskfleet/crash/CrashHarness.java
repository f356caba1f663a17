package dev.diskfleet.crash;

import dev.diskfleet.support.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Kills the real service again and again on one data directory and checks what each restart finds. Every
 * kill is one start of the service: armed with a named crash point (it halts there) or killed with
 * SIGKILL after a delay; the next start (recovery runs first, as in production) checks the
 * {@link Invariants} and what the interrupted {@link Workload} had been told, then runs the next round.
 * A kill may be followed by a second one inside the recovery from it: a start armed with a recovery point
 * halts there, and the start after it has to finish a recovery cut short before it checks.
 * A problem is charged to the kill after which it first shows. Every start lists the recovery points it
 * passes ({@link Outcome#recoveryPassed}), where kills inside recovery can be planned.
 */
final class CrashHarness {

    /**
     * One kill: at a named crash point ({@code name} or {@code name#n}), or {@code delay} after the round
     * began; then, if {@code recoveryPoint} is set, at that point of the recovery from it.
     */
    record Kill(String crashPoint, Duration delay, String recoveryPoint) {

        static Kill at(String crashPoint) {
            return new Kill(crashPoint, null, null);
        }

        static Kill after(Duration delay) {
            return new Kill(null, delay, null);
        }

        /** This kill, then a kill at {@code point} of the startup recovery that follows it. */
        Kill thenInRecovery(String point) {
            return new Kill(crashPoint, delay, point);
        }

        String label() {
            String first = crashPoint != null ? crashPoint : "random delay " + delay.toMillis() + " ms";
            return recoveryPoint == null ? first : first + " > in recovery " + recoveryPoint;
        }
    }

    /** What the restart after a kill found, and which recovery points that restart passed on its way up. */
    record Outcome(Kill kill, String struck, List<String> problems, List<String> recoveryPassed) {

        boolean survived() {
            return problems.isEmpty();
        }

        String line() {
            return (survived() ? "survived " : "FAILED   ") + kill.label() + " (" + struck + ")"
                    + (survived() ? "" : ": " + String.join("; ", problems));
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    /** Every start lists the recovery points it passes (and halts at none). */
    private static final String LIST_RECOVERY_POINTS = "*";

    private final Path dataDir;
    /** Rounds run so far on this data directory: names and logs stay distinct across {@link #run} calls. */
    private int rounds;

    CrashHarness(Path dataDir) {
        this.dataDir = dataDir;
    }

    List<Outcome> run(List<Kill> kills) {
        List<Outcome> outcomes = new ArrayList<>();
        Set<String> known = new HashSet<>();
        Kill previousKill = null;
        Workload previous = null;
        String previousStruck = null;
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i <= kills.size(); i++) {
                Kill kill = i < kills.size() ? kills.get(i) : null;
                int round = rounds++;
                ServiceProcess service;
                try {
                    service = startRound(round, kill);
                } catch (IllegalStateException e) {
                    if (previousKill != null) {
                        outcomes.add(new Outcome(previousKill, previousStruck, List.of("no restart: " + e.getMessage()),
                                List.of()));
                    }
                    return outcomes;
                }
                try (service) {
                    Client api = new Client(service.api());
                    if (previousKill != null) {
                        List<String> problems = new ArrayList<>(check(api, previous, previousStruck));
                        problems.removeIf(problem -> !known.add(problem));
                        outcomes.add(new Outcome(previousKill, previousStruck, problems,
                                CrashPointCatalogue.parseRecovery(service.log())));
                    }
                    if (kill == null) {
                        return outcomes;
                    }
                    Workload workload = new Workload(api, round);
                    previousStruck = runUntilKilled(service, workload, kill, killer);
                    previous = workload;
                    previousKill = kill;
                }
                if (kill.recoveryPoint() != null) {
                    previousStruck += ", " + killInRecovery(round, kill.recoveryPoint());
                }
            }
            return outcomes;
        } finally {
            killer.shutdownNow();
        }
    }

    /** A round's service: armed with the kill's crash point, and listing the recovery points it passes. */
    private ServiceProcess startRound(int round, Kill kill) {
        ServiceProcess.Launch launch = HarnessService.on(dataDir, dataDir.resolve("logs/round-" + round + ".log"))
                .recoveryPoint(LIST_RECOVERY_POINTS).startup(START_TIMEOUT);
        return kill == null || kill.crashPoint() == null ? launch.start() : launch.crashPoint(kill.crashPoint()).start();
    }

    /** Starts the service armed with {@code point} of its startup recovery; says whether it halted there. */
    private String killInRecovery(int round, String point) {
        Path log = dataDir.resolve("logs/round-" + round + "-recovery.log");
        if (HarnessService.on(dataDir, log).recoveryPoint(point).startup(START_TIMEOUT).haltsInRecovery()) {
            return "then halted in recovery";
        }
        String text = ServiceProcess.read(log);
        return text.contains("Tomcat started") ? "recovery point NOT REACHED: the service started"
                : "recovery point NOT REACHED: the service died or hung, see " + log;
    }

    /** Runs a round and returns where the kill struck; the service is dead when it returns. */
    private String runUntilKilled(ServiceProcess service, Workload workload, Kill kill,
            ScheduledExecutorService killer) {
        if (kill.delay() != null) {
            killer.schedule(service::kill, kill.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
        String error = null;
        boolean completed = false;
        try {
            workload.run();
            completed = true;
        } catch (ServiceGone gone) {
            // the kill we are here for
        } catch (RuntimeException e) {
            error = "workload error: " + e.getMessage();
        }
        if (kill.crashPoint() != null && !service.awaitDeath(Duration.ofSeconds(5))) {
            service.kill();
        } else if (kill.delay() != null) {
            service.awaitDeath(kill.delay().plusSeconds(30));
        }
        service.kill();
        String where = completed ? "after the round"
                : "during " + (workload.steps().isEmpty() ? "startup" : workload.steps().get(workload.steps().size() - 1));
        if (error != null) {
            return error + ", " + where;
        }
        if (kill.crashPoint() != null) {
            return service.log().contains("CRASH POINT REACHED: ") ? "halted at the point " + where
                    : "point NOT REACHED; killed after the round";
        }
        return "killed " + where;
    }

    private List<String> check(Client api, Workload interrupted, String struck) {
        List<String> problems = new ArrayList<>();
        if (struck.contains("workload error") || struck.contains("NOT REACHED")) {
            problems.add(struck);
        }
        try {
            problems.addAll(Invariants.check(api, dataDir.resolve("images")));
            if (interrupted != null) {
                problems.addAll(interrupted.checkDisk(api));
            }
        } catch (RuntimeException e) {
            problems.add("check failed: " + e);
        }
        return problems;
    }
}

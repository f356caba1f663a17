package dev.diskfleet.crash;

import dev.diskfleet.support.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The named crash points one {@link Workload} round reaches, learnt by running a round with the service
 * armed with {@code *} (it then prints every point it passes and halts nowhere). Each is
 * {@code name#n}: the n-th time the round reaches {@code name}; {@code name} alone is {@code name#1}.
 */
final class CrashPointCatalogue {

    private static final Pattern PASSED = Pattern.compile("CRASH POINT PASSED: (\\S+)#(\\d+)");
    private static final Pattern PASSED_IN_RECOVERY = Pattern.compile("CRASH POINT PASSED IN RECOVERY: (\\S+)#(\\d+)");

    private CrashPointCatalogue() {
    }

    /** Runs one full round on {@code dataDir} and lists the points it passed, in the order it passed them. */
    static List<String> discover(Path dataDir) {
        Path log = dataDir.resolve("logs/discovery.log");
        try (ServiceProcess service = HarnessService.on(dataDir, log).crashPoint("*").startup(Duration.ofMinutes(3)).start()) {
            new Workload(new Client(service.api()), 0).run();
            service.kill();
            return parse(service.log());
        }
    }

    static List<String> parse(String log) {
        return parse(log, PASSED);
    }

    /**
     * The points the startup recovery of a service armed with recovery point {@code *} passed, as its log
     * lists them: where a kill inside that recovery can strike after the kill it recovered from.
     */
    static List<String> parseRecovery(String log) {
        return parse(log, PASSED_IN_RECOVERY);
    }

    private static List<String> parse(String log, Pattern pattern) {
        List<String> points = new ArrayList<>();
        Matcher passed = pattern.matcher(log);
        while (passed.find()) {
            String point = passed.group(2).equals("1") ? passed.group(1) : passed.group(1) + "#" + passed.group(2);
            if (!points.contains(point)) {
                points.add(point);
            }
        }
        return points;
    }

    /** The distinct names among {@code points}. */
    static List<String> names(List<String> points) {
        return points.stream().map(point -> point.replaceAll("#\\d+$", "")).distinct().toList();
    }
}

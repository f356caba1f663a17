package dev.diskfleet.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * Every named crash point the workload reaches, with how often one round reaches it: {@code name#n} kills
 * at the n-th time. {@link CrashPointCatalogueTest} keeps this list and the {@code CrashPoints.reach}
 * calls in the service's sources in step.
 */
final class CrashPointCatalogue {

    /** Point name → times one {@link Workload} round reaches it. */
    static final java.util.Map<String, Integer> REACHED_PER_ROUND = new java.util.LinkedHashMap<>();

    private CrashPointCatalogue() {
    }

    static List<String> points() {
        List<String> points = new ArrayList<>();
        REACHED_PER_ROUND.forEach((name, times) -> {
            for (int hit = 1; hit <= times; hit++) {
                points.add(hit == 1 ? name : name + "#" + hit);
            }
        });
        return points;
    }
}

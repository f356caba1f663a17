package dev.diskfleet.storage;

import org.springframework.util.StringUtils;

/** Breaks a rule on purpose, for ArchitectureRulesFailTest: an engine that uses a library. Never used. */
final class ArchFixtureStorageUsingSpring {

    boolean blank(String name) {
        return !StringUtils.hasText(name);
    }
}

package dev.diskfleet.domain.image;

import dev.diskfleet.domain.token.Role;

/** Breaks a rule on purpose, for ArchitectureRulesFailTest: a package using one it does not declare. Never used. */
final class ArchFixtureImageUsingTokens {

    Role role() {
        return Role.VIEWER;
    }
}

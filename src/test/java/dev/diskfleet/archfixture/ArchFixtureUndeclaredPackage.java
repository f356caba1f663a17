package dev.diskfleet.archfixture;

/** Breaks a rule on purpose, for ArchitectureRulesFailTest: a package DeclaredDependencies does not list. */
final class ArchFixtureUndeclaredPackage {
}

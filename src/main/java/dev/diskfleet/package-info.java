/**
 * Diskfleet: fleets of identical guests from one golden disk image. Layers, each using only those below
 * it: {@code api} (HTTP) → {@code provisioning} (changes rows and files together) → {@code domain}
 * (entities, repositories, rules) → {@code storage} (the image engine, plain Java). This package holds
 * only the Spring Boot entry point. What each package may use is written in one place, the test's
 * {@code DeclaredDependencies}, and {@code ArchitectureTest} checks it with the layering.
 */
package dev.diskfleet;

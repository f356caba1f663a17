/**
 * Diskfleet: fleets of identical guests from one golden disk image. Layers, each using only those below
 * it: {@code api} (HTTP) → {@code provisioning} (changes rows and files together) → {@code domain}
 * (entities, repositories, rules) → {@code storage} (the image engine, plain Java). This package holds
 * only the Spring Boot entry point; {@code ArchitectureTest} keeps the layering.
 */
package dev.diskfleet;

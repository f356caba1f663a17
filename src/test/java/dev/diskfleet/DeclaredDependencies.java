package dev.diskfleet;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Map;
import java.util.Set;

/**
 * Which project packages each package may use: the one place this is written down (the package-info files
 * say what a package is for, not what it uses). Names are relative to {@code dev.diskfleet}; a package
 * always may use itself. A package missing here fails the build until it is declared, so a new package
 * states its dependencies the day it lands.
 */
final class DeclaredDependencies {

    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // the application class and its package: Spring Boot's entry point only
            Map.entry("", Set.of()),
            Map.entry("api", Set.of()),
            Map.entry("api.web", Set.of("domain", "provisioning.idempotency", "provisioning.guest", "provisioning.operation",
                    "storage")),
            Map.entry("api.attachment", Set.of("api.web", "domain", "domain.attachment", "provisioning.attachment",
                    "provisioning.machine")),
            Map.entry("api.audit", Set.of("api.web", "domain.audit", "provisioning.audit")),
            Map.entry("api.event", Set.of("api.web", "provisioning.event")),
            Map.entry("api.export", Set.of("api.web", "provisioning.export", "provisioning.replication")),
            Map.entry("api.fleet", Set.of("api.machine", "api.network", "api.operation", "api.web", "domain",
                    "domain.attachment", "domain.fleet", "domain.machine", "domain.node", "domain.operation", "provisioning.fleet", "provisioning.machine",
                    "provisioning.network")),
            Map.entry("api.host", Set.of("domain.network", "hypervisor", "provisioning.guest", "provisioning.network")),
            Map.entry("api.forwarding", Set.of("api.web", "provisioning", "provisioning.replication")),
            Map.entry("api.image", Set.of("api.operation", "api.web", "domain", "domain.image", "domain.operation",
                    "provisioning.image", "provisioning.replication", "storage")),
            Map.entry("api.internal", Set.of("provisioning.export", "provisioning.fleet", "provisioning.nodeloss",
                    "provisioning.replication")),
            Map.entry("api.machine", Set.of("api.attachment", "api.network", "api.web", "domain.machine",
                    "provisioning.guest", "provisioning.machine", "provisioning.node", "provisioning.nodeloss")),
            Map.entry("api.network", Set.of("domain.network", "provisioning.network")),
            Map.entry("api.node", Set.of("domain.node", "provisioning.node")),
            Map.entry("api.operation", Set.of("api.web", "domain", "domain.operation", "provisioning.operation")),
            Map.entry("api.security", Set.of("api.web", "domain.audit", "domain.token", "provisioning.audit",
                    "provisioning.replication", "provisioning.token")),
            Map.entry("api.snapshot", Set.of("api.web", "domain.snapshot", "provisioning.snapshot")),
            Map.entry("api.storage", Set.of("provisioning.image")),
            Map.entry("api.token", Set.of("api.web", "domain.token", "provisioning.token")),
            Map.entry("api.warmup", Set.of("api.security")),

            Map.entry("provisioning", Set.of("domain", "domain.image", "nbd", "storage")),
            Map.entry("provisioning.attachment", Set.of("domain", "domain.attachment", "domain.image", "domain.machine",
                    "hypervisor", "provisioning", "provisioning.metrics", "storage")),
            Map.entry("provisioning.audit", Set.of("domain.audit", "provisioning")),
            Map.entry("provisioning.event", Set.of("domain.event", "hypervisor", "provisioning")),
            Map.entry("provisioning.export", Set.of("domain", "domain.image", "domain.machine", "nbd", "provisioning",
                    "provisioning.attachment", "provisioning.image", "provisioning.metrics", "storage")),
            Map.entry("provisioning.fleet", Set.of("domain", "domain.attachment", "domain.fleet", "domain.image",
                    "domain.machine", "domain.network", "domain.node", "domain.operation", "provisioning",
                    "provisioning.event", "provisioning.image", "provisioning.machine", "provisioning.network", "provisioning.node",
                    "provisioning.operation", "provisioning.replication", "storage")),
            Map.entry("provisioning.guest", Set.of("domain", "domain.attachment", "domain.image", "domain.machine",
                    "domain.network", "hypervisor", "hypervisor.none", "hypervisor.qemu", "hypervisor.seed",
                    "provisioning", "provisioning.event", "provisioning.export", "provisioning.network", "storage")),
            Map.entry("provisioning.idempotency", Set.of("provisioning")),
            Map.entry("provisioning.image", Set.of("domain", "domain.image", "domain.operation", "provisioning",
                    "provisioning.operation", "storage")),
            Map.entry("provisioning.machine", Set.of("domain", "domain.attachment", "domain.event", "domain.image", "domain.machine",
                    "domain.network", "domain.snapshot", "provisioning", "provisioning.attachment", "provisioning.event",
                    "provisioning.guest", "provisioning.metrics", "provisioning.network", "provisioning.node",
                    "provisioning.replication", "provisioning.snapshot", "storage")),
            Map.entry("provisioning.metrics", Set.of("domain.fleet", "domain.image", "domain.machine", "storage")),
            Map.entry("provisioning.network", Set.of("domain", "domain.network", "provisioning")),
            Map.entry("provisioning.node", Set.of("domain", "domain.machine", "domain.node", "provisioning",
                    "provisioning.guest")),
            Map.entry("provisioning.operation", Set.of("domain", "domain.event", "domain.operation", "provisioning",
                    "provisioning.event", "provisioning.metrics")),
            Map.entry("provisioning.recovery", Set.of("provisioning.idempotency", "provisioning", "provisioning.fleet",
                    "provisioning.guest", "provisioning.image", "provisioning.node", "provisioning.nodeloss",
                    "provisioning.operation")),
            Map.entry("provisioning.nodeloss", Set.of("domain", "domain.attachment", "domain.image", "domain.machine",
                    "domain.node", "provisioning", "provisioning.event", "provisioning.guest", "provisioning.machine",
                    "provisioning.node", "provisioning.replication", "storage")),
            Map.entry("provisioning.replication", Set.of("domain", "domain.attachment", "domain.image", "domain.machine", "domain.node", "domain.operation",
                    "provisioning", "provisioning.export", "provisioning.image", "provisioning.metrics",
                    "provisioning.node", "provisioning.operation", "storage")),
            Map.entry("provisioning.snapshot", Set.of("domain", "domain.attachment", "domain.image", "domain.machine",
                    "domain.snapshot", "provisioning", "provisioning.attachment", "storage")),
            Map.entry("provisioning.token", Set.of("domain", "domain.token")),

            Map.entry("domain", Set.of()),
            Map.entry("domain.attachment", Set.of("domain", "domain.image", "domain.machine", "storage")),
            Map.entry("domain.audit", Set.of()),
            Map.entry("domain.event", Set.of("domain", "domain.attachment", "domain.fleet", "domain.image",
                    "domain.machine", "domain.snapshot")),
            Map.entry("domain.fleet", Set.of("domain", "domain.machine", "domain.network", "domain.node")),
            Map.entry("domain.image", Set.of("domain", "storage")),
            Map.entry("domain.machine", Set.of("domain", "domain.network")),
            Map.entry("domain.network", Set.of("domain")),
            Map.entry("domain.node", Set.of("domain")),
            Map.entry("domain.operation", Set.of("domain")),
            Map.entry("domain.snapshot", Set.of("domain", "domain.attachment", "domain.image", "domain.machine",
                    "storage")),
            Map.entry("domain.token", Set.of()),

            // engines: the storage core, and nothing else of the project
            Map.entry("storage", Set.of()),
            Map.entry("storage.qcow2", Set.of("storage")),
            Map.entry("storage.raw", Set.of("storage")),
            Map.entry("storage.vdi", Set.of("storage")),
            Map.entry("nbd", Set.of("storage")),
            Map.entry("hypervisor", Set.of("hypervisor.seed", "storage")),
            Map.entry("hypervisor.none", Set.of("hypervisor", "storage")),
            Map.entry("hypervisor.qemu", Set.of("hypervisor", "hypervisor.seed", "storage")),
            Map.entry("hypervisor.seed", Set.of("storage")));

    private static final String ROOT = "dev.diskfleet";

    private DeclaredDependencies() {
    }

    /** Every project package a class uses is one its package declares. */
    static ArchCondition<JavaClass> useOnlyDeclaredPackages() {
        return new ArchCondition<>("use only the project packages declared for their package in DeclaredDependencies") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String from = relative(item.getPackageName());
                Set<String> allowed = ALLOWED.get(from);
                if (allowed == null) {
                    events.add(SimpleConditionEvent.violated(item, "package '" + from + "' of " + item.getName()
                            + " is not declared in DeclaredDependencies.ALLOWED"));
                    return;
                }
                for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                    String target = dependency.getTargetClass().getBaseComponentType().getPackageName();
                    if (!isProject(target)) {
                        continue;
                    }
                    String to = relative(target);
                    if (!to.equals(from) && !allowed.contains(to)) {
                        events.add(SimpleConditionEvent.violated(dependency, "'" + from + "' uses undeclared '" + to
                                + "': " + dependency.getDescription()));
                    }
                }
            }
        };
    }

    static boolean isProject(String packageName) {
        return packageName.equals(ROOT) || packageName.startsWith(ROOT + ".");
    }

    static String relative(String packageName) {
        return packageName.equals(ROOT) ? "" : packageName.substring(ROOT.length() + 1);
    }
}

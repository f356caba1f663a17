package dev.diskfleet;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormat;
import dev.diskfleet.storage.ImageStore;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.data.repository.Repository;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Service;

/**
 * The package structure docs/architecture.md describes, kept by the build: dependencies run one way
 * (api → provisioning → domain → storage), each package uses only what {@link DeclaredDependencies} lists for
 * it, no package cycle, engines use the JDK and the storage core only, storage drivers independent of each
 * other, files changed only by provisioning, HTTP types only in the HTTP layer, the HTTP layer calls
 * provisioning rather than engines or domain services, no path or file handle from the store outside the
 * engines but in the one place each is documented for. {@code ArchitectureRulesFailTest} shows each rule
 * failing on a class that breaks it.
 */
@AnalyzeClasses(packages = "dev.diskfleet", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] ENGINES = {"dev.diskfleet.storage..", "dev.diskfleet.nbd..",
        "dev.diskfleet.hypervisor.."};
    /** ImageStore's methods that change files; the rest only read. */
    private static final Set<String> MUTATING = Set.of("create", "createDifferencing", "clone", "importImage",
            "delete", "reset", "write", "mergeIntoParent", "mergeIntoParentKeepingChild", "deleteMergedChild",
            "mergeIntoParentRelinking", "bypassParent",
            "removeTemporaryFiles", "deleteUnownedFile");

    /** Every package is its own slice: no two packages may depend on each other, directly or around a loop. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.diskfleet.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule layersRunOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Api").definedBy("dev.diskfleet.api..")
            .layer("Provisioning").definedBy("dev.diskfleet.provisioning..")
            .layer("Domain").definedBy("dev.diskfleet.domain..")
            .layer("Engines").definedBy(ENGINES)
            .whereLayer("Api").mayNotBeAccessedByAnyLayer()
            .whereLayer("Provisioning").mayOnlyBeAccessedByLayers("Api")
            .whereLayer("Domain").mayOnlyBeAccessedByLayers("Api", "Provisioning")
            .whereLayer("Engines").mayOnlyBeAccessedByLayers("Api", "Provisioning", "Domain", "Engines");

    /** What each package-info says a package is for, it may use only what DeclaredDependencies lists for it. */
    @ArchTest
    static final ArchRule everyPackageUsesOnlyWhatItDeclares = classes().that().resideInAPackage("dev.diskfleet..")
            .should(DeclaredDependencies.useOnlyDeclaredPackages());

    /**
     * Engines are plain Java: the JDK (with its {@code com.sun.nio.file} and {@code jdk.net} extensions) and the
     * storage core, no library and no other engine; each engine's own packages besides.
     */
    @ArchTest
    static final ArchRule storageUsesTheJdkOnly = classes().that().resideInAPackage("dev.diskfleet.storage..")
            .should().onlyDependOnClassesThat(jdkOr("dev.diskfleet.storage.."));

    @ArchTest
    static final ArchRule nbdUsesTheJdkAndStorageOnly = classes().that().resideInAPackage("dev.diskfleet.nbd..")
            .should().onlyDependOnClassesThat(jdkOr("dev.diskfleet.nbd..", "dev.diskfleet.storage"));

    @ArchTest
    static final ArchRule hypervisorUsesTheJdkAndStorageOnly = classes()
            .that().resideInAPackage("dev.diskfleet.hypervisor..")
            .should().onlyDependOnClassesThat(jdkOr("dev.diskfleet.hypervisor..", "dev.diskfleet.storage"));

    /**
     * The HTTP layer calls provisioning: it may read engines' values (exceptions it maps to problems, records it
     * renders) but calls no engine code and no domain service or repository.
     */
    @ArchTest
    static final ArchRule apiCallsProvisioningNotDomainServicesOrEngines = noClasses()
            .that().resideInAPackage("dev.diskfleet.api..")
            .should().callCodeUnitWhere(describe("the target is engine code or a domain service",
                    (JavaCall<?> call) -> isEngineCode(call.getTargetOwner()) || isDomainService(call.getTargetOwner())))
            .orShould().dependOnClassesThat(describe("are domain services or repositories",
                    ArchitectureTest::isDomainService));

    static DescribedPredicate<JavaClass> jdkOr(String... projectPackages) {
        String[] packages = Stream.concat(Stream.of("java..", "javax.net..", "javax.security..", "jdk.net..",
                "com.sun.nio.file.."), Stream.of(projectPackages)).toArray(String[]::new);
        return describe("are the JDK's or in " + String.join(", ", projectPackages),
                type -> JavaClass.Predicates.resideInAnyPackage(packages).test(type.getBaseComponentType())
                        || type.getBaseComponentType().isPrimitive());
    }

    static boolean isEngineCode(JavaClass owner) {
        String name = owner.getPackageName();
        boolean engine = Stream.of("dev.diskfleet.storage", "dev.diskfleet.nbd", "dev.diskfleet.hypervisor")
                .anyMatch(e -> name.equals(e) || name.startsWith(e + "."));
        return engine && !owner.isRecord() && !owner.isEnum() && !owner.isAssignableTo(Throwable.class);
    }

    static boolean isDomainService(JavaClass owner) {
        String name = owner.getPackageName();
        boolean domain = name.equals("dev.diskfleet.domain") || name.startsWith("dev.diskfleet.domain.");
        return domain && (owner.isAnnotatedWith(Service.class) || owner.isAnnotatedWith(Component.class)
                || owner.isAnnotatedWith(org.springframework.stereotype.Repository.class)
                || owner.isAssignableTo(Repository.class));
    }

    @ArchTest
    static final ArchRule storageDriversDoNotKnowEachOther = slices()
            .matching("dev.diskfleet.storage.(vdi|qcow2|raw)..").should().notDependOnEachOther();

    /** Drivers register themselves; the core names none of them (QEMU's block_init). */
    @ArchTest
    static final ArchRule storageCoreNamesNoDriver = classes()
            .that().resideInAPackage("dev.diskfleet.storage").should(nameNoDriver());

    private static ArchCondition<JavaClass> nameNoDriver() {
        return new ArchCondition<>("depend on no storage driver") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                    if (isDriver(dependency.getTargetClass())) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean isDriver(JavaClass type) {
        String name = type.getPackageName();
        return name.startsWith("dev.diskfleet.storage.vdi") || name.startsWith("dev.diskfleet.storage.qcow2")
                || name.startsWith("dev.diskfleet.storage.raw");
    }

    @ArchTest
    static final ArchRule onlyProvisioningChangesImageFiles = noClasses()
            .that().resideOutsideOfPackages("dev.diskfleet.provisioning..", "dev.diskfleet.storage..")
            .should().callMethodWhere(describe("a method of ImageStore that changes files",
                    (JavaMethodCall call) -> call.getTargetOwner().isEquivalentTo(ImageStore.class)
                            && MUTATING.contains(call.getName())));

    /**
     * Callers speak to the store in image UUIDs. The two ImageStore methods that hand out a file (a path or a
     * chain of open files) exist for one engine each and are called from one place each: the guest's disk
     * description, since QEMU opens the file itself, and the NBD exports, since the server does guest I/O on
     * the chain. Any other ImageStore method that returned a path or a handle would break this rule wherever
     * it is called outside the engines.
     */
    @ArchTest
    static final ArchRule onlyTheEnginesDoorsReachImageFiles = noClasses()
            .that().resideOutsideOfPackages(ENGINES)
            .should().callMethodWhere(describe("an ImageStore method that hands out a path or a file handle, outside"
                    + " the one place documented for it", ArchitectureTest::reachesAnImageFile));

    /** Where each of the store's file-handing methods may be called from outside the engines. */
    private static final Map<String, String> FILE_DOORS = Map.of(
            "fileForHypervisor", "dev.diskfleet.provisioning.guest.GuestSpecs",
            "chainForNbdExport", "dev.diskfleet.provisioning.export.ExportService");

    static boolean reachesAnImageFile(JavaMethodCall call) {
        if (!call.getTargetOwner().isEquivalentTo(ImageStore.class)) {
            return false;
        }
        JavaMethod target = call.getTarget().resolveMember().orElse(null);
        JavaClass returned = call.getTarget().getRawReturnType();
        boolean handsOutAFile = Stream.concat(Stream.of(returned), target == null ? Stream.empty()
                        : target.getReturnType().getAllInvolvedRawTypes().stream())
                .anyMatch(type -> Stream.of(Path.class, Chain.class, ImageFile.class, ImageFormat.class,
                        FileChannel.class).anyMatch(type::isAssignableTo));
        String caller = call.getOriginOwner().getName().replaceFirst("\\$.*", "");
        return handsOutAFile && !caller.equals(FILE_DOORS.get(call.getName()));
    }

    @ArchTest
    static final ArchRule controllersTouchNeitherRepositoriesNorTheStore = noClasses()
            .that().haveSimpleNameEndingWith("Controller")
            .should().dependOnClassesThat().haveSimpleNameEndingWith("Repository")
            .orShould().dependOnClassesThat().areAssignableTo(ImageStore.class);

    @ArchTest
    static final ArchRule httpTypesStayInTheHttpLayer = noClasses()
            .that().resideOutsideOfPackage("dev.diskfleet.api..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.http..",
                    "org.springframework.web..", "org.springframework.boot.web..", "jakarta.servlet..");
}

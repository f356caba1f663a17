package dev.diskfleet;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.diskfleet.storage.ImageStore;
import java.util.Set;

/**
 * The package structure the README describes, kept by the build: dependencies run one way
 * (api → provisioning → domain → storage), no package cycle, engines free of Spring and JPA, storage
 * drivers independent of each other, files changed only by provisioning, HTTP types only in the HTTP layer.
 */
@AnalyzeClasses(packages = "dev.diskfleet", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] ENGINES = {"dev.diskfleet.storage..", "dev.diskfleet.nbd..",
        "dev.diskfleet.hypervisor.."};
    /** ImageStore's methods that change files; the rest only read. */
    private static final Set<String> MUTATING = Set.of("create", "createDifferencing", "clone", "importImage",
            "delete", "reset", "write", "mergeIntoParent", "mergeIntoParentKeepingChild", "deleteMergedChild",
            "mergeIntoParentRelinking", "bypassParent",
            "removeTemporaryFiles");

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

    @ArchTest
    static final ArchRule enginesUseNoFrameworkAndNoProjectCodeButStorage = noClasses()
            .that().resideInAnyPackage(ENGINES)
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta..", "javax.persistence..",
                    "org.hibernate..", "dev.diskfleet.api..", "dev.diskfleet.provisioning..", "dev.diskfleet.domain..")
            .orShould().dependOnClassesThat().resideInAPackage("dev.diskfleet")
            .allowEmptyShould(true);

    @ArchTest
    static final ArchRule storageDriversDoNotKnowEachOther = slices()
            .matching("dev.diskfleet.storage.(vdi|qcow2|raw)..").should().notDependOnEachOther();

    /** Drivers register themselves; the core names none of them (QEMU's block_init). */
    @ArchTest
    static final ArchRule storageCoreNamesNoDriver = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
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

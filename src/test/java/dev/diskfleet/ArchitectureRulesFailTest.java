package dev.diskfleet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Each architecture rule fails on a class that breaks it: the fixtures (test classes named ArchFixture*, left
 * out of ArchitectureTest's own import) sit in the packages whose rules they break. A rule that cannot fail
 * would pass here too, and this test would not.
 */
class ArchitectureRulesFailTest {

    private static final JavaClasses FIXTURES = new ClassFileImporter().importClasses(
            classOf("dev.diskfleet.storage.ArchFixtureStorageUsingSpring"),
            classOf("dev.diskfleet.nbd.ArchFixtureNbdUsingHypervisor"),
            classOf("dev.diskfleet.domain.image.ArchFixtureImageUsingTokens"),
            classOf("dev.diskfleet.api.image.ArchFixtureApiCallingTheStore"),
            classOf("dev.diskfleet.provisioning.image.ArchFixtureProvisioningOpeningImageFiles"),
            classOf("dev.diskfleet.archfixture.ArchFixtureUndeclaredPackage"));

    @Test
    void anEngineUsingALibraryFails() {
        assertFails(ArchitectureTest.storageUsesTheJdkOnly, "ArchFixtureStorageUsingSpring",
                "org.springframework.util.StringUtils");
    }

    @Test
    void anEngineUsingAnotherEngineFails() {
        assertFails(ArchitectureTest.nbdUsesTheJdkAndStorageOnly, "ArchFixtureNbdUsingHypervisor",
                "dev.diskfleet.hypervisor.RunDirectory");
        assertFails(ArchitectureTest.everyPackageUsesOnlyWhatItDeclares, "'nbd' uses undeclared 'hypervisor'");
    }

    @Test
    void aPackageUsingOneItDoesNotDeclareFails() {
        assertFails(ArchitectureTest.everyPackageUsesOnlyWhatItDeclares, "'domain.image' uses undeclared 'domain.token'");
    }

    @Test
    void aPackageNobodyDeclaredFails() {
        assertFails(ArchitectureTest.everyPackageUsesOnlyWhatItDeclares,
                "package 'archfixture' of dev.diskfleet.archfixture.ArchFixtureUndeclaredPackage is not declared");
    }

    @Test
    void theHttpLayerCallingAnEngineFails() {
        assertFails(ArchitectureTest.apiCallsProvisioningNotDomainServicesOrEngines, "ArchFixtureApiCallingTheStore",
                "dev.diskfleet.storage.ImageStore.exists");
    }

    @Test
    void reachingAnImageFileOutsideItsDocumentedPlaceFails() {
        assertFails(ArchitectureTest.onlyTheEnginesDoorsReachImageFiles, "ArchFixtureProvisioningOpeningImageFiles",
                "dev.diskfleet.storage.ImageStore.fileForHypervisor", "dev.diskfleet.storage.ImageStore.chainForNbdExport");
    }

    private static void assertFails(ArchRule rule, String... mentions) {
        assertThatThrownBy(() -> rule.check(FIXTURES)).isInstanceOf(AssertionError.class).hasMessageContainingAll(mentions);
    }

    private static Class<?> classOf(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("fixture " + name + " is missing", e);
        }
    }
}

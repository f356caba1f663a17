package dev.diskfleet.hypervisor.none;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.hypervisor.Accelerator;
import dev.diskfleet.hypervisor.Hypervisor;
import dev.diskfleet.hypervisor.HypervisorContractTest;
import org.junit.jupiter.api.Test;

class RecordsOnlyHypervisorContractTest extends HypervisorContractTest {

    @Override
    protected Hypervisor newDriver() {
        return new RecordsOnlyHypervisor();
    }

    @Test
    void runsNothingSoHasNoAcceleratorAndNoVersion() {
        assertThat(driver().host().accelerator()).isEqualTo(Accelerator.NONE);
        assertThat(driver().host().hypervisorVersion()).isEmpty();
    }
}

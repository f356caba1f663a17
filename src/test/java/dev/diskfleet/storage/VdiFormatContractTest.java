package dev.diskfleet.storage;

import java.util.Set;

/** The vdi driver against {@link ImageFormatContractTest}. */
class VdiFormatContractTest extends ImageFormatContractTest {

    @Override
    protected String formatName() {
        return "vdi";
    }

    @Override
    protected boolean promisesDifferencing() {
        return true;
    }

    @Override
    protected Set<Variant> variants() {
        return Set.of(Variant.DYNAMIC, Variant.FIXED);
    }

    @Override
    protected boolean keepsAnyByteSize() {
        return true;
    }

    @Override
    protected boolean qemuOpensDifferencingFiles() {
        return false;
    }

    @Override
    protected int unitSize() {
        return 1 << 20;
    }

    @Override
    protected boolean recordsVariant() {
        return true;
    }
}

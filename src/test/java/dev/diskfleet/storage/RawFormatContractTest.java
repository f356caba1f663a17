package dev.diskfleet.storage;

import java.util.Set;

/** The raw driver against {@link ImageFormatContractTest}. */
class RawFormatContractTest extends ImageFormatContractTest {

    @Override
    protected String formatName() {
        return "raw";
    }

    @Override
    protected boolean promisesDifferencing() {
        return false;
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
        return false;
    }
}

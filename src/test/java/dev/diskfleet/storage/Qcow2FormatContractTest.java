package dev.diskfleet.storage;

import java.util.Set;

/** The qcow2 driver against {@link ImageFormatContractTest}. */
class Qcow2FormatContractTest extends ImageFormatContractTest {

    @Override
    protected String formatName() {
        return "qcow2";
    }

    @Override
    protected boolean promisesDifferencing() {
        return true;
    }

    @Override
    protected Set<Variant> variants() {
        return Set.of(Variant.DYNAMIC);
    }

    @Override
    protected boolean keepsAnyByteSize() {
        return false;
    }

    @Override
    protected boolean qemuOpensDifferencingFiles() {
        return true;
    }

    @Override
    protected int unitSize() {
        return 64 * 1024;
    }

    @Override
    protected boolean recordsVariant() {
        return true;
    }
}

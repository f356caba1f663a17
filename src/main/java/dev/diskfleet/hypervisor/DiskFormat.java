package dev.diskfleet.hypervisor;

/** Image formats a hypervisor opens directly; VDI chains reach a guest through an NBD export instead. */
public enum DiskFormat {
    QCOW2("qcow2"),
    RAW("raw");

    private final String qemuDriver;

    DiskFormat(String qemuDriver) {
        this.qemuDriver = qemuDriver;
    }

    /** The name QEMU's block layer gives the format driver. */
    public String qemuDriver() {
        return qemuDriver;
    }
}

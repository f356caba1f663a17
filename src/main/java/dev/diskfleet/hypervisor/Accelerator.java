package dev.diskfleet.hypervisor;

/** How guest code is executed. */
public enum Accelerator {
    /** Hardware virtualisation through /dev/kvm. */
    KVM,
    /** QEMU's instruction translator: works everywhere, several times slower. */
    TCG,
    /** Nothing runs (the {@code none} driver). */
    NONE
}

package dev.diskfleet.storage.qcow2;

/**
 * What a host cluster of a qcow2 file holds, as the check finds it referenced. A cluster holds one kind
 * of thing: metadata is never shared, and only L2 tables and data may be named more than once (by
 * internal snapshots, which share them with the active image). QEMU refuses writes that would break this
 * ({@code qcow2_check_metadata_overlap}); for an untrusted file it is checked before it is used at all.
 */
enum ClusterUse {
    HEADER("the header", false),
    L1_TABLE("an L1 table", false),
    REFCOUNT_TABLE("the refcount table", false),
    REFCOUNT_BLOCK("a refcount block", false),
    SNAPSHOT_TABLE("the snapshot table", false),
    L2_TABLE("an L2 table", true),
    DATA("data", true),
    COMPRESSED_DATA("compressed data", true);

    private static final ClusterUse[] VALUES = values();

    final String label;
    final boolean shareable;

    ClusterUse(String label, boolean shareable) {
        this.label = label;
        this.shareable = shareable;
    }

    /** The code stored per cluster: 0 means "not referenced yet". */
    byte code() {
        return (byte) (ordinal() + 1);
    }

    static ClusterUse of(byte code) {
        return VALUES[code - 1];
    }
}

package dev.diskfleet.storage;

/** What one allocation unit (a VDI block, a qcow2 cluster) of one image file holds. */
public enum UnitState {
    /** The file stores this unit's bytes. */
    DATA,
    /** The file records this unit as zeros: reads give zeros and do not fall through to a parent. */
    ZERO,
    /** The file knows nothing of this unit: reads fall through to the parent, or give zeros without one. */
    ABSENT
}

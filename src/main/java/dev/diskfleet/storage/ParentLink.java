package dev.diskfleet.storage;

import java.util.UUID;

/**
 * How a differencing image names its parent. VDI links by UUID (the parent's creation UUID), qcow2 by a
 * backing file name; exactly one of the two is set.
 */
public record ParentLink(UUID parentId, String backingFileName) {

    public static ParentLink byId(UUID parentId) {
        return new ParentLink(parentId, null);
    }

    public static ParentLink byFileName(String backingFileName) {
        return new ParentLink(null, backingFileName);
    }
}

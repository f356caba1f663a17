package dev.diskfleet.storage.vdi;

/** The {@code type} field of a VDI header (VirtualBox's {@code VDI_IMAGE_TYPE}). */
enum VdiImageType {
    NORMAL(1),
    FIXED(2),
    UNDO(3),
    DIFF(4);

    final int code;

    VdiImageType(int code) {
        this.code = code;
    }

    static VdiImageType of(int code) {
        for (VdiImageType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}

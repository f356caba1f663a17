package dev.diskfleet.nbd;

/** What the handshake settled for the transmission phase. */
record Session(Export export, boolean structuredReplies, boolean blockStatus) {

    int transmissionFlags() {
        BlockDevice device = export.device();
        int flags = Protocol.FLAG_HAS_FLAGS | Protocol.FLAG_SEND_FLUSH | Protocol.FLAG_SEND_FUA
                | Protocol.FLAG_CAN_MULTI_CONN;
        if (!device.writable()) {
            return flags | Protocol.FLAG_READ_ONLY;
        }
        if (device.canTrim()) {
            flags |= Protocol.FLAG_SEND_TRIM;
        }
        if (device.canWriteZeroes()) {
            flags |= Protocol.FLAG_SEND_WRITE_ZEROES;
        }
        return flags;
    }
}

package dev.diskfleet.storage.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * VirtualBox stores an {@code RTUUID} in x86 memory order: the first three fields little-endian, the
 * last eight bytes as written in the text form. Getting this wrong makes VirtualBox show a different
 * UUID than our API does.
 */
final class VdiUuids {

    static final UUID NIL = new UUID(0, 0);

    private VdiUuids() {
    }

    static UUID read(ByteBuffer buf, int offset) {
        ByteBuffer le = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long timeLow = Integer.toUnsignedLong(le.getInt(offset));
        long timeMid = Short.toUnsignedLong(le.getShort(offset + 4));
        long timeHigh = Short.toUnsignedLong(le.getShort(offset + 6));
        long most = (timeLow << 32) | (timeMid << 16) | timeHigh;
        long least = buf.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(offset + 8);
        return new UUID(most, least);
    }

    static void write(ByteBuffer buf, int offset, UUID uuid) {
        ByteBuffer le = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long most = uuid.getMostSignificantBits();
        le.putInt(offset, (int) (most >>> 32));
        le.putShort(offset + 4, (short) (most >>> 16));
        le.putShort(offset + 6, (short) most);
        buf.duplicate().order(ByteOrder.BIG_ENDIAN).putLong(offset + 8, uuid.getLeastSignificantBits());
    }
}

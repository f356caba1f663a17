package dev.diskfleet.domain.attachment;

import java.util.UUID;

/**
 * What a caller asks to attach: an image into a port/device slot, and for an immutable image whether
 * the machine's own differencing disk is emptied at power-on ({@code null}: the default, yes).
 */
public record AttachmentPlan(UUID imageId, int port, int device, Boolean autoReset) {

    public static final int MAX_PORT = 29;
    public static final int MAX_DEVICE = 1;
}

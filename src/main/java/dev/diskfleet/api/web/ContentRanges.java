package dev.diskfleet.api.web;

/**
 * The rule every content read shares (image content and guest disk data) for {@code If-Range}: content
 * answers carry no validator (no ETag, no Last-Modified: a disk changes under guest writes without its
 * row's version changing), so no If-Range can match the current representation, and RFC 9110 §13.1.5 then
 * says to ignore the Range and send the whole content (200).
 */
public final class ContentRanges {

    private ContentRanges() {
    }

    /** The Range header to serve, or null when an If-Range voids it. */
    public static String effectiveRange(String range, String ifRange) {
        return ifRange == null ? range : null;
    }
}

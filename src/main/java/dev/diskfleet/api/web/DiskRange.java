package dev.diskfleet.api.web;

import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.RangeNotSatisfiableException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte range of a disk, parsed from HTTP's {@code Range} (reads of image content and of a guest's disk)
 * or {@code Content-Range} (guest writes), RFC 9110 §14. One rule for every read: a {@code Range} that is
 * not one syntactically valid byte range is ignored and the whole content is sent (200), as RFC 9110 lets a
 * server do; a valid range that lies outside the content is 416. A write's {@code Content-Range} says where
 * bytes go, so it must be valid: anything else is 400.
 */
public record DiskRange(long offset, long length, long diskSize) {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,19})-(\\d{1,19})/(\\*|\\d{1,19})");

    public long last() {
        return offset + length - 1;
    }

    public boolean whole() {
        return offset == 0 && length == diskSize;
    }

    /** The value of a {@code Content-Range} response header for this range. */
    public String contentRange() {
        return "bytes " + offset + "-" + last() + "/" + diskSize;
    }

    /**
     * The one range {@code header} asks for, clipped to the disk as RFC 9110 says; empty to send the whole
     * disk: no header, or one that is not a single syntactically valid byte range (another unit, several
     * ranges, a range that ends before it starts), which RFC 9110 §14.2 lets a server ignore.
     *
     * @throws RangeNotSatisfiableException for a valid range that lies wholly outside the disk (416)
     */
    public static Optional<DiskRange> ofRangeHeader(String header, long diskSize) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return Optional.empty();
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || diskSize == 0) {
                    throw unsatisfiable("Range '" + header + "' asks for the last 0 bytes", diskSize);
                }
                long length = Math.min(suffix, diskSize);
                return Optional.of(new DiskRange(diskSize - length, length, diskSize));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (last < first) {
                return Optional.empty();
            }
            if (first >= diskSize) {
                throw unsatisfiable("Range '" + header + "' starts at or past the end of the " + diskSize
                        + "-byte content; ask for bytes between 0 and " + (diskSize - 1), diskSize);
            }
            return Optional.of(new DiskRange(first, Math.min(last, diskSize - 1) - first + 1, diskSize));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** {@code bytes first-last/*} or {@code bytes first-last/size}; the range must lie inside the disk. */
    public static DiskRange ofContentRange(String header, long diskSize) {
        if (header == null || header.isBlank()) {
            throw malformed("a Content-Range header is required: bytes first-last/* with a body of"
                    + " last-first+1 bytes");
        }
        Matcher m = CONTENT_RANGE.matcher(header.trim());
        if (!m.matches()) {
            throw malformed("Content-Range '" + header + "' is not of the form bytes first-last/* or"
                    + " bytes first-last/size");
        }
        long first = parse(m.group(1), header);
        long last = parse(m.group(2), header);
        if (last < first) {
            throw malformed("Content-Range '" + header + "' ends before it starts");
        }
        if (!m.group(3).equals("*") && parse(m.group(3), header) != diskSize) {
            throw unsatisfiable("Content-Range '" + header + "' names a disk of " + m.group(3) + " bytes, but this"
                    + " disk is " + diskSize + " bytes", diskSize);
        }
        if (last >= diskSize) {
            throw unsatisfiable("Content-Range '" + header + "' ends past the end of the " + diskSize
                    + "-byte disk (the last byte is " + (diskSize - 1) + ")", diskSize);
        }
        return new DiskRange(first, last - first + 1, diskSize);
    }

    private static long parse(String digits, String header) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw malformed("'" + header + "' holds a number too large for a disk offset");
        }
    }

    private static InvalidRequestException malformed(String detail) {
        return new InvalidRequestException("malformed-range", detail);
    }

    private static RangeNotSatisfiableException unsatisfiable(String detail, long diskSize) {
        return new RangeNotSatisfiableException(detail, diskSize);
    }
}

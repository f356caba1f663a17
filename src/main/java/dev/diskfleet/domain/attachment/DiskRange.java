package dev.diskfleet.domain.attachment;

import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.RangeNotSatisfiableException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte range of a guest's disk, parsed from HTTP's {@code Range} (reads) or {@code Content-Range}
 * (writes), RFC 9110 §14. Stricter than a download's range: a script seeding or inspecting a disk should
 * hear about a mistyped range, so syntax errors are 400 (never "the whole disk instead"), and a
 * well-formed range that does not fit the disk is 416.
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

    /** The whole disk when {@code header} is null; else its one range, clipped to the disk as RFC 9110 says. */
    public static DiskRange ofRangeHeader(String header, long diskSize) {
        if (header == null) {
            return new DiskRange(0, diskSize, diskSize);
        }
        String value = header.trim();
        if (value.contains(",")) {
            throw malformed("Range '" + header + "' asks for several ranges; ask for one range per request");
        }
        Matcher m = RANGE.matcher(value);
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            throw malformed("Range '" + header + "' is not of the form bytes=first-last, bytes=first- or bytes=-suffix");
        }
        if (m.group(1).isEmpty()) {
            long suffix = parse(m.group(2), header);
            if (suffix == 0) {
                throw unsatisfiable("Range '" + header + "' asks for the last 0 bytes", diskSize);
            }
            long length = Math.min(suffix, diskSize);
            return new DiskRange(diskSize - length, length, diskSize);
        }
        long first = parse(m.group(1), header);
        long last = m.group(2).isEmpty() ? Long.MAX_VALUE : parse(m.group(2), header);
        if (last < first) {
            throw malformed("Range '" + header + "' ends before it starts");
        }
        if (first >= diskSize) {
            throw unsatisfiable("Range '" + header + "' starts at or past the end of the " + diskSize
                    + "-byte disk", diskSize);
        }
        return new DiskRange(first, Math.min(last, diskSize - 1) - first + 1, diskSize);
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

package dev.diskfleet.api.web;

import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * One byte range of a resource of known length, from an HTTP {@code Range} header (RFC 9110 §14.1.2):
 * {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}. Several ranges in one header are not served
 * (the whole content is answered instead, which the RFC allows); a syntactically valid range that lies
 * wholly outside the content is refused with 416.
 */
public record ByteRange(long first, long last) {

    public long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value for this range of a {@code total}-byte resource. */
    public String contentRange(long total) {
        return "bytes " + first + "-" + last + "/" + total;
    }

    /**
     * @return the single range to serve, or empty to serve everything (no header, an unknown unit,
     *     a malformed or multi-range header: RFC 9110 lets a server ignore those)
     * @throws Unsatisfiable 416 when the range cannot be satisfied
     */
    public static Optional<ByteRange> parse(String header, long total) {
        if (header == null || !header.startsWith("bytes=")) {
            return Optional.empty();
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (spec.contains(",") || dash < 0) {
            return Optional.empty();
        }
        String start = spec.substring(0, dash).trim();
        String end = spec.substring(dash + 1).trim();
        try {
            if (start.isEmpty()) {
                long suffix = parseDigits(end);
                if (suffix == 0 || total == 0) {
                    throw unsatisfiable(header, total);
                }
                return Optional.of(new ByteRange(Math.max(0, total - suffix), total - 1));
            }
            long first = parseDigits(start);
            long last = end.isEmpty() ? Long.MAX_VALUE : parseDigits(end);
            if (last < first) {
                return Optional.empty();
            }
            if (first >= total) {
                throw unsatisfiable(header, total);
            }
            return Optional.of(new ByteRange(first, Math.min(last, total - 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static long parseDigits(String text) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException(text);
        }
        return Long.parseLong(text);
    }

    private static Unsatisfiable unsatisfiable(String header, long total) {
        return new Unsatisfiable("Range '" + header + "' lies outside the " + total
                + "-byte content; ask for bytes between 0 and " + (total - 1), total);
    }

    /** 416; the problem response carries {@code Content-Range: bytes *}{@code /total} as RFC 9110 asks. */
    public static final class Unsatisfiable extends ApiException {

        private final long total;

        Unsatisfiable(String detail, long total) {
            super(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "range-not-satisfiable", "Range not satisfiable",
                    detail);
            this.total = total;
        }

        public String contentRange() {
            return "bytes */" + total;
        }
    }
}

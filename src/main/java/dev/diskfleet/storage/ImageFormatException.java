package dev.diskfleet.storage;

import java.nio.file.Path;

/**
 * A file that is not a valid image of the format it claims: malformed, truncated or hostile. It says which
 * format judged it and what was being read, so a caller can speak of the upload rather than of the hidden
 * file it was streamed into without taking the message apart.
 */
public class ImageFormatException extends StorageException {

    private final String format;
    private final String source;

    /**
     * @param format the driver that refused, or null when none had judged it yet (an upload no driver
     *     recognises, a read that ran off the end of the file)
     * @param source what was being read: the file name (for an upload, the hidden file it was streamed into)
     *     or image UUID, or null; where the message names it, it names it exactly so
     */
    public ImageFormatException(String format, String source, String message) {
        super(message);
        this.format = format;
        this.source = source;
    }

    /** A refusal about {@code file}, its message starting with the file's name as every driver's does. */
    public static ImageFormatException in(String format, Path file, String detail) {
        String name = file.getFileName().toString();
        return new ImageFormatException(format, name, name + ": " + detail);
    }

    /** The format's name ({@code vdi}, {@code qcow2}), or null when no driver had judged the file. */
    public String format() {
        return format;
    }

    /** The file name or image UUID that was read, as the message gives it; null when unknown. */
    public String source() {
        return source;
    }
}

package dev.diskfleet.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The drivers registered on the class path, found through {@link ServiceLoader} the way QEMU's block
 * drivers register themselves: a new format is a new package and one line in
 * {@code META-INF/services/dev.diskfleet.storage.ImageFormat}, and the core never names it.
 */
public final class ImageFormats {

    private static final Comparator<ImageFormat> PROBE_ORDER =
            Comparator.comparingInt(ImageFormat::probeOrder).thenComparing(ImageFormat::name);

    private ImageFormats() {
    }

    /** Every registered driver, in {@link ImageFormat#probeOrder() probe order}. */
    public static List<ImageFormat> installed() {
        return installed(ImageFormat.class.getClassLoader());
    }

    /**
     * @throws StorageException when no driver is registered or two share a name (a file's extension
     *     would then not say which driver opens it)
     */
    public static List<ImageFormat> installed(ClassLoader loader) {
        List<ImageFormat> formats = new ArrayList<>();
        ServiceLoader.load(ImageFormat.class, loader).forEach(formats::add);
        if (formats.isEmpty()) {
            throw new StorageException("no image format driver is registered in META-INF/services/"
                    + ImageFormat.class.getName());
        }
        Set<String> names = new HashSet<>();
        for (ImageFormat format : formats) {
            if (!names.add(format.name())) {
                throw new StorageException("two image format drivers are registered as '" + format.name() + "'");
            }
        }
        formats.sort(PROBE_ORDER);
        return List.copyOf(formats);
    }
}

package dev.diskfleet.provisioning;

import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageRootLock;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One instance per storage root: the lock is taken before the database opens and before the image store
 * exists, so a second process on the same data directory stops before any startup recovery could touch
 * the first one's temporary files, operations, fleets or idempotency claims. The embedded H2 file lives in
 * the same data directory, so this lock covers it too (H2 also locks its file, but its refusal names no
 * holder).
 */
@Configuration(proxyBeanMethods = false)
public class StorageRootLockConfiguration {

    static final String LOCK_BEAN = "storageRootLock";

    @Bean(name = LOCK_BEAN, destroyMethod = "close")
    StorageRootLock storageRootLock(@Value("${diskfleet.storage.root}") Path root) {
        return StorageRootLock.acquire(root);
    }

    @Bean
    static DataSourceAfterLock dataSourceAfterStorageRootLock() {
        return new DataSourceAfterLock();
    }

    @Bean
    static ImageStoreAfterLock imageStoreAfterStorageRootLock() {
        return new ImageStoreAfterLock();
    }

    /** The web server builds its filters (and with them the data source) before ordinary beans: wait for the lock. */
    static final class DataSourceAfterLock extends AbstractDependsOnBeanFactoryPostProcessor {
        DataSourceAfterLock() {
            super(DataSource.class, LOCK_BEAN);
        }
    }

    static final class ImageStoreAfterLock extends AbstractDependsOnBeanFactoryPostProcessor {
        ImageStoreAfterLock() {
            super(ImageStore.class, LOCK_BEAN);
        }
    }
}

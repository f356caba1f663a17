package dev.diskfleet.provisioning;

import dev.diskfleet.storage.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Makes the data folder private (0700, every file in it 0600): guest disks, the database and the admin token
 * are readable by this service's user only, whatever the umask. As a bean factory post-processor it runs
 * before any bean is made, so before H2 creates its file; once the context is up it runs again, to take the
 * umask's mode off the files H2 made meanwhile (the folder already kept them from other users).
 */
@Component
public class PrivateDataFolder implements BeanFactoryPostProcessor, EnvironmentAware,
        ApplicationListener<ContextRefreshedEvent> {

    private Path folder;

    @Override
    public void setEnvironment(Environment environment) {
        folder = Path.of(environment.getRequiredProperty("diskfleet.data-dir"));
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        restrict();
    }

    @Override
    public void onApplicationEvent(ContextRefreshedEvent event) {
        restrict();
    }

    private void restrict() {
        try {
            PrivateFiles.createFolder(folder);
            PrivateFiles.restrictTree(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the data folder " + folder + " private (0700)", e);
        }
    }
}

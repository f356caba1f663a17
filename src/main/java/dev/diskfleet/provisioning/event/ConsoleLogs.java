package dev.diskfleet.provisioning.event;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where a guest's console log is, for the stream's {@code ?console=}. The default is the guests' run
 * directory, {@code <data dir>/guests/<machine id>/console.log}; a hypervisor that keeps it elsewhere
 * provides its own bean.
 */
public interface ConsoleLogs {

    Path consoleLog(UUID machineId);
}

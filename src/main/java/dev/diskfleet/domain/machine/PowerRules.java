package dev.diskfleet.domain.machine;

import dev.diskfleet.domain.ConflictException;

/** The power-state rules every machine change checks, with the 409s that name the machine. */
public final class PowerRules {

    private PowerRules() {
    }

    /** VirtualBox changes attachments, restores snapshots and deletes machines only while powered off. */
    public static void requirePoweredOff(Machine machine, String action) {
        if (machine.isRunning()) {
            throw new ConflictException("machine-running", "cannot " + action + " machine " + machine.label()
                    + " while it is running; stop it first (POST /api/machines/" + machine.getId() + "/stop)");
        }
    }

    public static void requireRunning(Machine machine, String action) {
        if (!machine.isRunning()) {
            throw new ConflictException("machine-powered-off", "cannot " + action + " machine " + machine.label()
                    + ": it is powered off; start it first (POST /api/machines/" + machine.getId() + "/start)");
        }
    }
}

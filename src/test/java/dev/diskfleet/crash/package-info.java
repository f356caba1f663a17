/**
 * The crash harness: the real service as a child process, killed with SIGKILL at named crash
 * points ({@code dev.diskfleet.provisioning.CrashPoints}) and after random delays, killed again inside the
 * startup recovery from such a kill, restarted on the same data directory and checked over HTTP and with
 * {@code qemu-img check}; also the second-instance refusal.
 * Uses the JDK's HTTP client, Jackson and the test support classes; never the service's classes directly.
 */
package dev.diskfleet.crash;

/**
 * Tests that the documentation's commands are true: the README's tour runs as pasted against a service
 * the test starts. Uses the test harness (dev.diskfleet.support) and outside tools (bash, curl, jq,
 * qemu-img) only.
 */
package dev.diskfleet.docs;

/** {@code /api/nodes}: the service processes that share the database, their state and capacity; drain. */
package dev.diskfleet.api.node;

/**
 * {@code /api/machines}: machines, their hardware, node and power actions; and the one refusal of a request for a
 * machine on another node of the cluster ({@code OtherNodeRefusal}).
 */
package dev.diskfleet.api.machine;

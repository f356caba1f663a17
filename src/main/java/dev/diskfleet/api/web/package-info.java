/**
 * What every endpoint shares: problem details (RFC 9457) mapped once from domain, storage and Spring
 * exceptions, ETags and If-Match, single byte ranges (RFC 9110 §14), the Idempotency-Key and raw-body
 * filters, paging records, the OpenAPI front page and the refusals every operation of its shape shares (path
 * ids, bodies, If-Match, Range, Idempotency-Key), documented once.
 */
package dev.diskfleet.api.web;

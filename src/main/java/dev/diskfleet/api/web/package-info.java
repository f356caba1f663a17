/**
 * What every endpoint shares: problem details (RFC 9457) mapped once from domain, storage and Spring
 * exceptions, ETags and If-Match, single byte ranges (RFC 9110 §14), the Idempotency-Key and raw-body
 * filters, paging records and the OpenAPI front page. Uses the domain kernel and storage exceptions;
 * knows no feature.
 */
package dev.diskfleet.api.web;

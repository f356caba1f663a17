/**
 * The HTTP layer: controllers, request and response records, filters, RFC 9457 problem mapping. The only
 * layer that may use Spring MVC, {@code org.springframework.http} or the servlet API. Controllers call
 * provisioning services and map what they return; they touch no repository and no {@code ImageStore}.
 */
package dev.diskfleet.api;

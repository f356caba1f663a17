/**
 * NBD exports over HTTP: {@code POST /api/images/{id}/exports} (an image's chain, read-only), {@code POST
 * /api/machines/{m}/attachments/{a}/exports} (a machine's disk, optionally writable), and {@code
 * /api/exports} to list, read (clients, bytes moved) and delete them.
 */
package dev.diskfleet.api.export;

/**
 * The startup warm-up of the HTTP layer: once the web server is up, the service sends itself a few requests
 * on loopback that change nothing (a fleet deployment that names no image, a body of the wrong type, reads),
 * so that the first client's request meets loaded classes, built serializers and validators and partly
 * compiled code. Uses the security package's one-time credential, nothing else of ours.
 */
package dev.diskfleet.api.warmup;

package dev.diskfleet.nbd;

/** The client broke a MUST of proto.md (bad magic, unknown flags, an absurd length): the server hangs up. */
final class ProtocolViolation extends Exception {

    ProtocolViolation(String message) {
        super(message);
    }
}

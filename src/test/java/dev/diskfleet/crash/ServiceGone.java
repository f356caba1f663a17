package dev.diskfleet.crash;

/** The service stopped answering mid-request: the kill the harness is waiting for (or a crash of its own). */
final class ServiceGone extends RuntimeException {

    ServiceGone(String request, Throwable cause) {
        super(request + ": no answer, the service is gone", cause);
    }
}

package dev.diskfleet.provisioning.operation;

/**
 * What a finished operation hands its client: the URL of the resource it made, and an optional result
 * document (for example one status per machine).
 */
public record OperationOutcome(String resourceUrl, Object result) {

    public static OperationOutcome created(String resourceUrl) {
        return new OperationOutcome(resourceUrl, null);
    }
}

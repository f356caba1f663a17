package dev.diskfleet.provisioning.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.diskfleet.provisioning.operation.FailureDescriber.OperationError;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The result document of a fleet start, stop or reset: one entry per member, {@code pending} until its
 * action has ended, then {@code succeeded}, {@code unchanged} (it was already in the wanted state: a stop
 * of a powered-off machine, a start of a running one) or {@code failed} with the problem that kept it.
 * {@code done} of {@code total} members have ended; the counts add up to {@code done}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FleetPowerResult(UUID fleetId, String action, int total, int done, int succeeded, int unchanged,
        int failed, List<Member> machines) {

    public static final String PENDING = "pending";
    public static final String SUCCEEDED = "succeeded";
    public static final String UNCHANGED = "unchanged";
    public static final String FAILED = "failed";

    /** One member: what its action did ({@code result}), its state afterwards, and why it failed if it did. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(int ordinal, String name, UUID machineId, String result, String state, OperationError error) {
    }

    static FleetPowerResult pending(UUID fleetId, String action, List<Member> members) {
        return new FleetPowerResult(fleetId, action, members.size(), 0, 0, 0, 0, List.copyOf(members));
    }

    /** This document with {@code ended} in place of the member of the same ordinal, and the counts updated. */
    FleetPowerResult with(Member ended) {
        List<Member> next = new ArrayList<>(machines);
        next.replaceAll(member -> member.ordinal() == ended.ordinal() ? ended : member);
        return new FleetPowerResult(fleetId, action, total, count(next, null), count(next, SUCCEEDED),
                count(next, UNCHANGED), count(next, FAILED), List.copyOf(next));
    }

    /** Members whose action ended with {@code result}; every ended one when {@code result} is null. */
    private static int count(List<Member> members, String result) {
        return (int) members.stream().filter(member -> result == null ? !member.result().equals(PENDING)
                : member.result().equals(result)).count();
    }

    List<Member> failures() {
        return machines.stream().filter(member -> member.result().equals(FAILED)).toList();
    }

    int percentDone() {
        return total == 0 ? 100 : done * 100 / total;
    }
}

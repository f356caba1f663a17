package dev.diskfleet.fleet;

import dev.diskfleet.web.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The rules of fleets and how they read; changes that touch machines and files are the provisioner's. */
@Service
public class FleetService {

    private final FleetRepository fleets;
    private final FleetMachineRepository links;
    private final FleetView view;

    public FleetService(FleetRepository fleets, FleetMachineRepository links, FleetView view) {
        this.fleets = fleets;
        this.links = links;
        this.view = view;
    }

    public Fleet require(UUID id) {
        return fleets.findById(id).orElseThrow(() -> ApiException.notFound("fleet", id));
    }

    /** A fleet that no operation is changing, or 409. */
    public Fleet requireReady(UUID id, String action) {
        Fleet fleet = require(id);
        if (fleet.getState() != FleetState.READY) {
            throw busy(fleet, action);
        }
        return fleet;
    }

    public static ApiException busy(Fleet fleet, String action) {
        return ApiException.conflict("fleet-busy", "cannot " + action + " fleet " + fleet.getName() + " ("
                + fleet.getId() + "): it is " + fleet.getState().name().toLowerCase()
                + "; wait for the operation changing it to finish, then retry");
    }

    /** The members, lowest number first. */
    public List<FleetMachine> members(UUID fleetId) {
        return links.findByFleetIdOrderByOrdinal(fleetId);
    }

    /** The {@code count} lowest numbers no member has, so names stay {@code <prefix>-1 … <prefix>-N}. */
    public List<Integer> freeOrdinals(Fleet fleet, int count) {
        Set<Integer> taken = new HashSet<>();
        members(fleet.getId()).forEach(member -> taken.add(member.getOrdinal()));
        List<Integer> free = new ArrayList<>();
        for (int ordinal = 1; free.size() < count; ordinal++) {
            if (!taken.contains(ordinal)) {
                free.add(ordinal);
            }
        }
        return free;
    }

    @Transactional(readOnly = true)
    public Page<FleetResponse> list(Pageable pageable) {
        return fleets.findAll(pageable).map(this::toResponse);
    }

    @Transactional(readOnly = true)
    public FleetResponse toResponse(Fleet fleet) {
        return view.describe(fleet, members(fleet.getId()));
    }

    public FleetPowerResponse power(UUID id, FleetPowerAction action) {
        Fleet fleet = requireReady(id, action.name().toLowerCase());
        List<MachinePowerResult> results = view.power(members(fleet.getId()), fleet, action);
        int succeeded = (int) results.stream().filter(MachinePowerResult::ok).count();
        return new FleetPowerResponse(id, action.name().toLowerCase(), succeeded, results.size() - succeeded, results);
    }
}

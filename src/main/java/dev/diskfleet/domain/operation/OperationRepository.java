package dev.diskfleet.domain.operation;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface OperationRepository extends JpaRepository<Operation, UUID> {

    List<Operation> findByStateIn(Collection<OperationState> states);

    boolean existsByKindAndTargetIdAndStateIn(String kind, UUID targetId, Collection<OperationState> states);
}

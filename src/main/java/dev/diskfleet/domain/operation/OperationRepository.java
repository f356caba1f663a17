package dev.diskfleet.domain.operation;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface OperationRepository extends JpaRepository<Operation, UUID> {

    List<Operation> findByStateIn(Collection<OperationState> states);

    boolean existsByKindAndTargetIdAndStateIn(String kind, UUID targetId, Collection<OperationState> states);

    /** Those in {@code states} that {@code node} runs, and those that name no node (from before they did). */
    @Query("select o from Operation o where o.state in :states and (o.node = :node or o.node is null)")
    List<Operation> findByStateInOfNode(Collection<OperationState> states, String node);

    /** Whether a node other than {@code node} has work in {@code states} on {@code targetId}. */
    @Query("select count(o) > 0 from Operation o where o.targetId = :targetId and o.state in :states"
            + " and o.node is not null and o.node <> :node")
    boolean existsOnOtherNode(UUID targetId, Collection<OperationState> states, String node);
}

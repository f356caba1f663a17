package dev.diskfleet.domain.node;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface NodeRepository extends JpaRepository<Node, UUID> {

    Optional<Node> findByName(String name);

    List<Node> findAllByOrderByNameAsc();
}

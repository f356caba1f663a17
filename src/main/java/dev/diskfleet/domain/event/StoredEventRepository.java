package dev.diskfleet.domain.event;

import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface StoredEventRepository extends JpaRepository<StoredEvent, Long> {

    /** The events after {@code id}, oldest first: what a client that last saw {@code id} missed. */
    List<StoredEvent> findByIdGreaterThanOrderByIdAsc(long id, Pageable page);

    /**
     * Events other nodes stored after {@code id}, oldest first ({@code node} is this node's name); rows of
     * before nodes were recorded (null) were this database's single node's.
     */
    @Query("select e from StoredEvent e where e.id > :id and e.node is not null and e.node <> :node order by e.id")
    List<StoredEvent> findOtherNodesAfter(@Param("id") long id, @Param("node") String node, Pageable page);

    /** The newest event's id, or 0 with none. */
    @Query("select coalesce(max(e.id), 0) from StoredEvent e")
    long newestId();

    @Modifying
    @Query("delete from StoredEvent e where e.occurredAt < :before")
    int deleteOlderThan(@Param("before") OffsetDateTime before);
}

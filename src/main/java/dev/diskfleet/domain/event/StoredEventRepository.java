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

    @Modifying
    @Query("delete from StoredEvent e where e.occurredAt < :before")
    int deleteOlderThan(@Param("before") OffsetDateTime before);
}

package dev.diskfleet.domain.image;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface StaleFileRepository extends JpaRepository<StaleFile, ImageLocation.Key> {

    List<StaleFile> findByNodeNameOrderByImageIdAsc(String nodeName);
}

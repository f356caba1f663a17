package dev.diskfleet.provisioning;

import dev.diskfleet.domain.NaturalOrder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.domain.Specification;

/**
 * A page of rows in natural name order ({@link NaturalOrder}: db-2 before db-10), which an SQL
 * {@code ORDER BY} on the name cannot give on both H2 and PostgreSQL. The id and name of every matching
 * row are read and sorted here, then only the page's rows are loaded: pages stay exact (no row twice, none
 * left out) for the price of two short columns per match.
 */
public final class NaturalNamePages {

    private static final Comparator<Object[]> BY_NAME_THEN_ID = Comparator
            .comparing((Object[] row) -> (String) row[1], NaturalOrder.NAMES)
            .thenComparing(row -> (UUID) row[0]);

    private NaturalNamePages() {
    }

    /** The rows of {@code type} that {@code filter} matches, page {@code pageable}, by name. */
    public static <T> Page<T> page(EntityManager entities, Class<T> type, Specification<T> filter, Pageable pageable,
            Function<T, UUID> idOf) {
        CriteriaBuilder cb = entities.getCriteriaBuilder();
        CriteriaQuery<Object[]> names = cb.createQuery(Object[].class);
        Root<T> root = names.from(type);
        names.multiselect(root.get("id"), root.get("name"));
        Predicate where = filter == null ? null : filter.toPredicate(root, names, cb);
        if (where != null) {
            names.where(where);
        }
        List<Object[]> matches = new ArrayList<>(entities.createQuery(names).getResultList());
        matches.sort(BY_NAME_THEN_ID);
        int from = (int) Math.min(pageable.getOffset(), matches.size());
        int to = Math.min(from + pageable.getPageSize(), matches.size());
        List<UUID> ids = matches.subList(from, to).stream().map(row -> (UUID) row[0]).toList();
        if (ids.isEmpty()) {
            return new PageImpl<>(List.of(), pageable, matches.size());
        }
        CriteriaQuery<T> rows = cb.createQuery(type);
        Root<T> row = rows.from(type);
        rows.select(row).where(row.get("id").in(ids));
        Map<UUID, T> byId = entities.createQuery(rows).getResultList().stream()
                .collect(Collectors.toMap(idOf, Function.identity()));
        return new PageImpl<>(ids.stream().map(byId::get).filter(Objects::nonNull).toList(), pageable,
                matches.size());
    }
}

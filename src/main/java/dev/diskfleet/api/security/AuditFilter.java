package dev.diskfleet.api.security;

import dev.diskfleet.domain.audit.Actor;
import dev.diskfleet.provisioning.audit.AuditLog;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Writes an audit entry for every request that may change state (any method but GET, HEAD and OPTIONS)
 * and for every refused one (401, 403, 429), with the caller, method, path (no query string: it may
 * carry names, never secrets, but the path is what identifies the resource), status and client address.
 * It sits in the security chain just inside the security context, so it sees the authenticated caller
 * and the final status of refusals made by later filters.
 */
class AuditFilter extends OncePerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<Integer> REFUSALS = Set.of(401, 403, 429);

    private final AuditLog audit;

    AuditFilter(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            record(request, actor(), 500);
            throw e;
        }
        Actor actor = actor();
        if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new AsyncListener() {
                @Override
                public void onComplete(AsyncEvent event) {
                    record(request, actor, response.getStatus());
                }

                @Override
                public void onTimeout(AsyncEvent event) {
                }

                @Override
                public void onError(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                }
            });
        } else {
            record(request, actor, response.getStatus());
        }
    }

    private void record(HttpServletRequest request, Actor actor, int status) {
        if (actor.kind() == Actor.Kind.WARM_UP) {
            return; // the service's own warm-up: its requests change nothing (see WarmUpCredential)
        }
        if (!READS.contains(request.getMethod()) || REFUSALS.contains(status)) {
            audit.record(actor, request.getMethod(), request.getRequestURI(), status, request.getRemoteAddr());
        }
    }

    private static Actor actor() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication instanceof DiskfleetAuthentication caller ? caller.actor() : Actor.ANONYMOUS;
    }
}

package dev.diskfleet.api.token;

import dev.diskfleet.domain.token.Role;
import dev.diskfleet.provisioning.token.IssuedToken;
import dev.diskfleet.provisioning.token.TokenService;
import dev.diskfleet.api.web.PageResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.UUID;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/tokens")
@Tag(name = "Tokens", description = "API tokens and their roles (admin only)")
public class TokenController {

    private final TokenService tokens;

    public TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    @Operation(operationId = "issueToken", summary = "Issue a token; its secret is in this answer only")
    @ApiResponse(responseCode = "201", description = "Issued; Location names the token")
    public ResponseEntity<IssuedTokenResponse> issue(@Valid @RequestBody CreateTokenRequest request) {
        IssuedToken issued = tokens.issue(request.name(), Role.parse(request.role()).orElseThrow(),
                request.expiresAt());
        return ResponseEntity.created(URI.create("/api/tokens/" + issued.token().getId()))
                .body(IssuedTokenResponse.of(issued));
    }

    @GetMapping
    @Operation(operationId = "listTokens", summary = "List tokens, newest first, revoked ones included; no secrets")
    public PageResponse<TokenResponse> list(
            @RequestParam(defaultValue = "0") @Min(0) @Parameter(example = "0") int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(500) @Parameter(example = "20") int size) {
        return PageResponse.of(tokens.list(PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "createdAt")
                .and(Sort.by("id")))), TokenResponse::of);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getToken", summary = "Get a token (no secret)")
    @ApiResponse(responseCode = "200", description = "The token: name, role, expiry, last use")
    public TokenResponse get(@PathVariable UUID id) {
        return TokenResponse.of(tokens.get(id));
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "revokeToken", summary = "Revoke a token: its next request is refused (401)")
    @ApiResponse(responseCode = "204", description = "Revoked (or already revoked)")
    public ResponseEntity<Void> revoke(@PathVariable UUID id) {
        tokens.revoke(id);
        return ResponseEntity.noContent().build();
    }
}

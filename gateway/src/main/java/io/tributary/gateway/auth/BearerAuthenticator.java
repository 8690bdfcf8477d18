package io.tributary.gateway.auth;

import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.observe.GatewayMetrics;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * OIDC bearer tokens, checked by a {@link TokenVerifier}; every other kind of credentials goes to
 * the authenticator behind it (Basic against the local store, for mapped drives). A refused token
 * is audited as {@code signin.failed}; an accepted one is not a sign-in (that happened at the
 * issuer), and the actions done with it are audited under its user.
 */
public final class BearerAuthenticator implements Authenticator {
    private static final Logger LOG = Logger.getLogger(BearerAuthenticator.class.getName());

    private final TokenVerifier verifier;
    private final Authenticator otherwise;
    private final GatewayMetrics metrics;
    private final AuditTrail audit;

    public BearerAuthenticator(TokenVerifier verifier, Authenticator otherwise, GatewayMetrics metrics, AuditTrail audit) {
        this.audit = audit;
        this.verifier = verifier;
        this.otherwise = otherwise;
        this.metrics = metrics;
    }

    @Override
    public Optional<Principal> authenticate(String authorization, String remoteAddress) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return otherwise.authenticate(authorization, remoteAddress);
        }
        try {
            TokenVerifier.Bearer bearer = verifier.verify(authorization.substring(7).trim());
            return Optional.of(Principal.ofRealm(bearer.user(), bearer.roles(), bearer.groups()));
        } catch (TokenRejectedException e) {
            metrics.authFailures.inc();
            LOG.log(Level.INFO, () -> "bearer token refused from " + remoteAddress + ": " + e.getMessage());
            audit.record("", "signin.failed", "", remoteAddress, "bearer token refused: " + e.getMessage());
            return Optional.empty();
        }
    }
}

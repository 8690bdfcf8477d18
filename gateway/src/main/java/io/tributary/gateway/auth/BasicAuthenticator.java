package io.tributary.gateway.auth;

import io.tributary.proto.auth.SignInThrottle;
import io.tributary.proto.auth.LocalUserStore;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.gateway.observe.GatewayMetrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * HTTP Basic authentication: against the local user store, and for names it does not hold, at
 * the OIDC issuer by password grant when one is configured (falling back to the users it admitted
 * lately while it cannot be reached). A verified header is remembered (as a hash, never the
 * password) for a short while, so the slow path runs once per client, not once per request: a
 * mapped drive sends its credentials with every request. Failures are throttled per user and
 * per address. Each check (not each remembered header) is audited, as {@code signin.ok} or
 * {@code signin.failed}.
 */
public final class BasicAuthenticator implements Authenticator {
    private static final Logger LOG = Logger.getLogger(BasicAuthenticator.class.getName());
    private static final int MAX_HEADER = 1024;
    private static final int REMEMBERED = 1024;
    private static final long REMEMBER_MILLIS = 5 * 60_000;

    private final LocalUserStore users;
    private final GatewayMetrics metrics;
    private final SignInThrottle throttle;
    private final PasswordGrant issuer;
    private final RememberedSignIns offline;
    private final AuditTrail audit;
    private record Verified(Principal user, long untilMillis) {
    }

    /** Header digest to the user it proved, least recently used first. */
    private final Map<String, Verified> verified = new LinkedHashMap<>(16, 0.75f, true);

    /** Local users only. */
    public BasicAuthenticator(LocalUserStore users, GatewayMetrics metrics, AuditTrail audit) {
        this(users, metrics, audit, new SignInThrottle(), null, null);
    }

    /**
     * @param issuer  exchanges the passwords of users the local store does not hold, or null
     * @param offline users the issuer admitted lately, for when it cannot be reached; with issuer
     */
    public BasicAuthenticator(LocalUserStore users, GatewayMetrics metrics, AuditTrail audit, SignInThrottle throttle,
                              PasswordGrant issuer, RememberedSignIns offline) {
        this.audit = audit;
        this.users = users;
        this.metrics = metrics;
        this.throttle = throttle;
        this.issuer = issuer;
        this.offline = offline;
    }

    @Override
    public Optional<Principal> authenticate(String authorization, String remoteAddress) {
        if (authorization == null || authorization.length() > MAX_HEADER
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String key = digest(authorization);
        long now = System.currentTimeMillis();
        synchronized (verified) {
            Verified v = verified.get(key);
            if (v != null && v.untilMillis() > now) {
                return Optional.of(v.user());
            }
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return failed("", remoteAddress, "malformed Basic credentials (not base64)");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || colon > 256 || decoded.substring(0, colon).chars().anyMatch(Character::isISOControl)) {
            return failed("", remoteAddress, "malformed Basic credentials (no name, or a name too long or with control characters)");
        }
        String name = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        if (!throttle.allows(name, remoteAddress)) {
            metrics.authFailures.inc();
            throttle.failed(name, remoteAddress);
            LOG.info(() -> "sign-in of '" + name + "' from " + remoteAddress + " refused unchecked: too many failures lately");
            audit.record(name, "signin.failed", name, remoteAddress, "refused unchecked: too many failures lately");
            return Optional.empty();
        }
        Optional<Principal> who = check(name, password, remoteAddress);
        if (who.isEmpty()) {
            throttle.failed(name, remoteAddress);
            return failed(name, remoteAddress, "wrong name or password");
        }
        throttle.succeeded(name);
        audit.record(name, "signin.ok", name, remoteAddress, who.get().local() ? "local user" : "realm user");
        synchronized (verified) {
            verified.put(key, new Verified(who.get(), now + REMEMBER_MILLIS));
            if (verified.size() > REMEMBERED) {
                verified.remove(verified.keySet().iterator().next());
            }
        }
        return who;
    }

    private Optional<Principal> failed(String name, String remoteAddress, String why) {
        metrics.authFailures.inc();
        audit.record(name, "signin.failed", name, remoteAddress, why);
        return Optional.empty();
    }

    private Optional<Principal> check(String name, char[] password, String remoteAddress) {
        if (issuer == null || users.has(name)) {
            return users.verify(name, password) ? Optional.of(Principal.local(name)) : Optional.empty();
        }
        try {
            TokenVerifier.Bearer bearer = issuer.exchange(name, password);
            Principal who = Principal.ofRealm(name, bearer.roles(), bearer.groups());
            remember(who, password);
            return Optional.of(who);
        } catch (TokenRejectedException e) {
            LOG.info(() -> "sign-in of '" + name + "' from " + remoteAddress + " refused: " + e.getMessage());
            forget(name);
            return Optional.empty();
        } catch (PasswordGrant.Unreachable e) {
            Optional<Principal> admitted = offline == null ? Optional.empty() : offline.admits(name, password);
            LOG.log(Level.WARNING, () -> "the OIDC issuer cannot be reached (" + e.getMessage() + "); '" + name + "' from "
                    + remoteAddress + (admitted.isPresent() ? " admitted as signed in lately"
                    : " refused: not signed in lately with this password"));
            return admitted;
        }
    }

    private void remember(Principal who, char[] password) {
        if (offline == null) {
            return;
        }
        String name = who.name();
        try {
            offline.remember(who, password);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot keep the sign-in of '" + name + "' for offline use", e);
        }
    }

    private void forget(String name) {
        if (offline == null) {
            return;
        }
        try {
            offline.forget(name);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot drop the remembered sign-in of '" + name + "'", e);
        }
    }

    private static String digest(String header) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(header.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

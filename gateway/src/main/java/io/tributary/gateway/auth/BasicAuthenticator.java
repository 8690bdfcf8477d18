package io.tributary.gateway.auth;

import io.tributary.gateway.observe.GatewayMetrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP Basic authentication against the local user store. A verified header is remembered (as a
 * hash, never the password) for a short while, so the slow password hash runs once per client,
 * not once per request: a mapped drive sends its credentials with every request.
 */
public final class BasicAuthenticator implements Authenticator {
    private static final int MAX_HEADER = 1024;
    private static final int REMEMBERED = 1024;
    private static final long REMEMBER_MILLIS = 5 * 60_000;

    private final LocalUserStore users;
    private final GatewayMetrics metrics;
    private record Verified(String user, long untilMillis) {
    }

    /** Header digest to the user it proved, least recently used first. */
    private final Map<String, Verified> verified = new LinkedHashMap<>(16, 0.75f, true);

    public BasicAuthenticator(LocalUserStore users, GatewayMetrics metrics) {
        this.users = users;
        this.metrics = metrics;
    }

    @Override
    public Optional<String> authenticate(String authorization, String remoteAddress) {
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
            metrics.authFailures.inc();
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            metrics.authFailures.inc();
            return Optional.empty();
        }
        String name = decoded.substring(0, colon);
        if (!users.verify(name, decoded.substring(colon + 1).toCharArray())) {
            metrics.authFailures.inc();
            return Optional.empty();
        }
        synchronized (verified) {
            verified.put(key, new Verified(name, now + REMEMBER_MILLIS));
            if (verified.size() > REMEMBERED) {
                verified.remove(verified.keySet().iterator().next());
            }
        }
        return Optional.of(name);
    }

    private static String digest(String header) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(header.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

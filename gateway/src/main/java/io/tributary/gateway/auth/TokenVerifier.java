package io.tributary.gateway.auth;

import com.nimbusds.jose.JOSEException;
import io.tributary.proto.auth.IssuerEndpoint;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks OIDC access tokens, as Keycloak issues them, without asking the issuer per request: the
 * signature against the keys the issuer publishes (found through its discovery document, cached,
 * and fetched again when a token names a key not seen yet, as after a key rotation), the exact
 * issuer, the audience, expiry and not-before. Unsigned tokens, HMAC tokens and any algorithm but
 * RS256, PS256 and ES256 are refused, so a public key can never be used as a shared secret.
 *
 * <p>The discovery document is read on first use, not at start, so a gateway starts (and its
 * local users sign in) while the issuer is down; until it is read every token is refused, and it
 * is tried again at most every {@link #RETRY_DISCOVERY}.
 */
public final class TokenVerifier {
    /** Longer than any access token Keycloak issues, short enough to bound parsing. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    static final Duration RETRY_DISCOVERY = Duration.ofSeconds(10);
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    private static final int HTTP_TIMEOUT_MILLIS = 5_000;
    private static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    /** What a verified token says about its bearer. */
    public record Bearer(String user, Set<String> roles, Set<String> groups, Instant expires) {
    }

    private final OidcSettings settings;
    private final ResourceRetriever http;
    private final Clock clock;
    private ConfigurableJWTProcessor<SecurityContext> processor;   // guarded by this
    private URI tokenEndpoint;                                     // guarded by this
    private Instant nextDiscovery = Instant.MIN;                   // guarded by this
    private String discoveryProblem = "not tried yet";             // guarded by this

    public TokenVerifier(OidcSettings settings) {
        this(settings, Clock.systemUTC());
    }

    TokenVerifier(OidcSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.http = new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, MAX_DOCUMENT_BYTES);
    }

    /**
     * @param token the compact JWT, without "Bearer "
     * @throws TokenRejectedException forged, expired, not yet valid, for another issuer or
     *                                audience, or unverifiable because the issuer was never reached
     */
    public Bearer verify(String token) throws TokenRejectedException {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejectedException("a token of " + (token == null ? 0 : token.length())
                    + " characters (at most " + MAX_TOKEN_CHARS + ")");
        }
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (ParseException e) {
            throw new TokenRejectedException("not a JWT: " + e.getMessage());
        } catch (BadJOSEException | JOSEException e) {
            throw new TokenRejectedException(e.getMessage());
        }
        String user = stringClaim(claims, "preferred_username");
        if (user == null || user.isBlank()) {
            user = claims.getSubject();
        }
        if (user == null || user.isBlank() || user.length() > 256 || user.chars().anyMatch(Character::isISOControl)) {
            throw new TokenRejectedException("a token without a usable user name");
        }
        return new Bearer(user, realmRoles(claims), stringList(claims.getClaim("groups")), claims.getExpirationTime().toInstant());
    }

    private synchronized ConfigurableJWTProcessor<SecurityContext> processor() throws TokenRejectedException {
        if (processor != null) {
            return processor;
        }
        Instant now = clock.instant();
        if (now.isBefore(nextDiscovery)) {
            throw new TokenRejectedException("the issuer's keys are unknown: " + discoveryProblem);
        }
        nextDiscovery = now.plus(RETRY_DISCOVERY);
        try {
            Map<String, Object> doc = discoveryDocument();
            processor = processorFor(jwksUrl(doc));
            tokenEndpoint = doc.get("token_endpoint") instanceof String t ? checkedUri(t, "token_endpoint") : null;
            return processor;
        } catch (IOException | RuntimeException e) {
            discoveryProblem = "cannot read " + discoveryUrl() + ": " + e.getMessage();
            throw new TokenRejectedException("the issuer's keys are unknown: " + discoveryProblem, e);
        }
    }

    private URI discoveryUrl() {
        String issuer = settings.issuer().toString();
        return URI.create((issuer.endsWith("/") ? issuer : issuer + "/") + ".well-known/openid-configuration");
    }

    /**
     * The issuer's token endpoint, as its discovery document names it (read first if need be).
     *
     * @throws TokenRejectedException the document cannot be read now, or names no token endpoint
     */
    public synchronized URI tokenEndpoint() throws TokenRejectedException {
        processor();
        if (tokenEndpoint == null) {
            throw new TokenRejectedException("the issuer's discovery document names no usable token_endpoint");
        }
        return tokenEndpoint;
    }

    OidcSettings settings() {
        return settings;
    }

    /** The discovery document, which must name this very issuer. */
    private Map<String, Object> discoveryDocument() throws IOException {
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(http.retrieveResource(discoveryUrl().toURL()).getContent());
        } catch (ParseException e) {
            throw new IOException("not a JSON discovery document: " + e.getMessage());
        }
        Object issuer = doc.get("issuer");
        if (!settings.issuer().toString().equals(issuer)) {
            // A document for another issuer would let that one's tokens pass as this one's.
            throw new IOException("the discovery document is for issuer " + issuer + ", not " + settings.issuer());
        }
        return doc;
    }

    private URL jwksUrl(Map<String, Object> doc) throws IOException {
        if (!(doc.get("jwks_uri") instanceof String jwks)) {
            throw new IOException("the discovery document names no jwks_uri");
        }
        return checkedUri(jwks, "jwks_uri").toURL();
    }

    /** An endpoint the document names, checked as {@link IssuerEndpoint} says. */
    private URI checkedUri(String value, String what) throws IOException {
        try {
            return IssuerEndpoint.check(settings.issuer(), value, what);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    private ConfigurableJWTProcessor<SecurityContext> processorFor(URL jwks) {
        // Cached; a token naming an unknown key fetches the set again (rate-limited), which is
        // how a rotated key is found without a restart.
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks, http).build();
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(Set.of(settings.audience()),
                new JWTClaimsSet.Builder().issuer(settings.issuer().toString()).build(), Set.of("exp", "iat"), null) {
            @Override
            protected java.util.Date currentTime() {
                return java.util.Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(60);
        p.setJWTClaimsSetVerifier(claims);
        return p;
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String s ? s : null;
    }

    /** Keycloak puts realm roles under {@code realm_access.roles}. */
    private static Set<String> realmRoles(JWTClaimsSet claims) {
        return claims.getClaim("realm_access") instanceof Map<?, ?> access ? stringList(access.get("roles")) : Set.of();
    }

    private static Set<String> stringList(Object value) {
        if (!(value instanceof List<?> list)) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object o : list) {
            if (o instanceof String s) {
                out.add(s);
            }
        }
        return Set.copyOf(out);
    }
}

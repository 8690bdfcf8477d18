package io.tributary.central.console;

import com.nimbusds.jose.JOSEException;
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
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.tributary.proto.auth.IssuerEndpoint;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Single sign-on for the console: the OIDC authorization code flow with PKCE (S256), a
 * {@code state} bound to one browser round trip and a {@code nonce} bound to the ID token. The
 * ID token is checked with the keys the issuer publishes: signature (RS256, PS256 or ES256 only),
 * exact issuer, audience = the console's client id, expiry, and the nonce. The admin role comes
 * from the realm roles of the ID token or, as Keycloak puts them by default, of the access token
 * (whose signature and issuer are checked the same way).
 */
public final class OidcSignIn {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256);
    private static final Duration PENDING_FOR = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 1_000;
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final int MAX_DOCUMENT_BYTES = 256 * 1024;
    static final String CALLBACK = "/api/v1/session/oidc/callback";

    /** Who signed in, with their realm roles. */
    public record SignedIn(String user, List<String> roles) {
    }

    /** A sign-in that cannot go on, with a message fit for the admin. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private record Pending(String verifier, String nonce, long startedMillis) {
    }

    private record Issuer(URI authorization, URI token, DefaultJWTProcessor<SecurityContext> idTokens,
                          DefaultJWTProcessor<SecurityContext> accessTokens) {
    }

    private final ConsoleSettings settings;
    private final LongSupplier clock;
    private final ResourceRetriever documents = new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, MAX_DOCUMENT_BYTES);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(TIMEOUT_MILLIS)).build();
    private final Map<String, Pending> pending = new LinkedHashMap<>();   // guarded by this, oldest first
    private Issuer issuer;                                                  // guarded by this

    public OidcSignIn(ConsoleSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Where to send the browser to sign in; {@code consoleBase} is the console's origin, e.g. https://host:7071. */
    public URI begin(String consoleBase) throws Refused {
        Issuer at = issuer();
        String state = ConsoleSessions.randomToken();
        String nonce = ConsoleSessions.randomToken();
        String verifier = ConsoleSessions.randomToken();
        synchronized (this) {
            expire();
            if (pending.size() >= MAX_PENDING) {
                Iterator<String> oldest = pending.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            pending.put(state, new Pending(verifier, nonce, clock.getAsLong()));
        }
        String query = form(Map.of("response_type", "code", "client_id", settings.oidcClient(),
                "redirect_uri", redirectUri(consoleBase), "scope", "openid profile", "state", state, "nonce", nonce,
                "code_challenge", challenge(verifier), "code_challenge_method", "S256"));
        String base = at.authorization().toString();
        return URI.create(base + (base.contains("?") ? "&" : "?") + query);
    }

    /** Finishes the round trip {@code state} began: trades the code for tokens and checks them. */
    public SignedIn finish(String code, String state, String consoleBase) throws Refused {
        if (code == null || state == null || code.isEmpty() || code.length() > 4096 || state.length() > 128) {
            throw new Refused("the issuer's answer lacks a code or a state");
        }
        Pending p;
        synchronized (this) {
            expire();
            p = pending.remove(state);
        }
        if (p == null) {
            throw new Refused("this sign-in was not started here, or took longer than " + PENDING_FOR.toMinutes() + " minutes");
        }
        Issuer at = issuer();
        Map<String, Object> tokens = redeem(at, code, p.verifier(), consoleBase);
        JWTClaimsSet id = verify(at.idTokens(), tokens.get("id_token"), "ID token");
        if (!p.nonce().equals(id.getClaim("nonce"))) {
            throw new Refused("the ID token's nonce is not this sign-in's");
        }
        List<String> roles = realmRoles(id);
        if (roles.isEmpty() && tokens.get("access_token") != null) {
            roles = realmRoles(verify(at.accessTokens(), tokens.get("access_token"), "access token"));
        }
        String user = id.getClaim("preferred_username") instanceof String name && !name.isBlank() ? name : id.getSubject();
        if (user == null || user.isBlank() || user.length() > 256 || user.chars().anyMatch(Character::isISOControl)) {
            throw new Refused("the ID token names no usable user");
        }
        if (!roles.contains(settings.adminRole())) {
            throw new Refused("'" + user + "' lacks the realm role " + settings.adminRole() + " that the console needs");
        }
        return new SignedIn(user, roles);
    }

    public String redirectUri(String consoleBase) {
        String base = settings.consoleUrl() != null ? settings.consoleUrl().toString() : consoleBase;
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK;
    }

    private Map<String, Object> redeem(Issuer at, String code, String verifier, String consoleBase) throws Refused {
        HttpRequest request = HttpRequest.newBuilder(at.token()).timeout(Duration.ofMillis(TIMEOUT_MILLIS))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code", "code", code,
                        "redirect_uri", redirectUri(consoleBase), "client_id", settings.oidcClient(), "code_verifier", verifier))))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Refused("the issuer's token endpoint cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
        if (response.body().length() > MAX_DOCUMENT_BYTES) {
            throw new Refused("the issuer's token answer is too large");
        }
        Map<String, Object> body;
        try {
            body = JSONObjectUtils.parse(response.body());
        } catch (ParseException e) {
            throw new Refused("the issuer's token answer is not JSON (HTTP " + response.statusCode() + ")");
        }
        if (response.statusCode() != 200) {
            throw new Refused("the issuer refused the code: " + body.getOrDefault("error_description", body.getOrDefault("error", response.statusCode())));
        }
        return body;
    }

    private static JWTClaimsSet verify(DefaultJWTProcessor<SecurityContext> processor, Object token, String what) throws Refused {
        if (!(token instanceof String jwt) || jwt.isEmpty() || jwt.length() > 16 * 1024) {
            throw new Refused("the issuer's answer has no usable " + what);
        }
        try {
            return processor.process(jwt, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new Refused("the " + what + " does not verify: " + e.getMessage());
        }
    }

    private static List<String> realmRoles(JWTClaimsSet claims) {
        if (claims.getClaim("realm_access") instanceof Map<?, ?> access && access.get("roles") instanceof List<?> list) {
            List<String> roles = new ArrayList<>();
            for (Object r : list) {
                if (r instanceof String s && s.length() <= 128 && roles.size() < 256) {
                    roles.add(s);
                }
            }
            return roles;
        }
        return List.of();
    }

    /** The issuer's endpoints and key checks, from its discovery document, read once it answers. */
    private synchronized Issuer issuer() throws Refused {
        if (issuer != null) {
            return issuer;
        }
        String name = settings.oidcIssuer().toString();
        URI discovery = URI.create((name.endsWith("/") ? name : name + "/") + ".well-known/openid-configuration");
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(documents.retrieveResource(discovery.toURL()).getContent());
        } catch (IOException | ParseException e) {
            throw new Refused("the sign-in service cannot be reached (" + discovery + "): " + e.getMessage());
        }
        if (!name.equals(doc.get("issuer"))) {
            throw new Refused("the discovery document is for issuer " + doc.get("issuer") + ", not " + name);
        }
        URI jwks = endpoint(doc, "jwks_uri");
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(jwks.toURL(), documents).build();
        } catch (IOException e) {
            throw new Refused("jwks_uri is not a URL: " + jwks);
        }
        issuer = new Issuer(endpoint(doc, "authorization_endpoint"), endpoint(doc, "token_endpoint"),
                processor(keys, Set.of(settings.oidcClient()), Set.of("sub", "exp", "iat", "nonce")),
                processor(keys, null, Set.of("exp", "iat")));
        return issuer;
    }

    private DefaultJWTProcessor<SecurityContext> processor(JWKSource<SecurityContext> keys, Set<String> audience, Set<String> required) {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(settings.oidcIssuer().toString()).build(), required, null) {
            @Override
            protected java.util.Date currentTime() {
                return new java.util.Date(clock.getAsLong());
            }
        };
        claims.setMaxClockSkew(60);
        p.setJWTClaimsSetVerifier(claims);
        return p;
    }

    /** An endpoint the document names, checked as {@link IssuerEndpoint} says. */
    private URI endpoint(Map<String, Object> doc, String field) throws Refused {
        if (!(doc.get(field) instanceof String value)) {
            throw new Refused("the issuer's discovery document names no " + field);
        }
        try {
            return IssuerEndpoint.check(settings.oidcIssuer(), value, field);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
    }

    private void expire() {
        long oldest = clock.getAsLong() - PENDING_FOR.toMillis();
        pending.values().removeIf(p -> p.startedMillis() < oldest);
    }

    private static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}

package io.tributary.gateway.auth;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A Keycloak realm as a gateway sees it, served by WireMock on 127.0.0.1: the discovery document,
 * the key set, and (stubbed by each test) the token endpoint; and tokens signed as the realm signs them.
 */
public final class FakeRealm implements AutoCloseable {
    public static final String AUDIENCE = "tributary";
    static final String PATH = "/realms/acme";
    static final String DISCOVERY = PATH + "/.well-known/openid-configuration";
    static final String CERTS = PATH + "/protocol/openid-connect/certs";
    static final String TOKEN = PATH + "/protocol/openid-connect/token";

    public final WireMockServer server;
    public final RSAKey key;

    public FakeRealm() throws Exception {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        key = newKey("key-1");
        serve();
    }

    public static RSAKey newKey(String kid) throws Exception {
        return new RSAKeyGenerator(2048).keyID(kid).generate();
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.port() + PATH;
    }

    /** Forgets every stub and request, then serves the realm's discovery document and its key again. */
    public void serve() {
        server.resetAll();
        serveDiscovery(issuer());
        serveKeys(key);
    }

    public void serveDiscovery(String documentIssuer) {
        String base = "http://127.0.0.1:" + server.port();
        server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson("{\"issuer\":\"" + documentIssuer + "\",\"jwks_uri\":\""
                + base + CERTS + "\",\"token_endpoint\":\"" + base + TOKEN + "\"}")));
    }

    public void serveKeys(RSAKey... keys) {
        List<JWK> published = Arrays.stream(keys).map(k -> (JWK) k.toPublicJWK()).toList();
        server.stubFor(get(urlEqualTo(CERTS)).willReturn(okJson(new JWKSet(published).toString())));
    }

    /** The claims of a token as the realm issues it for {@code user}. */
    public JWTClaimsSet.Builder claims(String user) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer()).subject("id-" + user).audience(List.of(AUDIENCE, "account"))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(1))).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("preferred_username", user).claim("realm_access", Map.of("roles", List.of("share-write", "offline_access")))
                .claim("groups", List.of("/finance"));
    }

    /** A token for {@code user} signed with {@code with}, its claims changed by {@code edit}. */
    public String token(RSAKey with, String user, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        JWTClaimsSet.Builder c = claims(user);
        edit.accept(c);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).type(JOSEObjectType.JWT).build(), c.build());
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    public String token(String user) throws Exception {
        return token(key, user, c -> { });
    }

    @Override
    public void close() {
        server.stop();
    }
}

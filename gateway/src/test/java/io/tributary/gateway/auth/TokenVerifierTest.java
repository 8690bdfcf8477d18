package io.tributary.gateway.auth;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keycloak's discovery document and key set served by WireMock; tokens made here, good and bad. */
class TokenVerifierTest {
    private static FakeRealm realm;
    private static RSAKey key;
    private static String issuer;

    @BeforeAll
    static void start() throws Exception {
        realm = new FakeRealm();
        key = realm.key;
        issuer = realm.issuer();
    }

    @AfterAll
    static void stop() {
        realm.close();
    }

    @BeforeEach
    void serveRealm() {
        realm.serve();
    }

    private static TokenVerifier verifier() {
        return new TokenVerifier(new OidcSettings(URI.create(issuer), FakeRealm.AUDIENCE));
    }

    private static JWTClaimsSet.Builder claims() {
        return realm.claims("alice");
    }

    private static String signed(RSAKey with, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        return realm.token(with, "alice", edit);
    }

    /** Refused, and for the reason expected: {@code because} is part of the message. */
    private static void refused(TokenVerifier v, String token, String why, String because) {
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> v.verify(token), why);
        assertTrue(e.getMessage() != null && e.getMessage().contains(because), why + ": " + e.getMessage());
    }

    @Test
    void aGoodTokenNamesItsUserRolesAndGroups() throws Exception {
        TokenVerifier.Bearer bearer = verifier().verify(signed(key, c -> { }));
        assertEquals("alice", bearer.user());
        assertEquals(Set.of("share-write", "offline_access"), bearer.roles());
        assertEquals(Set.of("/finance"), bearer.groups());
        assertTrue(bearer.expires().isAfter(Instant.now()));
    }

    @Test
    void theKeysAreFetchedOnceNotPerToken() throws Exception {
        TokenVerifier v = verifier();
        for (int i = 0; i < 20; i++) {
            assertEquals("alice", v.verify(signed(key, c -> { })).user());
        }
        realm.server.verify(1, getRequestedFor(urlEqualTo(FakeRealm.DISCOVERY)));
        realm.server.verify(1, getRequestedFor(urlEqualTo(FakeRealm.CERTS)));
    }

    @Test
    void forgedExpiredForeignAndUnsignedTokensAreRefused() throws Exception {
        TokenVerifier v = verifier();
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        refused(v, signed(impostor, c -> { }), "signed by another key under the same kid", "Invalid signature");
        String good = signed(key, c -> { });
        String[] parts = good.split("\\.");
        String otherUser = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims().claim("preferred_username", "mallory").build().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        refused(v, parts[0] + "." + otherUser + "." + parts[2], "claims swapped under a valid signature", "Invalid signature");
        refused(v, signed(key, c -> c.issuer("http://127.0.0.1:" + realm.server.port() + "/realms/other")), "another realm", "iss claim");
        refused(v, signed(key, c -> c.audience("account")), "not for this service", "aud claim");
        refused(v, signed(key, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120)))), "expired", "Expired");
        refused(v, signed(key, c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))), "not yet valid", "before use time");
        refused(v, signed(key, c -> c.expirationTime(null)), "no expiry", "[exp]");
        refused(v, signed(new RSAKeyGenerator(2048).keyID("never-published").generate(), c -> { }), "a key the realm never published", "no matching key");
        refused(v, new PlainJWT(claims().build()).serialize(), "alg: none", "Unsecured");
        // HS256 with the public key as the shared secret: the classic algorithm confusion.
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), claims().build());
        hmac.sign(new MACSigner(java.util.Arrays.copyOf(key.toRSAPublicKey().getEncoded(), 64)));
        refused(v, hmac.serialize(), "HS256 with the public key as secret", "no matching key");
        refused(v, "not.a.token", "garbage", "not a JWT");
        refused(v, "", "empty", "0 characters");
        refused(v, "a".repeat(TokenVerifier.MAX_TOKEN_CHARS + 1), "oversize", "16385 characters");
        refused(v, signed(key, c -> c.claim("preferred_username", "bad\nname").subject(null)), "a control character in the name", "usable user name");
        assertEquals("alice", v.verify(good).user(), "the good one still passes");
    }

    @Test
    void aRotatedKeyIsFoundWithoutARestart() throws Exception {
        TokenVerifier v = verifier();
        assertEquals("alice", v.verify(signed(key, c -> { })).user());
        RSAKey next = FakeRealm.newKey("key-2");
        realm.serveKeys(key, next);
        assertEquals("bob", v.verify(signed(next, c -> c.claim("preferred_username", "bob"))).user());
        realm.server.verify(2, getRequestedFor(urlEqualTo(FakeRealm.CERTS)));
    }

    @Test
    void aDiscoveryDocumentForAnotherIssuerIsRefused() throws Exception {
        realm.server.resetAll();
        realm.serveDiscovery("http://127.0.0.1:" + realm.server.port() + "/realms/evil");
        realm.serveKeys(key);
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier().verify(signed(key, c -> { })));
        assertTrue(e.getMessage().contains("/realms/evil"), e.getMessage());
    }

    @Test
    void anUnreachableIssuerRefusesTokensUntilItAnswers() throws Exception {
        realm.server.resetAll();
        realm.server.stubFor(get(urlEqualTo(FakeRealm.DISCOVERY)).willReturn(aResponse().withStatus(503)));
        SettableClock clock = new SettableClock();
        TokenVerifier v = new TokenVerifier(new OidcSettings(URI.create(issuer), FakeRealm.AUDIENCE), clock);
        String token = signed(key, c -> { });
        refused(v, token, "issuer down", "503");
        serveRealm();
        refused(v, token, "not asked again at once", "keys are unknown");
        realm.server.verify(0, getRequestedFor(urlEqualTo(FakeRealm.DISCOVERY)));
        clock.advance(TokenVerifier.RETRY_DISCOVERY.plus(Duration.ofSeconds(1)));
        assertEquals("alice", v.verify(token).user(), "read once it answers");
    }

    @Test
    void settingsRefuseWhatCouldLeakOrMislead() {
        assertThrows(IllegalArgumentException.class, () -> new OidcSettings(URI.create("http://sso.example.com/realms/a"), FakeRealm.AUDIENCE),
                "plain http off this machine");
        assertThrows(IllegalArgumentException.class, () -> new OidcSettings(URI.create("https://sso.example.com/realms/a?x=1"), FakeRealm.AUDIENCE));
        assertThrows(IllegalArgumentException.class, () -> new OidcSettings(URI.create("https://sso.example.com/realms/a"), " "));
        assertEquals("https://sso.example.com/realms/a",
                new OidcSettings(URI.create("https://sso.example.com/realms/a"), FakeRealm.AUDIENCE).issuer().toString());
    }
}

package io.tributary.central.console;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OidcSignIn} against a Keycloak realm faked by WireMock on 127.0.0.1 (discovery, key set,
 * token endpoint), with ID and access tokens signed here: the good flow with PKCE, and each way a
 * sign-in must be refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OidcSignInTest {
    private static final String CLIENT = "tributary-console";
    private static final String REALM = "/realms/test";
    private static final String DISCOVERY = REALM + "/.well-known/openid-configuration";
    private static final String AUTHORIZE = REALM + "/protocol/openid-connect/auth";
    private static final String TOKEN = REALM + "/protocol/openid-connect/token";
    private static final String CERTS = REALM + "/protocol/openid-connect/certs";
    private static final String CONSOLE = "https://127.0.0.1:7071";
    private static final String CALLBACK = CONSOLE + "/api/v1/session/oidc/callback";

    private static WireMockServer server;
    private static RSAKey key;

    @BeforeAll
    static void start() throws Exception {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        key = new RSAKeyGenerator(2048).keyID("realm-key").generate();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @BeforeEach
    void serveRealm() {
        server.resetAll();
        serveDiscovery(issuer());
        server.stubFor(get(urlEqualTo(CERTS)).willReturn(okJson(new JWKSet(key.toPublicJWK()).toString())));
    }

    private static String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    private static String issuer() {
        return origin() + REALM;
    }

    private static void serveDiscovery(String documentIssuer) {
        server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(okJson(Json.createObjectBuilder()
                .add("issuer", documentIssuer)
                .add("authorization_endpoint", origin() + AUTHORIZE)
                .add("token_endpoint", origin() + TOKEN)
                .add("jwks_uri", origin() + CERTS)
                .build().toString())));
    }

    private static OidcSignIn signIn() {
        return new OidcSignIn(new ConsoleSettings(URI.create(issuer()), CLIENT, ConsoleSettings.DEFAULT_ADMIN_ROLE, null,
                ConsoleSettings.DEFAULT_SESSION), System::currentTimeMillis);
    }

    /** What {@link OidcSignIn#begin} sent the browser off with. */
    private record Flow(URI url, Map<String, String> query) {
        String state() {
            return query.get("state");
        }

        String nonce() {
            return query.get("nonce");
        }

        String challenge() {
            return query.get("code_challenge");
        }
    }

    private static Flow begin(OidcSignIn oidc) throws Exception {
        URI url = oidc.begin(CONSOLE);
        Map<String, String> query = new HashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            assertEquals(null, query.put(name, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)), "once: " + name);
        }
        return new Flow(url, query);
    }

    // ---------------------------------------------------------------- tokens as the realm signs them

    private static JWTClaimsSet.Builder idClaims(String nonce) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer()).subject("id-alice").audience(CLIENT)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("preferred_username", "alice").claim("nonce", nonce).claim("azp", CLIENT);
    }

    private static JWTClaimsSet.Builder accessClaims(List<String> roles) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer()).subject("id-alice").audience("account")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("preferred_username", "alice").claim("realm_access", Map.of("roles", roles));
    }

    private static String sign(RSAKey with, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    private static String idToken(Flow flow, Consumer<JWTClaimsSet.Builder> edit) throws Exception {
        JWTClaimsSet.Builder c = idClaims(flow.nonce());
        edit.accept(c);
        return sign(key, c.build());
    }

    private static String adminAccessToken() throws Exception {
        return sign(key, accessClaims(List.of("offline_access", ConsoleSettings.DEFAULT_ADMIN_ROLE)).build());
    }

    private static void answerTokens(String idToken, String accessToken) {
        var body = Json.createObjectBuilder().add("token_type", "Bearer").add("expires_in", 300).add("id_token", idToken);
        if (accessToken != null) {
            body.add("access_token", accessToken);
        }
        answerTokens(okJson(body.build().toString()));
    }

    private static void answerTokens(ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo(TOKEN)).willReturn(response));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    private static String s256(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Refused, for the reason expected: {@code because} is part of the message. */
    private static OidcSignIn.Refused refused(OidcSignIn oidc, String code, Flow flow, String because) {
        OidcSignIn.Refused e = assertThrows(OidcSignIn.Refused.class, () -> oidc.finish(code, flow.state(), CONSOLE));
        assertTrue(e.getMessage() != null && e.getMessage().contains(because), "expected '" + because + "' in: " + e.getMessage());
        return e;
    }

    // ---------------------------------------------------------------- the good flow

    @Test
    void theCodeFlowWithPkceSignsInAnAdmin() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        assertEquals(origin() + AUTHORIZE, flow.url().getScheme() + "://" + flow.url().getRawAuthority() + flow.url().getRawPath());
        assertEquals("code", flow.query().get("response_type"));
        assertEquals("S256", flow.query().get("code_challenge_method"));
        assertEquals(CLIENT, flow.query().get("client_id"));
        assertEquals(CALLBACK, flow.query().get("redirect_uri"));
        assertEquals(CALLBACK, oidc.redirectUri(CONSOLE));
        assertTrue(List.of(flow.query().get("scope").split(" ")).contains("openid"), flow.query().toString());
        for (String random : List.of(flow.state(), flow.nonce(), flow.challenge())) {
            assertTrue(random != null && random.matches("[A-Za-z0-9_-]{43}"), "256 bits, base64url: " + random);
        }
        assertNotEquals(flow.state(), flow.nonce());
        Flow other = begin(oidc);
        assertNotEquals(flow.state(), other.state(), "each sign-in has its own state");
        assertNotEquals(flow.nonce(), other.nonce());
        assertNotEquals(flow.challenge(), other.challenge());

        answerTokens(idToken(flow, c -> { }), adminAccessToken());
        OidcSignIn.SignedIn who = oidc.finish("the-code", flow.state(), CONSOLE);
        assertEquals("alice", who.user());
        assertEquals(List.of("offline_access", ConsoleSettings.DEFAULT_ADMIN_ROLE), who.roles());

        List<LoggedRequest> requests = server.findAll(postRequestedFor(urlEqualTo(TOKEN)));
        assertEquals(1, requests.size());
        LoggedRequest request = requests.getFirst();
        assertTrue(request.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"), request.getHeader("Content-Type"));
        Map<String, String> sent = form(request.getBodyAsString());
        assertEquals("authorization_code", sent.get("grant_type"));
        assertEquals("the-code", sent.get("code"));
        assertEquals(CALLBACK, sent.get("redirect_uri"), "the same redirect URI as in the authorization request");
        assertEquals(CLIENT, sent.get("client_id"));
        String verifier = sent.get("code_verifier");
        assertTrue(verifier != null && verifier.matches("[A-Za-z0-9._~-]{43,128}"), "an RFC 7636 verifier: " + verifier);
        assertEquals(flow.challenge(), s256(verifier), "the verifier's S256 is the challenge sent to the browser");
        assertFalse(sent.containsKey("client_secret"), "a public client");
    }

    @Test
    void rolesInTheIdTokenItselfAreUsed() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        answerTokens(idToken(flow, c -> c.claim("realm_access", Map.of("roles", List.of(ConsoleSettings.DEFAULT_ADMIN_ROLE)))), null);
        assertEquals(new OidcSignIn.SignedIn("alice", List.of(ConsoleSettings.DEFAULT_ADMIN_ROLE)),
                oidc.finish("code", flow.state(), CONSOLE));
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void anUnknownStateIsRefusedWithoutAskingTheIssuer() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        answerTokens(idToken(flow, c -> { }), adminAccessToken());
        assertThrows(OidcSignIn.Refused.class, () -> oidc.finish("code", "not-a-state-we-made", CONSOLE));
        assertThrows(OidcSignIn.Refused.class, () -> oidc.finish("code", null, CONSOLE));
        assertThrows(OidcSignIn.Refused.class, () -> oidc.finish(null, flow.state(), CONSOLE));
        assertThrows(OidcSignIn.Refused.class, () -> signIn().finish("code", flow.state(), CONSOLE),
                "a state another instance began");
        server.verify(0, postRequestedFor(urlEqualTo(TOKEN)));
    }

    @Test
    void aStateIsGoodForOneRoundTripOnly() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        answerTokens(idToken(flow, c -> { }), adminAccessToken());
        assertEquals("alice", oidc.finish("code", flow.state(), CONSOLE).user());
        refused(oidc, "code", flow, "not started here");
        server.verify(1, postRequestedFor(urlEqualTo(TOKEN)));
    }

    @Test
    void aFailedRoundTripUsesTheStateUpToo() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        answerTokens(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}"));
        refused(oidc, "stale-code", flow, "Code not valid");
        answerTokens(idToken(flow, c -> { }), adminAccessToken());
        refused(oidc, "code", flow, "not started here");
    }

    @Test
    void theTokenEndpointRefusingTheCodeIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        answerTokens(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_grant\"}"));
        refused(oidc, "code", flow, "invalid_grant");
    }

    @Test
    void theTokenEndpointAnsweringGarbageIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        answerTokens(aResponse().withStatus(502).withBody("<html>bad gateway</html>"));
        refused(oidc, "code", flow, "not JSON");
        Flow second = begin(oidc);
        answerTokens(okJson("{\"access_token\":\"x\"}"));
        refused(oidc, "code", second, "no usable ID token");
    }

    @Test
    void aWrongNonceIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        Flow other = begin(oidc);
        answerTokens(idToken(flow, c -> c.claim("nonce", other.nonce())), adminAccessToken());
        refused(oidc, "code", flow, "nonce");
        Flow third = begin(oidc);
        answerTokens(idToken(third, c -> c.claim("nonce", null)), adminAccessToken());
        refused(oidc, "code", third, "nonce");
    }

    @Test
    void aUserWithoutTheAdminRoleIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        answerTokens(idToken(flow, c -> { }), sign(key, accessClaims(List.of("offline_access", "share-write")).build()));
        refused(oidc, "code", flow, ConsoleSettings.DEFAULT_ADMIN_ROLE);
        Flow none = begin(oidc);
        answerTokens(idToken(none, c -> { }), null);
        refused(oidc, "code", none, ConsoleSettings.DEFAULT_ADMIN_ROLE);
    }

    @Test
    void anAdminRoleInAForgedAccessTokenIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        answerTokens(idToken(flow, c -> { }), sign(impostor, accessClaims(List.of(ConsoleSettings.DEFAULT_ADMIN_ROLE)).build()));
        refused(oidc, "code", flow, "access token");
    }

    @Test
    void anIdTokenSignedByAnotherKeyIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate();
        answerTokens(sign(impostor, idClaims(flow.nonce()).build()), adminAccessToken());
        refused(oidc, "code", flow, "ID token does not verify");

        Flow unknownKid = begin(oidc);
        RSAKey unpublished = new RSAKeyGenerator(2048).keyID("never-published").generate();
        answerTokens(sign(unpublished, idClaims(unknownKid.nonce()).build()), adminAccessToken());
        refused(oidc, "code", unknownKid, "ID token does not verify");
    }

    @Test
    void anIdTokenWithHs256OrNoSignatureIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow hmacFlow = begin(oidc);
        // HS256 keyed with the realm's public key: the classic algorithm confusion.
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                idClaims(hmacFlow.nonce()).build());
        hmac.sign(new MACSigner(java.util.Arrays.copyOf(key.toRSAPublicKey().getEncoded(), 64)));
        answerTokens(hmac.serialize(), adminAccessToken());
        refused(oidc, "code", hmacFlow, "ID token does not verify");

        Flow plainFlow = begin(oidc);
        answerTokens(new PlainJWT(idClaims(plainFlow.nonce()).build()).serialize(), adminAccessToken());
        refused(oidc, "code", plainFlow, "ID token does not verify");
    }

    @Test
    void anExpiredIdTokenIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow flow = begin(oidc);
        Instant now = Instant.now();
        answerTokens(idToken(flow, c -> c.issueTime(Date.from(now.minusSeconds(900))).expirationTime(Date.from(now.minusSeconds(300)))),
                adminAccessToken());
        refused(oidc, "code", flow, "Expired");
    }

    @Test
    void anIdTokenForAnotherAudienceOrIssuerIsRefused() throws Exception {
        OidcSignIn oidc = signIn();
        Flow audience = begin(oidc);
        answerTokens(idToken(audience, c -> c.audience("some-other-client")), adminAccessToken());
        refused(oidc, "code", audience, "aud");

        Flow issuer = begin(oidc);
        answerTokens(idToken(issuer, c -> c.issuer(origin() + "/realms/other")), adminAccessToken());
        refused(oidc, "code", issuer, "iss");
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerIsRefused() {
        server.resetAll();
        serveDiscovery(origin() + "/realms/evil");
        OidcSignIn.Refused e = assertThrows(OidcSignIn.Refused.class, () -> signIn().begin(CONSOLE));
        assertTrue(e.getMessage().contains("/realms/evil"), e.getMessage());
    }

    @Test
    void anUnreachableIssuerIsRefusedNotHung() {
        server.resetAll();
        server.stubFor(get(urlEqualTo(DISCOVERY)).willReturn(aResponse().withStatus(503)));
        OidcSignIn.Refused e = assertThrows(OidcSignIn.Refused.class, () -> signIn().begin(CONSOLE));
        assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
    }
}

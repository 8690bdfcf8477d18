package io.tributary.gateway.auth;

import io.tributary.proto.auth.SignInThrottle;
import io.tributary.proto.auth.LocalUserStore;
import io.tributary.gateway.observe.GatewayMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.tributary.gateway.audit.AuditTrail;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Basic credentials of users the local store does not hold, exchanged at a Keycloak realm's token
 * endpoint (WireMock), and what the gateway does when the realm cannot be reached.
 */
class BasicSignInAtIssuerTest {
    @TempDir
    Path dir;

    private FakeRealm realm;
    private LocalUserStore users;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final SettableClock clock = new SettableClock();
    private RememberedSignIns remembered;
    private TokenVerifier verifier;
    private AuditTrail audit;

    @BeforeEach
    void start() throws Exception {
        realm = new FakeRealm();
        acceptOnly("dave", "right");
        users = LocalUserStore.open(dir.resolve("users"));
        users.put("local", "pw".toCharArray());
        remembered = RememberedSignIns.open(dir.resolve("remembered-users"), Duration.ofHours(8), clock);
        verifier = new TokenVerifier(new OidcSettings(URI.create(realm.issuer()), FakeRealm.AUDIENCE));
        audit = AuditTrail.open(dir.resolve("audit"));
    }

    @AfterEach
    void stop() {
        realm.close();
        audit.close();
    }

    /** The token endpoint grants {@code user} a token for this password only; anything else is invalid_grant. */
    private void acceptOnly(String user, String password) throws Exception {
        realm.serve();
        realm.server.stubFor(post(urlEqualTo(FakeRealm.TOKEN)).atPriority(5).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_grant\"}")));
        realm.server.stubFor(post(urlEqualTo(FakeRealm.TOKEN)).atPriority(1)
                .withRequestBody(containing("grant_type=password")).withRequestBody(containing("client_id=tributary-gateway"))
                .withRequestBody(containing("username=" + user)).withRequestBody(containing("password=" + password))
                .willReturn(okJson("{\"access_token\":\"" + realm.token(user) + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")));
    }

    /** A fresh authenticator, as after a restart: nothing remembered in memory, only on disk. */
    private BasicAuthenticator authenticator() {
        return new BasicAuthenticator(users, metrics, audit, new SignInThrottle(clock), new PasswordGrant(verifier, "tributary-gateway", null),
                remembered);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private int tokenRequests() {
        return realm.server.findAll(postRequestedFor(urlEqualTo(FakeRealm.TOKEN))).size();
    }

    @Test
    void aRealmUserSignsInWithBasicOnceForManyRequests() {
        BasicAuthenticator auth = authenticator();
        assertEquals(Optional.of(Principal.ofRealm("dave", Set.of("share-write", "offline_access"), Set.of("/finance"))),
                auth.authenticate(basic("dave", "right"), "10.0.0.5"), "the realm's roles and groups come along");
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.of("dave"), auth.authenticate(basic("dave", "right"), "10.0.0.5").map(Principal::name));
        }
        assertEquals(1, tokenRequests(), "the realm is asked once, then the verified header is remembered");
        assertEquals(Optional.empty(), auth.authenticate(basic("dave", "wrong"), "10.0.0.5").map(Principal::name));
        assertEquals(Optional.of("local"), auth.authenticate(basic("local", "pw"), "10.0.0.5").map(Principal::name), "local users stay local");
        assertEquals(2, tokenRequests(), "no exchange for a local user");
        assertEquals(1, metrics.authFailures.getCount());
    }

    @Test
    void whileTheRealmIsDownRecentUsersStillSignInWithTheirPassword() throws Exception {
        assertEquals(Optional.of("dave"), authenticator().authenticate(basic("dave", "right"), "10.0.0.5").map(Principal::name));
        String kept = Files.readString(dir.resolve("remembered-users"));
        assertFalse(kept.contains("right"), "a hash, not the password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("remembered-users"))));

        realm.server.resetAll();
        realm.serve();
        realm.server.stubFor(post(urlEqualTo(FakeRealm.TOKEN)).willReturn(aResponse().withStatus(503)));
        remembered = RememberedSignIns.open(dir.resolve("remembered-users"), Duration.ofHours(8), clock);
        assertEquals(Optional.of(Principal.ofRealm("dave", Set.of("share-write", "offline_access"), Set.of("/finance"))),
                authenticator().authenticate(basic("dave", "right"), "10.0.0.5"), "signed in lately, with the roles and groups of then");
        assertEquals(Optional.empty(), authenticator().authenticate(basic("dave", "guess"), "10.0.0.5").map(Principal::name), "only that password");
        assertEquals(Optional.empty(), authenticator().authenticate(basic("erin", "right"), "10.0.0.5").map(Principal::name), "never signed in here");

        clock.advance(Duration.ofHours(8).plusMinutes(1));
        assertEquals(Optional.empty(), authenticator().authenticate(basic("dave", "right"), "10.0.0.5").map(Principal::name), "the window has passed");

        realm.server.stop();
        clock.advance(Duration.ofHours(-1));
        assertEquals(Optional.of("dave"), authenticator().authenticate(basic("dave", "right"), "10.0.0.5").map(Principal::name),
                "a realm that does not answer at all counts as down too");
    }

    @Test
    void aPasswordTheRealmRefusesIsNotAdmittedOfflineLater() throws Exception {
        assertEquals(Optional.of("dave"), authenticator().authenticate(basic("dave", "right"), "10.0.0.5").map(Principal::name));
        acceptOnly("dave", "changed");   // the password was changed (or the account disabled) at the realm
        assertEquals(Optional.empty(), authenticator().authenticate(basic("dave", "right"), "10.0.0.5").map(Principal::name));
        realm.server.resetAll();
        realm.serve();
        realm.server.stubFor(post(urlEqualTo(FakeRealm.TOKEN)).willReturn(aResponse().withStatus(503)));
        assertEquals(Optional.empty(), authenticator().authenticate(basic("dave", "right"), "10.0.0.5").map(Principal::name), "forgotten when refused");
    }

    @Test
    void guessingIsThrottledWithoutAskingTheRealm() {
        BasicAuthenticator auth = authenticator();
        for (int i = 0; i < SignInThrottle.USER_FAILURES; i++) {
            assertEquals(Optional.empty(), auth.authenticate(basic("dave", "guess" + i), "10.0.0.9").map(Principal::name));
        }
        int asked = tokenRequests();
        assertEquals(Optional.empty(), auth.authenticate(basic("dave", "right"), "10.0.0.9").map(Principal::name), "held back, even with the right password");
        assertEquals(asked, tokenRequests(), "and the realm was not asked");
        clock.advance(SignInThrottle.WINDOW.plusSeconds(1));
        assertEquals(Optional.of("dave"), auth.authenticate(basic("dave", "right"), "10.0.0.9").map(Principal::name));
    }

    @Test
    void namesThatCouldBreakTheRememberedFileAreRefused() {
        BasicAuthenticator auth = authenticator();
        assertEquals(Optional.empty(), auth.authenticate(basic("dave\nmallory", "right"), "10.0.0.5").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate(basic("x".repeat(300), "right"), "10.0.0.5").map(Principal::name));
        assertTrue(tokenRequests() == 0, "refused before any exchange");
    }
}

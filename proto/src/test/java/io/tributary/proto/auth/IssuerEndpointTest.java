package io.tributary.proto.auth;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IssuerEndpointTest {
    private static final URI HTTPS_ISSUER = URI.create("https://sso.example/realms/t");
    private static final URI LOCAL_ISSUER = URI.create("http://127.0.0.1:8180/realms/t");

    @Test
    void httpsEndpointsPassAndPlainHttpOnlyOnAPlainIssuersOwnHost() {
        assertEquals(URI.create("https://keys.example/certs"), IssuerEndpoint.check(HTTPS_ISSUER, "https://keys.example/certs", "jwks_uri"));
        assertEquals(URI.create("http://127.0.0.1:8180/t/token"), IssuerEndpoint.check(LOCAL_ISSUER, "http://127.0.0.1:8180/t/token", "token_endpoint"));
        assertEquals(URI.create("https://other.example/t"), IssuerEndpoint.check(LOCAL_ISSUER, "https://other.example/t", "token_endpoint"));
    }

    @Test
    void everythingElseIsRefusedNamingTheField() {
        for (String[] bad : new String[][]{
                {HTTPS_ISSUER.toString(), "http://sso.example/realms/t/token"},   // downgraded to plain http
                {LOCAL_ISSUER.toString(), "http://attacker.example/token"},        // plain http elsewhere
                {LOCAL_ISSUER.toString(), "ftp://127.0.0.1/token"},
                {LOCAL_ISSUER.toString(), "https:///no-host"},
                {LOCAL_ISSUER.toString(), "not a url"},
                {LOCAL_ISSUER.toString(), "/relative/token"}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IssuerEndpoint.check(URI.create(bad[0]), bad[1], "token_endpoint"), bad[1]);
            assertTrue(e.getMessage().startsWith("token_endpoint"), e.getMessage());
        }
    }
}

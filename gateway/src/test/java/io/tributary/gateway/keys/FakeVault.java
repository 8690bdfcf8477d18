package io.tributary.gateway.keys;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import java.net.URI;
import java.util.Arrays;
import java.util.Base64;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Vault's Transit engine for one tenant ({@code acme} unless told), played by WireMock on 127.0.0.1 with the request
 * and response shapes Vault documents: it mints two known data keys, unwraps them, rotates, and
 * re-wraps them under version 2. Requests without {@link #TOKEN} are refused, as Vault does.
 */
public final class FakeVault implements AutoCloseable {
    public static final String TOKEN = "hvs.test-token";
    static final String KEY = "/v1/transit/keys/tributary-acme";
    private final String name;
    static final byte[] DEDUPE = filled(1);
    static final byte[] DATA = filled(2);

    public final WireMockServer server;

    public FakeVault() {
        this("acme");
    }

    public FakeVault(String tenant) {
        name = "tributary-" + tenant;
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        serve();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    static byte[] filled(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }

    static String b64(byte[] k) {
        return Base64.getEncoder().encodeToString(k);
    }

    void serve() {
        server.resetAll();
        server.stubFor(post(anyUrl()).atPriority(9)
                .willReturn(aResponse().withStatus(403).withBody("{\"errors\":[\"permission denied\"]}")));
        server.stubFor(post(urlEqualTo("/v1/transit/keys/" + name)).withHeader("X-Vault-Token", equalTo(TOKEN)).willReturn(aResponse().withStatus(204)));
        server.stubFor(post(urlEqualTo("/v1/transit/datakey/plaintext/" + name)).withHeader("X-Vault-Token", equalTo(TOKEN))
                .inScenario("datakeys").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("one minted")
                .willReturn(okJson(data("\"plaintext\":\"" + b64(DEDUPE) + "\",\"ciphertext\":\"vault:v1:QUFB\",\"key_version\":1"))));
        server.stubFor(post(urlEqualTo("/v1/transit/datakey/plaintext/" + name)).withHeader("X-Vault-Token", equalTo(TOKEN))
                .inScenario("datakeys").whenScenarioStateIs("one minted")
                .willReturn(okJson(data("\"plaintext\":\"" + b64(DATA) + "\",\"ciphertext\":\"vault:v1:QkJC\",\"key_version\":1"))));
        decrypts("vault:v1:QUFB", DEDUPE);
        decrypts("vault:v1:QkJC", DATA);
        decrypts("vault:v2:Q0ND", DEDUPE);
        decrypts("vault:v2:RERE", DATA);
        server.stubFor(post(urlEqualTo("/v1/transit/keys/" + name + "/rotate")).withHeader("X-Vault-Token", equalTo(TOKEN)).willReturn(aResponse().withStatus(204)));
        rewraps("vault:v1:QUFB", "vault:v2:Q0ND");
        rewraps("vault:v1:QkJC", "vault:v2:RERE");
        // Deleting a transit key: allowed first through its config, then DELETE; decrypting under it fails after.
        server.stubFor(post(urlEqualTo("/v1/transit/keys/" + name + "/config")).withHeader("X-Vault-Token", equalTo(TOKEN))
                .withRequestBody(equalToJson("{\"deletion_allowed\":true}"))
                .willReturn(okJson(data("\"name\":\"" + name + "\",\"deletion_allowed\":true,\"type\":\"aes256-gcm96\""))));
        server.stubFor(delete(urlEqualTo("/v1/transit/keys/" + name)).withHeader("X-Vault-Token", equalTo(TOKEN))
                .inScenario("key").willSetStateTo("deleted").willReturn(aResponse().withStatus(204)));
        server.stubFor(post(urlEqualTo("/v1/transit/decrypt/" + name)).atPriority(1).inScenario("key").whenScenarioStateIs("deleted")
                .willReturn(aResponse().withStatus(400).withBody("{\"errors\":[\"encryption key not found\"]}")));
    }

    private void decrypts(String ciphertext, byte[] plaintext) {
        server.stubFor(post(urlEqualTo("/v1/transit/decrypt/" + name)).withHeader("X-Vault-Token", equalTo(TOKEN))
                .withRequestBody(containing(ciphertext)).willReturn(okJson(data("\"plaintext\":\"" + b64(plaintext) + "\""))));
    }

    private void rewraps(String from, String to) {
        server.stubFor(post(urlEqualTo("/v1/transit/rewrap/" + name)).withHeader("X-Vault-Token", equalTo(TOKEN))
                .withRequestBody(containing(from)).willReturn(okJson(data("\"ciphertext\":\"" + to + "\",\"key_version\":2"))));
    }

    static String data(String fields) {
        return "{\"request_id\":\"r\",\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":0,\"data\":{" + fields
                + "},\"warnings\":null}";
    }

    @Override
    public void close() {
        server.stop();
    }
}

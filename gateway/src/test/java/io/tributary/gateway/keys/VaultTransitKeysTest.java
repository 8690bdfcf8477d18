package io.tributary.gateway.keys;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vault's Transit engine as WireMock plays it, with the request and response shapes Vault documents. */
class VaultTransitKeysTest {
    private static final String TOKEN = FakeVault.TOKEN;
    private static final String KEY = FakeVault.KEY;
    private static final byte[] DEDUPE = FakeVault.DEDUPE;
    private static final byte[] DATA = FakeVault.DATA;

    @TempDir
    Path dir;
    private FakeVault fake;
    private WireMockServer vault;

    @BeforeEach
    void start() {
        fake = new FakeVault();
        vault = fake.server;
    }

    @AfterEach
    void stop() {
        vault.stop();
    }

    private VaultTransitKeys open(String token) throws IOException {
        return VaultTransitKeys.open(URI.create("http://127.0.0.1:" + vault.port()), "transit", token, dir);
    }

    @Test
    void keysAreMintedByVaultAndOnlyTheirWrappedFormsAreKept() throws Exception {
        TenantKeys keys = open(TOKEN).keys("acme");
        assertArrayEquals(DEDUPE, keys.dedupeKey());
        assertArrayEquals(DATA, keys.dataKey());
        Path file = dir.resolve(VaultTransitKeys.FILE);
        String kept = Files.readString(file);
        assertTrue(kept.contains("vault:v1:QUFB") && kept.contains("vault:v1:QkJC"), kept);
        assertFalse(kept.contains(FakeVault.b64(DEDUPE)) || kept.contains(FakeVault.b64(DATA)), "no plaintext key on disk");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        TenantKeys again = open(TOKEN).keys("acme");
        assertEquals(keys, again, "a restart unwraps the same keys");
        vault.verify(2, postRequestedFor(urlEqualTo("/v1/transit/datakey/plaintext/tributary-acme")));
        vault.verify(2, postRequestedFor(urlEqualTo("/v1/transit/decrypt/tributary-acme")));
    }

    @Test
    void rotationRewrapsWithoutChangingTheDataKeys() throws Exception {
        VaultTransitKeys keys = open(TOKEN);
        TenantKeys before = keys.keys("acme");
        assertEquals(1, keys.wrappedVersion("acme"));
        assertEquals(2, keys.rotateKey("acme"));
        String kept = Files.readString(dir.resolve(VaultTransitKeys.FILE));
        assertTrue(kept.contains("vault:v2:Q0ND") && !kept.contains("vault:v1:"), kept);
        assertEquals(before, open(TOKEN).keys("acme"), "old data stays readable: the data keys are the same");
        vault.verify(1, postRequestedFor(urlEqualTo(KEY + "/rotate")));
        vault.verify(2, postRequestedFor(urlEqualTo("/v1/transit/rewrap/tributary-acme")));
    }

    @Test
    void destroyingDeletesTheTransitKeySoNoWrappedCopyCanBeUnwrappedAgain() throws Exception {
        Path other = Files.createDirectories(dir.resolve("another-gateway"));
        VaultTransitKeys keys = open(TOKEN);
        assertFalse(keys.holds("acme"));
        keys.keys("acme");
        assertTrue(keys.holds("acme"));
        // Another gateway of the tenant holds the same wrapped keys, as a backup would.
        Files.copy(dir.resolve(VaultTransitKeys.FILE), other.resolve(VaultTransitKeys.FILE));

        String said = keys.destroy("acme");
        assertTrue(said.contains("tributary-acme"), said);
        vault.verify(1, postRequestedFor(urlEqualTo(KEY + "/config")));
        vault.verify(1, deleteRequestedFor(urlEqualTo(KEY)));
        assertFalse(Files.readString(dir.resolve(VaultTransitKeys.FILE)).contains("vault:v1:"), "no wrapped keys kept");

        TenantErasedException erased = assertThrows(TenantErasedException.class, () -> keys.keys("acme"));
        assertEquals("acme", erased.tenant());
        assertThrows(TenantErasedException.class, () -> open(TOKEN).keys("acme"), "a restart does not mint new keys");
        vault.verify(2, postRequestedFor(urlEqualTo("/v1/transit/datakey/plaintext/tributary-acme")));

        UncheckedIOException elsewhere = assertThrows(UncheckedIOException.class,
                () -> VaultTransitKeys.open(URI.create("http://127.0.0.1:" + vault.port()), "transit", TOKEN, other).keys("acme"));
        assertTrue(elsewhere.getMessage().contains("encryption key not found"), elsewhere.getMessage());
    }

    @Test
    void refusalsAndBadAnswersSayWhatWentWrongAndKeepNothing() throws Exception {
        UncheckedIOException denied = assertThrows(UncheckedIOException.class, () -> open("hvs.wrong").keys("acme"));
        assertTrue(denied.getMessage().contains("permission denied") && denied.getMessage().contains("403"), denied.getMessage());
        assertFalse(Files.exists(dir.resolve(VaultTransitKeys.FILE)), "nothing kept");

        vault.resetAll();
        vault.stubFor(post(urlEqualTo(KEY)).willReturn(aResponse().withStatus(204)));
        vault.stubFor(post(urlEqualTo("/v1/transit/datakey/plaintext/tributary-acme"))
                .willReturn(okJson(FakeVault.data("\"plaintext\":\"" + FakeVault.b64(new byte[16]) + "\",\"ciphertext\":\"vault:v1:QUFB\""))));
        UncheckedIOException shortKey = assertThrows(UncheckedIOException.class, () -> open(TOKEN).keys("acme"));
        assertTrue(shortKey.getMessage().contains("128-bit"), shortKey.getMessage());

        URI address = URI.create("http://127.0.0.1:" + vault.port());
        vault.stop();
        UncheckedIOException down = assertThrows(UncheckedIOException.class,
                () -> VaultTransitKeys.open(address, "transit", TOKEN, dir).keys("acme"));
        assertTrue(down.getMessage().contains("cannot reach Vault"), down.getMessage());
    }

    @Test
    void settingsAndTheKeptFileAreChecked() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> VaultTransitKeys.open(URI.create("http://vault.example.com"), "transit", TOKEN, dir));
        assertThrows(IllegalArgumentException.class, () -> open("has space"));
        assertThrows(IllegalArgumentException.class, () -> VaultTransitKeys.open(URI.create("https://v"), "../sys", TOKEN, dir));
        assertThrows(IllegalArgumentException.class, () -> open(TOKEN).keys("Bad Tenant"));
        Files.writeString(dir.resolve(VaultTransitKeys.FILE), "acme:plaintext-not-wrapped other\n");
        IOException damaged = assertThrows(IOException.class, () -> open(TOKEN));
        assertTrue(damaged.getMessage().contains("malformed"), damaged.getMessage());
    }
}

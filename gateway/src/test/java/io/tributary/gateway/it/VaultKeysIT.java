package io.tributary.gateway.it;

import io.tributary.gateway.keys.FakeVault;
import io.tributary.gateway.keys.VaultTransitKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway whose tenant keys are wrapped by Vault Transit (WireMock playing Vault): it seals what
 * it stores under keys Vault minted, keeps only their wrapped forms, and after a restart unwraps
 * them and reads everything back. Without Vault's answer it does not start.
 */
class VaultKeysIT {
    @TempDir
    Path temp;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aGatewayOnVaultKeysReadsItsFilesAfterARestart() throws Exception {
        try (FakeVault vault = new FakeVault("default")) {
            Path token = Files.writeString(temp.resolve("vault-token"), FakeVault.TOKEN + "\n");
            Path keys = temp.resolve("keys");
            GatewayProcess.Config config = GatewayProcess.Config.of("vault", temp.resolve("data")).extraArgs(
                    "--vault", vault.uri().toString(), "--vault-token-file", token.toString(), "--keys", keys.toString());
            byte[] content = "sealed under a key Vault minted".getBytes(StandardCharsets.UTF_8);
            try (GatewayProcess gateway = GatewayProcess.start(config)) {
                Fleet.assertWritten(gateway.dav().put("vaulted.txt", content), "PUT");
            }
            String kept = Files.readString(keys.resolve(VaultTransitKeys.FILE));
            assertTrue(kept.contains("vault:v1:"), kept);
            assertFalse(Files.exists(keys.resolve("tenant-keys.p12")), "no local keystore besides");
            vault.server.verify(2, postRequestedFor(urlMatching("/v1/transit/datakey/plaintext/.*")));

            try (GatewayProcess again = GatewayProcess.start(config)) {
                assertEquals(new String(content, StandardCharsets.UTF_8), again.dav().getString("vaulted.txt").body());
            }
            vault.server.verify(2, postRequestedFor(urlMatching("/v1/transit/decrypt/.*")));
            assertEquals(2, vault.server.findAll(postRequestedFor(urlMatching("/v1/transit/datakey/plaintext/.*"))).size(),
                    "no new keys were minted on restart");
        }
    }
}

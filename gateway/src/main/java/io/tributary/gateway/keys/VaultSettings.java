package io.tributary.gateway.keys;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a gateway's key-encryption keys live when they live in Vault.
 *
 * @param url       the Vault server
 * @param mount     the Transit engine's mount path
 * @param tokenFile a file holding the Vault token (never the command line)
 */
public record VaultSettings(URI url, String mount, Path tokenFile) {
    public VaultTransitKeys open(Path keysDir) throws IOException {
        String token = Files.readString(tokenFile).strip();
        return VaultTransitKeys.open(url, mount, token, keysDir);
    }
}

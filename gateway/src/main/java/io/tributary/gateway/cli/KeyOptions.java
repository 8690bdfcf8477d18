package io.tributary.gateway.cli;

import io.tributary.gateway.keys.KeyProvider;
import io.tributary.gateway.keys.LocalKeyStore;
import io.tributary.gateway.keys.VaultSettings;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Where the tenant keys are: the options the gateway and its key commands share. */
final class KeyOptions {
    @Option(names = "--keys", paramLabel = "DIR",
            description = "Tenant keystore directory; every gateway of a tenant needs the same keys. Default: DATA/keys.")
    Path keys;

    @Option(names = "--vault", paramLabel = "URL",
            description = "Wrap the tenant keys with HashiCorp Vault's Transit engine at this address (https) instead of the local "
                    + "keystore; the wrapped keys are kept in the --keys directory. Default: the local keystore.")
    String vault;

    @Option(names = "--vault-token-file", paramLabel = "FILE", description = "The Vault token, read from this file.")
    Path vaultTokenFile;

    @Option(names = "--vault-transit-mount", paramLabel = "PATH", defaultValue = "transit",
            description = "Where Vault's Transit engine is mounted. Default: ${DEFAULT-VALUE}.")
    String vaultMount;

    /** The Vault settings, or null for the local keystore. */
    VaultSettings vaultSettings() {
        if (vault == null) {
            return null;
        }
        if (vaultTokenFile == null) {
            throw new IllegalArgumentException("--vault needs --vault-token-file: the token is read from a file, never the command line");
        }
        return new VaultSettings(URI.create(vault), vaultMount, vaultTokenFile);
    }

    Path keysDir(Path data) {
        return keys != null ? keys : data.resolve("keys");
    }

    KeyProvider open(Path data) throws IOException {
        VaultSettings settings = vaultSettings();
        return settings != null ? settings.open(keysDir(data)) : LocalKeyStore.openOrCreate(keysDir(data));
    }
}

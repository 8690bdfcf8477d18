package io.tributary.gateway;

import io.tributary.gateway.auth.OidcSettings;
import io.tributary.gateway.auth.ShareAccess;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.keys.VaultSettings;
import io.tributary.gateway.journal.Durability;
import io.tributary.gateway.uplink.UplinkSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a gateway needs to start, as data. The command line builds one; tests may too.
 *
 * @param dataDir        the index, journal, keys and users live here
 * @param ssdDir         the chunk payloads (the SSD tier); may be another device
 * @param sharePort      the WebDAV port; 0 picks a free one
 * @param httpPort       the operator port (health, metrics); 0 picks a free one
 * @param localUsers     users to add to the local store at start, name to password
 * @param maxUploadBytes largest file a client may upload
 * @param keysDir        the tenant keystore; gateways of one tenant must share its keys
 * @param uplink         how to reach central, or null for a gateway on its own
 * @param cacheCapBytes  most bytes the chunk cache may take; 0 for no cap
 * @param oidc           the OIDC issuer (Keycloak realm) whose access tokens admit users, or null
 *                       for the local user store only
 * @param access         what the issuer's users may do in which share (local users may do anything)
 * @param shareTls       serve the share over HTTPS with the gateway's certificate (DATA/tls)
 * @param operatorTls    serve health and metrics over HTTPS with the same certificate
 * @param vault          wrap the tenant keys with Vault Transit instead of the local keystore, or null
 * @param lanWriteBudget most weight (a file's chunks plus one) of the files the LAN API's Write calls
 *                       hold at once, gateway-wide; 0 for one sized by the heap
 */
public record GatewayConfig(Path dataDir, Path ssdDir, String bindHost, int sharePort, int httpPort,
                            List<String> shares, Map<String, String> localUsers, Durability durability,
                            long maxUploadBytes, ChunkSizes chunkSizes, int zstdLevel, Path keysDir,
                            UplinkSettings uplink, long cacheCapBytes, int lanPort, OidcSettings oidc,
                            ShareAccess access, boolean shareTls, boolean operatorTls, VaultSettings vault,
                            long lanWriteBudget) {
    public static final long DEFAULT_MAX_UPLOAD = 1L << 40;
    public static final int DEFAULT_ZSTD_LEVEL = 1;

    public GatewayConfig {
        shares = List.copyOf(shares);
        localUsers = Map.copyOf(localUsers);
        if (shares.isEmpty()) {
            throw new IllegalArgumentException("a gateway needs at least one share");
        }
        if (maxUploadBytes <= 0) {
            throw new IllegalArgumentException("the upload limit must be positive");
        }
        if (cacheCapBytes < 0) {
            throw new IllegalArgumentException("--cache-cap must not be negative");
        }
        if (cacheCapBytes > 0 && uplink == null) {
            throw new IllegalArgumentException("--cache-cap needs --central: a gateway on its own has nowhere to evict to");
        }
        if (cacheCapBytes > 0 && cacheCapBytes < 16L << 20) {
            throw new IllegalArgumentException("--cache-cap must be at least 16m");
        }
        if (lanPort < -1 || lanPort > 65535) {
            throw new IllegalArgumentException("--grpc-port must be 0 to 65535, got " + lanPort);
        }
        if (lanWriteBudget < 0) {
            throw new IllegalArgumentException("--lan-write-budget must not be negative, got " + lanWriteBudget);
        }
        if (access == null) {
            access = ShareAccess.none();
        }
        for (String named : access.sharesNamed()) {
            if (!shares.contains(named)) {
                throw new IllegalArgumentException("--acl names the share '" + named + "', which this gateway does not serve");
            }
        }
        if (keysDir == null) {
            keysDir = dataDir.resolve("keys");
        }
    }

    /** A gateway on its own, with its keys in its data directory. */
    public GatewayConfig(Path dataDir, Path ssdDir, String bindHost, int sharePort, int httpPort,
                         List<String> shares, Map<String, String> localUsers, Durability durability,
                         long maxUploadBytes, ChunkSizes chunkSizes, int zstdLevel) {
        this(dataDir, ssdDir, bindHost, sharePort, httpPort, shares, localUsers, durability, maxUploadBytes,
                chunkSizes, zstdLevel, null, null, 0, -1, null, null, false, false, null, 0);
    }
}

package io.tributary.gateway.cli;

import io.tributary.gateway.Gateway;
import io.tributary.gateway.GatewayConfig;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.journal.Durability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tributary gateway}: runs a branch gateway until it is stopped. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run a branch gateway: a WebDAV share on --share-port, health and metrics on --http-port.")
public final class GatewayCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "Data directory: index, journal, keys, users.")
    Path data;

    @Option(names = "--ssd", description = "Chunk payload directory (the SSD tier). Default: DATA/ssd.")
    Path ssd;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Mixin
    ListenPorts ports;

    @Option(names = "--share", paramLabel = "NAME", description = "A share to serve (repeatable). Default: share.")
    List<String> shares = new ArrayList<>();

    @Option(names = "--local-user", paramLabel = "NAME:PASSWORD",
            description = "Add a user to the local user store (repeatable).")
    List<String> localUsers = new ArrayList<>();

    @Option(names = "--durability", defaultValue = "fsync",
            description = "fsync: acknowledged writes survive a power cut; os: they survive a crash of the gateway. Default: ${DEFAULT-VALUE}.")
    String durability;

    @Option(names = "--max-upload-bytes", defaultValue = "" + GatewayConfig.DEFAULT_MAX_UPLOAD,
            description = "Largest file a client may upload. Default: ${DEFAULT-VALUE}.")
    long maxUploadBytes;

    @Option(names = "--chunk-sizes", defaultValue = "16k/64k/256k", paramLabel = "MIN/AVG/MAX",
            description = "Content-defined chunk sizes. Default: ${DEFAULT-VALUE}.")
    String chunkSizes;

    @Option(names = "--compression-level", defaultValue = "" + GatewayConfig.DEFAULT_ZSTD_LEVEL,
            description = "zstd level for chunks that compress. Default: ${DEFAULT-VALUE}.")
    int compressionLevel;

    @Override
    public Integer call() throws Exception {
        GatewayConfig config = config();
        Gateway gateway = Gateway.start(config);
        for (String share : config.shares()) {
            System.out.println("share " + share + ": http://" + config.bindHost() + ":" + gateway.sharePort() + "/" + share + "/");
        }
        System.out.println("health and metrics: http://" + config.bindHost() + ":" + gateway.httpPort() + "/health /metrics");
        System.out.println("tributary gateway ready share-port=" + gateway.sharePort() + " http-port=" + gateway.httpPort());
        System.out.flush();
        gateway.serveUntilStopped();
        return 0;
    }

    GatewayConfig config() {
        Map<String, String> users = new LinkedHashMap<>();
        for (String user : localUsers) {
            int colon = user.indexOf(':');
            if (colon <= 0 || colon == user.length() - 1) {
                throw new IllegalArgumentException("--local-user takes NAME:PASSWORD, got '" + user.replaceAll(":.*", ":...") + "'");
            }
            users.put(user.substring(0, colon), user.substring(colon + 1));
        }
        return new GatewayConfig(data, ssd != null ? ssd : data.resolve("ssd"), bind, ports.sharePort, ports.httpPort,
                shares.isEmpty() ? List.of("share") : shares, users, Durability.parse(durability), maxUploadBytes,
                ChunkSizes.parse(chunkSizes), compressionLevel);
    }
}

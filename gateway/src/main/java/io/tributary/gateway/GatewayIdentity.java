package io.tributary.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The gateway's stable id, chosen at first start and kept in the data directory. Central
 * tracks upload positions and file versions by it, so it must never change for a data directory.
 */
final class GatewayIdentity {
    static final String FILE = "gateway-id";

    private GatewayIdentity() {
    }

    static String loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
            UUID.fromString(id); // refuse a damaged file rather than become another gateway
            return id;
        }
        String id = UUID.randomUUID().toString();
        Path tmp = dataDir.resolve(FILE + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}

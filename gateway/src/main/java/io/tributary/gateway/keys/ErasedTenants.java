package io.tributary.gateway.keys;

import io.tributary.proto.fs.PrivateFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Tombstones of destroyed tenant keys, in {@value #FILE} beside the keys (mode 0600): one line
 * per tenant, {@code TENANT ERASED_AT}. A tombstone is written before the keys are destroyed and
 * is never removed, so a provider never mints new keys for an erased tenant, which would make its
 * shares look empty instead of erased.
 */
public final class ErasedTenants {
    public static final String FILE = "erased-tenants";

    private final Path file;

    public ErasedTenants(Path keysDir) {
        this.file = keysDir.resolve(FILE);
    }

    /** When {@code tenant}'s keys were destroyed, read from the file now; empty if they were not. */
    public Optional<Instant> erasedAt(String tenant) throws IOException {
        return Optional.ofNullable(read().get(tenant));
    }

    /** Throws {@link TenantErasedException} if {@code tenant} is erased; an unreadable file counts as an error, not as none. */
    public void checkNotErased(String tenant) {
        Optional<Instant> at;
        try {
            at = erasedAt(tenant);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (at.isPresent()) {
            throw new TenantErasedException(tenant, at.get());
        }
    }

    /** Adds a tombstone for {@code tenant} (keeping an earlier one); durable when this returns. */
    public synchronized void mark(String tenant, Instant at) throws IOException {
        Map<String, Instant> all = read();
        all.putIfAbsent(tenant, at);
        StringBuilder out = new StringBuilder("# Tenants whose keys were destroyed: TENANT ERASED_AT. Never remove a line.\n");
        all.forEach((t, when) -> out.append(t).append(' ').append(when).append('\n'));
        PrivateFile.replace(file, out);
    }

    private Map<String, Instant> read() throws IOException {
        Map<String, Instant> all = new TreeMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return all;
        }
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.strip().split(" ");
            try {
                all.put(parts[0], Instant.parse(parts[1]));
            } catch (ArrayIndexOutOfBoundsException | DateTimeParseException e) {
                throw new IOException(file + " has a malformed line '" + line + "'; it was altered outside the gateway");
            }
        }
        return all;
    }
}

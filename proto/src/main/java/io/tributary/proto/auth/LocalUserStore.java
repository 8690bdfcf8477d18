package io.tributary.proto.auth;

import io.tributary.proto.fs.PrivateFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded default user store: names and salted PBKDF2 hashes in one file, readable by the
 * service user only. Keycloak replaces it in production; the quick start needs nothing else.
 */
public final class LocalUserStore {
    private final Path file;
    private final Map<String, String> hashes = new TreeMap<>();

    private LocalUserStore(Path file) {
        this.file = file;
    }

    /** Opens (or creates, empty) the store kept in {@code file}. */
    public static LocalUserStore open(Path file) throws IOException {
        LocalUserStore store = new LocalUserStore(file);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed line in " + file + ": expected NAME:HASH");
                }
                store.hashes.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return store;
    }

    /** Adds or replaces a user and saves the store. */
    public synchronized void put(String name, char[] password) throws IOException {
        checkName(name);
        if (password.length == 0) {
            throw new IllegalArgumentException("the password of '" + name + "' is empty");
        }
        hashes.put(name, PasswordHash.of(password));
        save();
    }

    /** True if the user exists and the password is theirs. Deliberately slow. */
    public boolean verify(String name, char[] password) {
        String stored;
        synchronized (this) {
            stored = hashes.get(name);
        }
        if (stored == null) {
            PasswordHash.spendTime(password);
            return false;
        }
        return PasswordHash.matches(stored, password);
    }

    /** True if the store has a user of this name. */
    public synchronized boolean has(String name) {
        return hashes.containsKey(name);
    }

    public static void checkName(String name) {
        if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9._@-]+")) {
            throw new IllegalArgumentException("user name '" + name + "' must be 1-64 of A-Z a-z 0-9 . _ @ -");
        }
    }

    private void save() throws IOException {
        StringBuilder out = new StringBuilder("# Tributary local users: NAME:pbkdf2-sha256$ITERATIONS$SALT$HASH\n");
        hashes.forEach((n, h) -> out.append(n).append(':').append(h).append('\n'));
        PrivateFile.replace(file, out);
    }
}

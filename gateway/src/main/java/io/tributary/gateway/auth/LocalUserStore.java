package io.tributary.gateway.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded default user store: names and salted PBKDF2 hashes in one file, readable by the
 * service user only. Keycloak replaces it in production; the quick start needs nothing else.
 */
public final class LocalUserStore {
    private static final int ITERATIONS = 210_000;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

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
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        hashes.put(name, "pbkdf2-sha256$" + ITERATIONS + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(derive(password, salt, ITERATIONS)));
        save();
    }

    /** True if the user exists and the password is theirs. Deliberately slow. */
    public boolean verify(String name, char[] password) {
        String stored;
        synchronized (this) {
            stored = hashes.get(name);
        }
        if (stored == null) {
            // Spend the same time for unknown users, so timing does not reveal who exists.
            derive(password, new byte[16], ITERATIONS);
            return false;
        }
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) {
            return false;
        }
        byte[] expected = B64D.decode(parts[3]);
        byte[] actual = derive(password, B64D.decode(parts[2]), Integer.parseInt(parts[1]));
        return MessageDigest.isEqual(expected, actual);
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9._@-]+")) {
            throw new IllegalArgumentException("user name '" + name + "' must be 1-64 of A-Z a-z 0-9 . _ @ -");
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 is not available", e);
        }
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder out = new StringBuilder("# Tributary local users: NAME:pbkdf2-sha256$ITERATIONS$SALT$HASH\n");
        hashes.forEach((n, h) -> out.append(n).append(':').append(h).append('\n'));
        Files.writeString(tmp, out, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

package io.tributary.gateway.keys;

import io.tributary.proto.fs.PrivateFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Tenant keys kept on the gateway itself, for a gateway that has no external key service.
 *
 * <p>The keys live in {@value #KEYSTORE_FILE}, a PKCS#12 keystore of AES secret-key entries named
 * {@code <tenant>-dedupe} and {@code <tenant>-data}, protected by a random password kept beside it
 * in {@value #PASSWORD_FILE}. Both files are mode 0600 and the directory, if created here, 0700:
 * the protection is the file system's, the password only keeps the file from being read where it
 * is copied without its password. Back the two files up together; losing them loses every chunk.
 *
 * <p>A tenant's keys are random 256-bit values minted on its first request and persisted before
 * they are returned, so nothing is ever sealed under a key that a restart would forget. Every
 * write replaces the file atomically (temporary file, fsync, rename, fsync of the directory).
 *
 * <p>Tenant names are lowercase ({@code [a-z0-9][a-z0-9._-]{0,63}}) because PKCS#12 aliases are
 * case-insensitive: {@code Acme} and {@code acme} would otherwise share keys.
 *
 * <p>Thread-safe. One process at a time may use a directory.
 */
public final class LocalKeyStore implements KeyProvider {
    public static final String KEYSTORE_FILE = "tenant-keys.p12";
    public static final String PASSWORD_FILE = "keystore.password";

    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final String TYPE = "PKCS12";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The password of a rotation under way; it replaces {@value #PASSWORD_FILE} once the keystore is re-protected. */
    static final String PENDING_PASSWORD_FILE = PASSWORD_FILE + ".new";

    private final Path dir;
    private final Path file;
    private final ErasedTenants erased;
    // Guarded by this (the store: KeyStore itself makes no promise about concurrent use).
    private char[] password;
    private KeyStore.PasswordProtection protection;
    private KeyStore store;
    private final ConcurrentHashMap<String, TenantKeys> cache = new ConcurrentHashMap<>();

    private LocalKeyStore(Path dir, Path file, char[] password, KeyStore store) {
        this.dir = dir;
        this.file = file;
        this.erased = new ErasedTenants(dir);
        this.password = password;
        this.protection = new KeyStore.PasswordProtection(password);
        this.store = store;
    }

    /**
     * Opens the keystore in {@code dir}, creating the directory, a password and an empty keystore
     * on first start.
     *
     * @throws IOException if the files cannot be read or written, the keystore is corrupt, or its
     *     password file is missing or does not match it
     */
    public static LocalKeyStore openOrCreate(Path dir) throws IOException {
        createPrivateDirectory(dir);
        Path passwordFile = dir.resolve(PASSWORD_FILE);
        Path file = dir.resolve(KEYSTORE_FILE);
        char[] password;
        if (Files.exists(passwordFile)) {
            password = readPassword(passwordFile);
        } else if (Files.exists(file)) {
            throw new IOException("keystore " + file + " exists but its password file " + passwordFile
                    + " is missing; restore it from the backup of both, the keys cannot be read without it");
        } else {
            password = newPassword();
            byte[] text = (new String(password) + "\n").getBytes(StandardCharsets.US_ASCII);
            PrivateFile.replace(passwordFile, out -> out.write(text));
        }

        KeyStore store;
        Path pending = dir.resolve(PENDING_PASSWORD_FILE);
        if (Files.exists(file) && Files.exists(pending)) {
            // A rotation stopped halfway: the keystore is under the old password or already under the new one.
            char[] next = readPassword(pending);
            KeyStore underNext = tryLoad(file, next);
            if (underNext != null) {
                Files.move(pending, passwordFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                PrivateFile.syncDirectory(dir);
                password = next;
                store = underNext;
            } else {
                store = load(file, passwordFile, password);
                Files.delete(pending);
            }
        } else if (Files.exists(file)) {
            store = load(file, passwordFile, password);
        } else {
            store = emptyStore();
            save(dir, file, store, password);
        }
        return new LocalKeyStore(dir, file, password, store);
    }

    /** The keystore file. */
    public Path file() {
        return file;
    }

    /**
     * The keys of {@code tenant}, minted and persisted on its first request.
     *
     * @throws IllegalArgumentException if {@code tenant} is not a valid tenant name
     * @throws UncheckedIOException if new keys cannot be persisted
     * @throws IllegalStateException if the keystore holds only one of the tenant's keys, or an
     *     entry that cannot be recovered
     */
    @Override
    public TenantKeys keys(String tenant) {
        check(tenant);
        TenantKeys keys = cache.get(tenant);
        if (keys != null) {
            return keys;
        }
        synchronized (this) {
            keys = cache.get(tenant);
            if (keys == null) {
                erased.checkNotErased(tenant);
                keys = read(tenant);
                if (keys == null) {
                    keys = mint(tenant);
                }
                cache.put(tenant, keys);
            }
            return keys;
        }
    }

    @Override
    public synchronized boolean holds(String tenant) {
        check(tenant);
        try {
            return store.containsAlias(dataAlias(tenant));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("keystore " + file + " cannot be searched: " + describe(e), e);
        }
    }

    /**
     * Re-protects every entry under a new random password, the key-encryption key of a PKCS#12
     * keystore, and replaces the password file; the keys themselves do not change. Crash-safe:
     * the new password is written beside the old one first, and {@link #openOrCreate} finishes
     * or undoes a rotation that stopped halfway.
     */
    @Override
    public synchronized String rotate(String tenant) throws IOException {
        check(tenant);
        if (read(tenant) == null) {
            throw new IllegalArgumentException("tenant " + tenant + " has no keys in " + file + " to rotate");
        }
        char[] next = newPassword();
        Path pending = dir.resolve(PENDING_PASSWORD_FILE);
        PrivateFile.replace(pending, new String(next) + "\n");
        KeyStore.PasswordProtection nextProtection = new KeyStore.PasswordProtection(next);
        KeyStore rewrapped = emptyStore();
        int entries = 0;
        try {
            for (String alias : java.util.Collections.list(store.aliases())) {
                rewrapped.setEntry(alias, store.getEntry(alias, protection), nextProtection);
                entries++;
            }
        } catch (GeneralSecurityException e) {
            Files.deleteIfExists(pending);
            throw new IOException("cannot re-protect the entries of " + file + ": " + describe(e), e);
        }
        save(dir, file, rewrapped, next);
        Files.move(pending, dir.resolve(PASSWORD_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        PrivateFile.syncDirectory(dir);
        store = rewrapped;
        password = next;
        protection = nextProtection;
        return "re-protected the " + entries + " keys in " + file + " under a new keystore password (" + PASSWORD_FILE
                + "); no content was re-encrypted";
    }

    /**
     * Writes the tenant's tombstone, then deletes its keys from the keystore. The keystore file is
     * replaced, not overwritten in place: a copy of the old file (a backup, or blocks the file
     * system has not reused) still holds the keys; see docs/security.md.
     */
    @Override
    public synchronized String destroy(String tenant) throws IOException {
        check(tenant);
        erased.mark(tenant, java.time.Instant.now());
        cache.remove(tenant);
        boolean had;
        try {
            had = store.containsAlias(dedupeAlias(tenant)) || store.containsAlias(dataAlias(tenant));
            store.deleteEntry(dedupeAlias(tenant));
            store.deleteEntry(dataAlias(tenant));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot delete the keys of tenant " + tenant + " from " + file + ": " + describe(e), e);
        }
        save(dir, file, store, password);
        return (had ? "destroyed the keys of tenant " + tenant + " in " + file : "tenant " + tenant + " had no keys in " + file)
                + "; its tombstone is in " + dir.resolve(ErasedTenants.FILE);
    }

    private static void check(String tenant) {
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant name \"" + tenant + "\" must be 1 to 64 of a-z, 0-9, '.', '_'"
                    + " and '-', starting with a letter or digit (keystore aliases ignore case)");
        }
    }

    private TenantKeys read(String tenant) {
        byte[] dedupe = readKey(dedupeAlias(tenant));
        byte[] data = readKey(dataAlias(tenant));
        if (dedupe == null && data == null) {
            return null;
        }
        if (dedupe == null || data == null) {
            throw new IllegalStateException("keystore " + file + " holds only the " + (dedupe == null ? "data" : "dedupe")
                    + " key of tenant " + tenant + "; it was altered outside the gateway, restore it from backup");
        }
        return new TenantKeys(tenant, dedupe, data);
    }

    private byte[] readKey(String alias) {
        try {
            if (!store.containsAlias(alias)) {
                return null;
            }
            if (!(store.getEntry(alias, protection) instanceof KeyStore.SecretKeyEntry entry)) {
                throw new IllegalStateException("keystore " + file + " entry " + alias + " is not a secret key");
            }
            byte[] key = entry.getSecretKey().getEncoded();
            if (key == null || key.length != TenantKeys.KEY_LENGTH) {
                throw new IllegalStateException("keystore " + file + " entry " + alias + " is not a 256-bit key");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("keystore " + file + " entry " + alias + " cannot be recovered: " + describe(e), e);
        }
    }

    private TenantKeys mint(String tenant) {
        SecretKey dedupe = newAesKey();
        SecretKey data = newAesKey();
        try {
            store.setEntry(dedupeAlias(tenant), new KeyStore.SecretKeyEntry(dedupe), protection);
            store.setEntry(dataAlias(tenant), new KeyStore.SecretKeyEntry(data), protection);
            save(dir, file, store, password);
        } catch (IOException | GeneralSecurityException e) {
            // Keep memory in step with the file: keys that were not persisted must not be handed out.
            forget(tenant);
            String message = "cannot persist new keys of tenant " + tenant + " to " + file + ": " + describe(e);
            throw new UncheckedIOException(message, e instanceof IOException io ? io : new IOException(e));
        }
        return new TenantKeys(tenant, dedupe.getEncoded(), data.getEncoded());
    }

    private void forget(String tenant) {
        try {
            store.deleteEntry(dedupeAlias(tenant));
            store.deleteEntry(dataAlias(tenant));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot undo unsaved keys of tenant " + tenant, e);
        }
    }

    /** Some JDK errors carry no message; their type then says what went wrong. */
    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String dedupeAlias(String tenant) {
        return tenant + "-dedupe";
    }

    private static String dataAlias(String tenant) {
        return tenant + "-data";
    }

    private static SecretKey newAesKey() {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(TenantKeys.KEY_LENGTH * 8, RANDOM);
            return generator.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256 is required of every Java platform", e);
        }
    }

    private static char[] newPassword() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
    }

    private static char[] readPassword(Path passwordFile) throws IOException {
        String text;
        try {
            text = Files.readString(passwordFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new IOException("cannot read keystore password file " + passwordFile + ": " + e, e);
        }
        if (text.isEmpty()) {
            throw new IOException("keystore password file " + passwordFile + " is empty");
        }
        return text.toCharArray();
    }

    private static KeyStore emptyStore() throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(null, null);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKCS#12 keystores are required of every Java platform", e);
        }
    }

    private static KeyStore load(Path file, Path passwordFile, char[] password) throws IOException {
        KeyStore store;
        try {
            store = KeyStore.getInstance(TYPE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PKCS#12 keystores are required of every Java platform", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
            return store;
        } catch (NoSuchFileException e) {
            throw new IOException("keystore " + file + " disappeared while opening it", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IOException("keystore " + file + " does not open with the password in " + passwordFile
                        + "; the two files must come from the same backup", e);
            }
            throw new IOException("keystore " + file + " is corrupt or unreadable: " + describe(e), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("keystore " + file + " is corrupt: " + describe(e), e);
        }
    }

    /** The keystore if {@code password} opens it, else null. */
    private static KeyStore tryLoad(Path file, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(in, password);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                return null;
            }
            throw new IOException("keystore " + file + " is corrupt or unreadable: " + describe(e), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("keystore " + file + " is corrupt: " + describe(e), e);
        }
    }

    private static void save(Path dir, Path file, KeyStore store, char[] password) throws IOException {
        PrivateFile.replace(file, out -> {
            try {
                store.store(out, password);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encode keystore " + file + ": " + describe(e), e);
            }
        });
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new IOException("key directory " + dir + " exists and is not a directory", e);
            }
            return;
        }
        // The creation mode is narrowed by the umask; set it outright.
        Files.setPosixFilePermissions(dir, DIR_MODE);
    }

}

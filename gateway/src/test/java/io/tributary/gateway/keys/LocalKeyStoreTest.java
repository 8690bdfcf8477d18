package io.tributary.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyStoreTest {
    @TempDir
    Path tmp;

    @Test
    void firstStartCreatesPrivateFiles() throws IOException {
        Path dir = tmp.resolve("state/keys");
        LocalKeyStore.openOrCreate(dir).keys("acme");

        assertEquals("rwx------", mode(dir));
        assertEquals("rw-------", mode(dir.resolve(LocalKeyStore.KEYSTORE_FILE)));
        assertEquals("rw-------", mode(dir.resolve(LocalKeyStore.PASSWORD_FILE)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(LocalKeyStore.PASSWORD_FILE, LocalKeyStore.KEYSTORE_FILE),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files are left");
        }
    }

    @Test
    void reopeningGivesTheSameKeys() throws IOException {
        TenantKeys first = LocalKeyStore.openOrCreate(tmp).keys("acme");
        String password = Files.readString(tmp.resolve(LocalKeyStore.PASSWORD_FILE));

        LocalKeyStore reopened = LocalKeyStore.openOrCreate(tmp);

        assertEquals(first, reopened.keys("acme"));
        assertEquals(password, Files.readString(tmp.resolve(LocalKeyStore.PASSWORD_FILE)), "the password is kept");
    }

    @Test
    void eachTenantGetsItsOwnRandomKeys() throws IOException {
        LocalKeyStore store = LocalKeyStore.openOrCreate(tmp);
        TenantKeys acme = store.keys("acme");
        TenantKeys globex = store.keys("globex");

        assertFalse(Arrays.equals(acme.dedupeKey(), globex.dedupeKey()));
        assertFalse(Arrays.equals(acme.dataKey(), globex.dataKey()));
        assertFalse(Arrays.equals(acme.dedupeKey(), acme.dataKey()), "dedupe and data keys are independent");
        assertEquals(32, acme.dataKey().length);
        assertSame(acme, store.keys("acme"), "keys are read once and cached");

        LocalKeyStore reopened = LocalKeyStore.openOrCreate(tmp);
        assertEquals(globex, reopened.keys("globex"));
        assertNotEquals(acme, reopened.keys("globex"));
    }

    @Test
    void concurrentFirstRequestsAgreeOnOneSetOfKeys() throws Exception {
        LocalKeyStore store = LocalKeyStore.openOrCreate(tmp);
        List<Callable<TenantKeys>> requests = Collections.nCopies(8, () -> store.keys("acme"));
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            Set<TenantKeys> distinct = new HashSet<>();
            for (Future<TenantKeys> f : pool.invokeAll(requests)) {
                distinct.add(f.get());
            }
            assertEquals(1, distinct.size());
            assertEquals(distinct.iterator().next(), LocalKeyStore.openOrCreate(tmp).keys("acme"));
        }
    }

    @Test
    void keysAreInNamedAesEntries() throws Exception {
        LocalKeyStore.openOrCreate(tmp).keys("acme");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] password = Files.readString(tmp.resolve(LocalKeyStore.PASSWORD_FILE)).strip().toCharArray();
        try (InputStream in = Files.newInputStream(tmp.resolve(LocalKeyStore.KEYSTORE_FILE))) {
            ks.load(in, password);
        }
        assertEquals(List.of("acme-data", "acme-dedupe"), Collections.list(ks.aliases()).stream().sorted().toList());
        assertEquals("AES", ks.getKey("acme-data", password).getAlgorithm());
    }

    @Test
    void corruptKeystoreIsReportedWithItsPath() throws IOException {
        LocalKeyStore.openOrCreate(tmp).keys("acme");
        Path file = tmp.resolve(LocalKeyStore.KEYSTORE_FILE);
        Files.write(file, "not a keystore".getBytes());

        IOException e = assertThrows(IOException.class, () -> LocalKeyStore.openOrCreate(tmp));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void mismatchedPasswordIsReported() throws IOException {
        LocalKeyStore.openOrCreate(tmp).keys("acme");
        Files.writeString(tmp.resolve(LocalKeyStore.PASSWORD_FILE), "some-other-password\n");

        IOException e = assertThrows(IOException.class, () -> LocalKeyStore.openOrCreate(tmp));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    @Test
    void missingPasswordFileIsNotReplaced() throws IOException {
        LocalKeyStore.openOrCreate(tmp).keys("acme");
        Files.delete(tmp.resolve(LocalKeyStore.PASSWORD_FILE));

        IOException e = assertThrows(IOException.class, () -> LocalKeyStore.openOrCreate(tmp));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve(LocalKeyStore.PASSWORD_FILE)));
    }

    @Test
    void rejectsTenantNamesThatCouldCollide() throws IOException {
        LocalKeyStore store = LocalKeyStore.openOrCreate(tmp);
        for (String bad : new String[] {"", "Acme", "-acme", "a/b", "x".repeat(65)}) {
            assertThrows(IllegalArgumentException.class, () -> store.keys(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> store.keys(null));
    }

    @Test
    void tenantKeysAreCopiedAndNeverPrinted() {
        byte[] dedupe = new byte[32];
        byte[] data = new byte[32];
        Arrays.fill(data, (byte) 0x5a);
        TenantKeys keys = new TenantKeys("acme", dedupe, data);
        dedupe[0] = 1;
        keys.dataKey()[0] = 1;

        assertArrayEquals(new byte[32], keys.dedupeKey());
        assertEquals(0x5a, keys.dataKey()[0]);
        assertEquals("TenantKeys[tenant=acme]", keys.toString());
        assertThrows(IllegalArgumentException.class, () -> new TenantKeys("acme", new byte[16], data));
    }

    @Test
    void rotationReprotectsTheSameKeysUnderANewPassword() throws Exception {
        LocalKeyStore store = LocalKeyStore.openOrCreate(tmp);
        TenantKeys acme = store.keys("acme");
        TenantKeys beta = store.keys("beta");
        String oldPassword = Files.readString(tmp.resolve(LocalKeyStore.PASSWORD_FILE)).strip();
        String said = store.rotate("acme");
        assertTrue(said.contains("4 keys"), said);
        String newPassword = Files.readString(tmp.resolve(LocalKeyStore.PASSWORD_FILE)).strip();
        assertNotEquals(oldPassword, newPassword);
        assertEquals("rw-------", mode(tmp.resolve(LocalKeyStore.PASSWORD_FILE)));
        assertFalse(Files.exists(tmp.resolve(LocalKeyStore.PENDING_PASSWORD_FILE)));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tmp.resolve(LocalKeyStore.KEYSTORE_FILE))) {
            assertThrows(IOException.class, () -> ks.load(in, oldPassword.toCharArray()), "the old password opens nothing");
        }
        LocalKeyStore reopened = LocalKeyStore.openOrCreate(tmp);
        assertEquals(acme, reopened.keys("acme"), "old data stays readable: the keys themselves did not change");
        assertEquals(beta, reopened.keys("beta"));
        assertThrows(IllegalArgumentException.class, () -> reopened.rotate("nobody"));
    }

    @Test
    void aRotationCutShortIsFinishedOrUndoneAtTheNextOpen() throws Exception {
        TenantKeys acme = LocalKeyStore.openOrCreate(tmp).keys("acme");
        // Cut before the keystore was replaced: the new password was never used.
        Files.writeString(tmp.resolve(LocalKeyStore.PENDING_PASSWORD_FILE), "a-password-never-used\n");
        assertEquals(acme, LocalKeyStore.openOrCreate(tmp).keys("acme"));
        assertFalse(Files.exists(tmp.resolve(LocalKeyStore.PENDING_PASSWORD_FILE)));

        // Cut after the keystore was replaced, before the password file was: the new one wins.
        LocalKeyStore store = LocalKeyStore.openOrCreate(tmp);
        Path password = tmp.resolve(LocalKeyStore.PASSWORD_FILE);
        String before = Files.readString(password);
        store.rotate("acme");
        String after = Files.readString(password);
        Files.writeString(tmp.resolve(LocalKeyStore.PENDING_PASSWORD_FILE), after);
        Files.writeString(password, before);
        assertEquals(acme, LocalKeyStore.openOrCreate(tmp).keys("acme"));
        assertEquals(after, Files.readString(password));
        assertFalse(Files.exists(tmp.resolve(LocalKeyStore.PENDING_PASSWORD_FILE)));
    }

    @Test
    void destroyedKeysAreGoneAndNeverMintedAgain() throws Exception {
        LocalKeyStore store = LocalKeyStore.openOrCreate(tmp);
        assertFalse(store.holds("acme"));
        store.keys("acme");
        assertTrue(store.holds("acme"));
        TenantKeys beta = store.keys("beta");
        String said = store.destroy("acme");
        assertTrue(said.contains("destroyed the keys of tenant acme"), said);
        assertFalse(store.holds("acme"));
        TenantErasedException erased = assertThrows(TenantErasedException.class, () -> store.keys("acme"));
        assertTrue(erased.getMessage().contains("cannot be read"), erased.getMessage());
        LocalKeyStore reopened = LocalKeyStore.openOrCreate(tmp);
        assertThrows(TenantErasedException.class, () -> reopened.keys("acme"), "a restart does not mint new keys");
        assertEquals(beta, reopened.keys("beta"), "other tenants keep theirs");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] pw = Files.readString(tmp.resolve(LocalKeyStore.PASSWORD_FILE)).strip().toCharArray();
        try (InputStream in = Files.newInputStream(tmp.resolve(LocalKeyStore.KEYSTORE_FILE))) {
            ks.load(in, pw);
        }
        assertEquals(List.of("beta-data", "beta-dedupe"), Collections.list(ks.aliases()).stream().sorted().toList());
        assertEquals("rw-------", mode(tmp.resolve(ErasedTenants.FILE)));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}

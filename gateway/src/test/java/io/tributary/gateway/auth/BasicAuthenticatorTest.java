package io.tributary.gateway.auth;

import io.tributary.gateway.observe.GatewayMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BasicAuthenticatorTest {
    @TempDir
    Path dir;

    private static String basic(String userPass) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rightPasswordAdmitsWrongOnesAndGarbageDoNot() throws Exception {
        LocalUserStore users = LocalUserStore.open(dir.resolve("users"));
        users.put("alice", "s3cret:with:colons".toCharArray());
        GatewayMetrics metrics = new GatewayMetrics();
        BasicAuthenticator auth = new BasicAuthenticator(users, metrics);
        assertEquals(Optional.of("alice"), auth.authenticate(basic("alice:s3cret:with:colons"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.of("alice"), auth.authenticate(basic("alice:s3cret:with:colons"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate(basic("alice:wrong"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate(basic("bob:s3cret:with:colons"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate("Basic !!!notbase64", "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate("Bearer abc", "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate(null, "127.0.0.1").map(Principal::name));
        assertEquals(3, metrics.authFailures.getCount());
    }

    @Test
    void theStoreKeepsHashesOnlyAndIsPrivate() throws Exception {
        Path file = dir.resolve("users");
        LocalUserStore.open(file).put("alice", "pa55word".toCharArray());
        String text = Files.readString(file);
        assertFalse(text.contains("pa55word"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        LocalUserStore reopened = LocalUserStore.open(file);
        assertEquals(true, reopened.verify("alice", "pa55word".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> reopened.put("bad name", "x".toCharArray()));
    }
}

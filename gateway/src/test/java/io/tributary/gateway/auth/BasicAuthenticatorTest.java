package io.tributary.gateway.auth;

import io.tributary.proto.auth.LocalUserStore;
import io.tributary.gateway.observe.GatewayMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.tributary.gateway.audit.AuditTrail;
import io.tributary.proto.v1.AuditEntry;
import java.util.ArrayList;
import java.util.List;

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
        AuditTrail audit = AuditTrail.open(dir.resolve("audit"));
        BasicAuthenticator auth = new BasicAuthenticator(users, metrics, audit);
        assertEquals(Optional.of("alice"), auth.authenticate(basic("alice:s3cret:with:colons"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.of("alice"), auth.authenticate(basic("alice:s3cret:with:colons"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate(basic("alice:wrong"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate(basic("bob:s3cret:with:colons"), "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate("Basic !!!notbase64", "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate("Bearer abc", "127.0.0.1").map(Principal::name));
        assertEquals(Optional.empty(), auth.authenticate(null, "127.0.0.1").map(Principal::name));
        assertEquals(3, metrics.authFailures.getCount());
        // One check per header: the second, remembered sign-in is not a new one.
        List<String> recorded = new ArrayList<>();
        try (AuditTrail.Tail tail = audit.tail(-1)) {
            for (AuditEntry e = tail.next(); e != null; e = tail.next()) {
                recorded.add(e.getAction() + " " + e.getActor() + " " + e.getAddress());
            }
        }
        assertEquals(List.of("signin.ok alice 127.0.0.1", "signin.failed alice 127.0.0.1", "signin.failed bob 127.0.0.1",
                "signin.failed  127.0.0.1"), recorded);
        audit.close();
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

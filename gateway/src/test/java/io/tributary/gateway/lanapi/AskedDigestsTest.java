package io.tributary.gateway.lanapi;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AskedDigestsTest {
    private static ByteString sha256(int n) throws Exception {
        return ByteString.copyFrom(MessageDigest.getInstance("SHA-256").digest(("chunk " + n).getBytes()));
    }

    @Test
    void everyDigestAskedForIsKnownHoweverManyTheCallAsks() throws Exception {
        AskedDigests asked = new AskedDigests();
        List<ByteString> digests = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            ByteString d = sha256(i);
            digests.add(d);
            asked.add(d);
        }
        for (ByteString d : digests) {
            assertTrue(asked.mightContain(d));
        }
    }

    @Test
    void aDigestNeverAskedForIsUnknownWhileTheCallHasAskedLittle() throws Exception {
        AskedDigests asked = new AskedDigests();
        assertFalse(asked.mightContain(sha256(-1)), "nothing asked yet");
        for (int i = 0; i < 1000; i++) {
            asked.add(sha256(i));
        }
        int mistaken = 0;
        for (int i = 1000; i < 11_000; i++) {
            if (asked.mightContain(sha256(i))) {
                mistaken++;
            }
        }
        // 1,000 digests in 65,536 bits with three probes: about 1 in 10,000 taken for asked.
        assertTrue(mistaken < 20, mistaken + " of 10,000 never asked were taken for asked");
    }

    @Test
    void aShortDigestIsHandledWithoutFailing() {
        AskedDigests asked = new AskedDigests();
        asked.add(ByteString.copyFromUtf8("ab"));
        assertTrue(asked.mightContain(ByteString.copyFromUtf8("ab")));
        assertFalse(asked.mightContain(ByteString.copyFromUtf8("zz")));
    }
}

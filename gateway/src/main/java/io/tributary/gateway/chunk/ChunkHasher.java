package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes chunk ids: HMAC-SHA-256 of the plaintext under the tenant's dedupe key. Keying the hash
 * means equal ids reveal equal content only to holders of that key, never across tenants.
 *
 * <p>Not thread-safe: use one per upload. Creating one is cheap, it clones a prepared {@link Mac}
 * instead of looking up a provider.
 */
public final class ChunkHasher {
    /** Dedupe keys are 256 bits. */
    public static final int KEY_LENGTH = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final Mac PROTOTYPE = prototype();

    private final Mac mac;
    private final byte[] digest = new byte[ChunkId.LENGTH];

    public ChunkHasher(byte[] dedupeKey) {
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        if (dedupeKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "a dedupe key is " + KEY_LENGTH + " bytes, got " + dedupeKey.length);
        }
        mac = copyOfPrototype();
        try {
            mac.init(new SecretKeySpec(dedupeKey, ALGORITHM));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 refused a " + KEY_LENGTH + "-byte key", e);
        }
    }

    /** The id of {@code buf[off, off + len)}. */
    public ChunkId hash(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        mac.update(buf, off, len);
        try {
            mac.doFinal(digest, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 output does not fit " + digest.length + " bytes", e);
        }
        return ChunkId.of(digest);
    }

    private static Mac copyOfPrototype() {
        try {
            return (Mac) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newMac();
        }
    }

    private static Mac prototype() {
        Mac mac = newMac();
        // Settles the provider now, so that concurrent clones only ever read the prototype.
        mac.getProvider();
        return mac;
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is required of every Java platform", e);
        }
    }
}

package io.tributary.gateway.chunk;

import io.tributary.proto.ChunkId;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes chunk ids: HMAC-SHA-256, under the tenant's dedupe key, of the SHA-256 digest of the
 * plaintext. Keying the hash means equal ids reveal equal content only to holders of that key,
 * never across tenants or to central. Hashing the digest rather than the plaintext lets a LAN
 * client name its chunks by plain SHA-256, which needs no key: the gateway turns a digest into
 * an id with {@link #idOf(byte[])} and so answers "which of these do you lack?" without the
 * client ever learning the dedupe key.
 *
 * <p>Not thread-safe: use one per upload. Creating one is cheap, it clones a prepared {@link Mac}
 * instead of looking up a provider.
 */
public final class ChunkHasher {
    /** Dedupe keys are 256 bits. */
    public static final int KEY_LENGTH = 32;

    /** A SHA-256 digest is 32 bytes. */
    public static final int DIGEST_LENGTH = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final Mac PROTOTYPE = prototype();

    private final Mac mac;
    private final MessageDigest sha256 = sha256();
    private final byte[] digest = new byte[DIGEST_LENGTH];
    private final byte[] id = new byte[ChunkId.LENGTH];

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
        sha256.update(buf, off, len);
        try {
            sha256.digest(digest, 0, DIGEST_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 output does not fit " + DIGEST_LENGTH + " bytes", e);
        }
        return idOf(digest);
    }

    /** The id of the chunk whose plaintext has the SHA-256 digest {@code sha256Digest}. */
    public ChunkId idOf(byte[] sha256Digest) {
        if (sha256Digest.length != DIGEST_LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest is " + DIGEST_LENGTH + " bytes, got " + sha256Digest.length);
        }
        mac.update(sha256Digest);
        try {
            mac.doFinal(id, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 output does not fit " + id.length + " bytes", e);
        }
        return ChunkId.of(id);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
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

package io.tributary.central.enroll;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A one-time enrollment token as an admin hands it to a branch:
 * {@code tbr1.SECRET.CA_SHA256}. The secret (24 random bytes, base64url) is what central checks;
 * it stores only its SHA-256. The CA fingerprint lets the gateway check that it is talking to
 * its central before it sends the secret.
 */
public record EnrollmentToken(String secret, String caFingerprint) {
    public static final int MAX_LENGTH = 256;
    private static final String PREFIX = "tbr1.";
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{32}");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public EnrollmentToken {
        if (!SECRET.matcher(secret).matches() || !FINGERPRINT.matcher(caFingerprint).matches()) {
            throw new IllegalArgumentException("an enrollment token is tbr1.<32 base64url characters>.<64 hex digits>");
        }
    }

    static EnrollmentToken fresh(String caFingerprint) {
        byte[] secret = new byte[24];
        RANDOM.nextBytes(secret);
        return new EnrollmentToken(Base64.getUrlEncoder().withoutPadding().encodeToString(secret), caFingerprint);
    }

    /** Parses what a person pasted; surrounding white space is forgiven, anything else is not. */
    public static EnrollmentToken parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.length() > MAX_LENGTH || !t.startsWith(PREFIX)) {
            throw new IllegalArgumentException("an enrollment token is tbr1.<32 base64url characters>.<64 hex digits>");
        }
        String[] parts = t.substring(PREFIX.length()).split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("an enrollment token is tbr1.<32 base64url characters>.<64 hex digits>");
        }
        return new EnrollmentToken(parts[0], parts[1]);
    }

    /** What central keeps instead of the secret. */
    String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + secret + "." + caFingerprint;
    }
}

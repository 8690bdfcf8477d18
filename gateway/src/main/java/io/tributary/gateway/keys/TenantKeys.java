package io.tributary.gateway.keys;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * A tenant's two 256-bit keys: {@code dedupeKey} makes chunk ids, {@code dataKey} seals chunks.
 * They are separate so that deriving ids never touches the key that protects content.
 *
 * <p>The arrays are copied in and out, so no holder can alter another's keys. {@link #toString()}
 * shows only the tenant.
 */
public record TenantKeys(String tenant, byte[] dedupeKey, byte[] dataKey) {
    public static final int KEY_LENGTH = 32;

    public TenantKeys {
        Objects.requireNonNull(tenant, "tenant");
        dedupeKey = checkedCopy(dedupeKey, "dedupe");
        dataKey = checkedCopy(dataKey, "data");
    }

    @Override
    public byte[] dedupeKey() {
        return dedupeKey.clone();
    }

    @Override
    public byte[] dataKey() {
        return dataKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TenantKeys other
                && tenant.equals(other.tenant)
                && MessageDigest.isEqual(dedupeKey, other.dedupeKey)
                && MessageDigest.isEqual(dataKey, other.dataKey);
    }

    /** Hashes the tenant only, so that hash codes say nothing about the keys. */
    @Override
    public int hashCode() {
        return tenant.hashCode();
    }

    @Override
    public String toString() {
        return "TenantKeys[tenant=" + tenant + "]";
    }

    private static byte[] checkedCopy(byte[] key, String which) {
        Objects.requireNonNull(key, which + "Key");
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a " + which + " key is " + KEY_LENGTH + " bytes, got " + key.length);
        }
        return key.clone();
    }
}

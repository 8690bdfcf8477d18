package io.tributary.gateway.keys;

import java.io.IOException;

/** Where a tenant's keys come from. Implementations are thread-safe. */
public interface KeyProvider {
    /**
     * The keys of {@code tenant}; a provider that can mint keys creates them on first request.
     *
     * @throws IllegalArgumentException if {@code tenant} is not a valid tenant name for the provider
     * @throws TenantErasedException if the tenant's keys were destroyed
     */
    TenantKeys keys(String tenant);

    /** Whether the tenant's keys exist here already, so that {@link #keys} would not mint them. */
    boolean holds(String tenant);

    /**
     * Wraps the tenant's keys under a new key-encryption key. The keys themselves, and so every
     * chunk sealed under them, stay as they were: nothing is re-encrypted.
     *
     * @return what was rotated, for the operator
     * @throws IllegalArgumentException if the tenant has no keys here
     */
    String rotate(String tenant) throws IOException;

    /**
     * Destroys the tenant's keys for good, leaving a tombstone so that they are never minted again:
     * every chunk sealed under them becomes unreadable.
     *
     * @return what was destroyed, for the operator
     */
    String destroy(String tenant) throws IOException;
}

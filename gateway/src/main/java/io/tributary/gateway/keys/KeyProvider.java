package io.tributary.gateway.keys;

/** Where a tenant's keys come from. Implementations are thread-safe. */
public interface KeyProvider {
    /**
     * The keys of {@code tenant}; a provider that can mint keys creates them on first request.
     *
     * @throws IllegalArgumentException if {@code tenant} is not a valid tenant name for the provider
     */
    TenantKeys keys(String tenant);
}

package io.tributary.gateway.keys;

import java.time.Instant;

/** The tenant's keys were destroyed on purpose: its content can no longer be read, by anyone. */
public final class TenantErasedException extends IllegalStateException {
    private final String tenant;
    private final Instant erasedAt;

    public TenantErasedException(String tenant, Instant erasedAt) {
        super("the keys of tenant '" + tenant + "' were destroyed at " + erasedAt + "; its content cannot be read any more");
        this.tenant = tenant;
        this.erasedAt = erasedAt;
    }

    public String tenant() {
        return tenant;
    }

    public Instant erasedAt() {
        return erasedAt;
    }
}

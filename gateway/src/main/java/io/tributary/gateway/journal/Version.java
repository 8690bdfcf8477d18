package io.tributary.gateway.journal;

/**
 * The name of one version of a file: the gateway that wrote it and the journal position there.
 * Central and every branch use the same name, so "is the file still the version I replaced?" has
 * one answer everywhere, and conflicts are decided the same way on every side.
 */
public record Version(String gateway, long position) {
    public Version {
        if (gateway == null || gateway.isEmpty()) {
            throw new IllegalArgumentException("a version needs the gateway that made it");
        }
    }
}

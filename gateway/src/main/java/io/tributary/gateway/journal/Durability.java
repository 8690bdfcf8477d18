package io.tributary.gateway.journal;

/** How far an acknowledged write must have reached before the client hears success. */
public enum Durability {
    /** Flushed to the device: survives a power cut. */
    FSYNC,
    /** Handed to the operating system: survives {@code kill -9} of the gateway, not a power cut. */
    OS;

    public static Durability parse(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "fsync" -> FSYNC;
            case "os" -> OS;
            default -> throw new IllegalArgumentException("durability must be 'fsync' or 'os', not '" + value + "'");
        };
    }
}

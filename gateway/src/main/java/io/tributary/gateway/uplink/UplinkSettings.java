package io.tributary.gateway.uplink;

import java.time.Duration;

/**
 * How a gateway reaches central.
 *
 * @param target               central's gRPC address, {@code host:port}
 * @param branch               this branch's name, shown in conflict copies and the console
 * @param uploadBytesPerSecond cap on chunk bytes sent upstream; 0 for none
 * @param window               how long the uplink gathers journal entries before coalescing them
 */
public record UplinkSettings(String target, String branch, long uploadBytesPerSecond, Duration window) {
    public static final Duration DEFAULT_WINDOW = Duration.ofMillis(50);

    public UplinkSettings {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("--central takes HOST:PORT, got '" + target + "'");
        }
        try {
            int port = Integer.parseInt(target.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--central port must be 1-65535, got " + port);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--central port is not a number: '" + target.substring(colon + 1) + "'");
        }
        if (branch == null || branch.isBlank() || branch.length() > 64 || !branch.matches("[\\p{L}\\p{N} ._-]+")) {
            throw new IllegalArgumentException("--branch must be 1-64 letters, digits, spaces, '.', '_' or '-'");
        }
        if (uploadBytesPerSecond < 0) {
            throw new IllegalArgumentException("--upload-rate must not be negative");
        }
    }
}

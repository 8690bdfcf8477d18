package io.tributary.gateway.uplink;

import io.tributary.gateway.share.SharePath;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a gateway reaches central.
 *
 * @param target               central's gRPC address, {@code host:port}
 * @param branch               this branch's name, shown in conflict copies and the console
 * @param uploadBytesPerSecond cap on chunk bytes sent upstream; 0 for none
 * @param window               how long the uplink gathers journal entries before coalescing them
 * @param pinned               folders (share to paths) whose content is prefetched and never evicted
 * @param accessRules          the share access rules in force, told to central for its console
 */
public record UplinkSettings(String target, String branch, long uploadBytesPerSecond, Duration window,
                             Map<String, List<SharePath>> pinned, List<String> accessRules) {
    public static final Duration DEFAULT_WINDOW = Duration.ofMillis(50);

    public UplinkSettings(String target, String branch, long uploadBytesPerSecond, Duration window) {
        this(target, branch, uploadBytesPerSecond, window, Map.of(), List.of());
    }

    public UplinkSettings(String target, String branch, long uploadBytesPerSecond, Duration window,
                          Map<String, List<SharePath>> pinned) {
        this(target, branch, uploadBytesPerSecond, window, pinned, List.of());
    }

    /** The same settings, telling central these access rules. */
    public UplinkSettings withAccessRules(List<String> rules) {
        return new UplinkSettings(target, branch, uploadBytesPerSecond, window, pinned, rules);
    }

    /** Parses {@code --pin SHARE/PATH} values. */
    public static Map<String, List<SharePath>> parsePins(List<String> pins) {
        Map<String, List<SharePath>> out = new java.util.LinkedHashMap<>();
        for (String pin : pins) {
            String t = pin.startsWith("/") ? pin.substring(1) : pin;
            int slash = t.indexOf('/');
            if (slash <= 0 || slash == t.length() - 1) {
                throw new IllegalArgumentException("--pin takes SHARE/FOLDER, e.g. share/projects, got '" + pin + "'");
            }
            out.computeIfAbsent(t.substring(0, slash), k -> new java.util.ArrayList<>())
                    .add(SharePath.parse(t.substring(slash + 1)));
        }
        return out;
    }

    public UplinkSettings {
        pinned = Map.copyOf(pinned);
        accessRules = List.copyOf(accessRules);
        checkTarget(target);
        if (branch == null || branch.isBlank() || branch.length() > 64 || !branch.matches("[\\p{L}\\p{N} ._-]+")) {
            throw new IllegalArgumentException("--branch must be 1-64 letters, digits, spaces, '.', '_' or '-'");
        }
        if (uploadBytesPerSecond < 0) {
            throw new IllegalArgumentException("--upload-rate must not be negative");
        }
    }

    /** Refuses a central address that is not {@code HOST:PORT} with a port of 1-65535. */
    public static void checkTarget(String target) {
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
    }
}

package io.tributary.central.meta;

import java.util.List;

/**
 * A gateway as central last heard of it.
 *
 * @param heartbeat the last {@code Heartbeat} message as sent, or null before the first
 */
public record GatewayRecord(String gatewayId, String branch, long ackedPosition, long lastSeenMillis,
                            String softwareVersion, List<String> accessRules, byte[] heartbeat) {
    public GatewayRecord {
        accessRules = List.copyOf(accessRules);
    }
}

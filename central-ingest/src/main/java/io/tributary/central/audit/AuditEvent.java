package io.tributary.central.audit;

/**
 * Something to record. {@code gateway} is the branch it happened at ({@link #CENTRAL} for
 * central's own actions); {@code originGateway} and {@code originIndex} the id of the gateway
 * that sent it and its index there, or null for central's own.
 */
public record AuditEvent(long atMillis, String actor, String action, String target, String gateway, String address,
                         String detail, String originGateway, Long originIndex) {
    public static final String CENTRAL = "central";
    public static final int MAX_FIELD_CHARS = 1024;

    public AuditEvent {
        actor = bounded(actor);
        action = bounded(action);
        target = bounded(target);
        gateway = bounded(gateway);
        address = bounded(address);
        detail = bounded(detail);
        originGateway = originGateway == null ? null : bounded(originGateway);
    }

    /** One of central's own actions. */
    public static AuditEvent atCentral(long atMillis, String actor, String action, String target, String address, String detail) {
        return new AuditEvent(atMillis, actor, action, target, CENTRAL, address, detail, null, null);
    }

    // Fields come from gateways and clients: keep them printable and short.
    private static String bounded(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_FIELD_CHARS));
        s.codePoints().limit(MAX_FIELD_CHARS).forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}

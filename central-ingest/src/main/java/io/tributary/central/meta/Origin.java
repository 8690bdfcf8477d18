package io.tributary.central.meta;

/** Who makes a batch of changes: a gateway (by id and branch name) or central itself (restores). */
public record Origin(String gatewayId, String branch) {
    public static final String CENTRAL_ID = "central";
    public static final Origin CENTRAL = new Origin(CENTRAL_ID, "central");

    public boolean isCentral() {
        return CENTRAL_ID.equals(gatewayId);
    }
}

package io.tributary.central.versions;

/**
 * One version of a file: the current one ({@code replacedRevision} -1) or a previous one.
 * {@code revision} is the revision that created it; {@code manifest} its chunk list.
 */
public record FileVersion(String path, long revision, long createdMillis, long size, long modifiedMillis,
                          String originGateway, long originPosition, byte[] manifest, long replacedRevision,
                          long replacedMillis) {
    public boolean current() {
        return replacedRevision < 0;
    }
}

package io.tributary.central.meta;

/**
 * One row of {@code entries}: a file or directory as central has it now. Directories have no
 * version, manifest or size. {@code manifest} is the file's chunk list as {@code PutFile} bytes
 * (chunks only); {@code props} its dead properties as {@code PatchProperties.set} bytes.
 */
public record Entry(String share, String key, String path, String parentKey, boolean dir, long size,
                    long modifiedMillis, String versionGateway, long versionPosition, byte[] manifest,
                    byte[] props, long revision, long createdMillis) {

    public boolean hasVersion(String gateway, long position) {
        return !dir && gateway.equals(versionGateway) && position == versionPosition;
    }

    public Entry withPath(String display) {
        return new Entry(share, key, display, parentKey, dir, size, modifiedMillis, versionGateway, versionPosition, manifest,
                props, revision, createdMillis);
    }

    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}

package io.tributary.gateway.share;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** A node as stored in the {@code nodes} column family: attributes keyed by node id. */
record Node(long id, long parent, boolean directory, long size, long modifiedMillis, long createdMillis,
            long version, String name) {

    Node withName(long newParent, String newName) {
        return new Node(id, newParent, directory, size, modifiedMillis, createdMillis, version, newName);
    }

    Node withContent(long newSize, long newModified) {
        return new Node(id, parent, directory, newSize, newModified, createdMillis, version + 1, name);
    }

    Node withModified(long newModified) {
        return new Node(id, parent, directory, size, newModified, createdMillis, version + 1, name);
    }

    Node bumped() {
        return new Node(id, parent, directory, size, modifiedMillis, createdMillis, version + 1, name);
    }

    Entry entry() {
        return new Entry(id, name, directory, size, Instant.ofEpochMilli(modifiedMillis), Instant.ofEpochMilli(createdMillis), version);
    }

    byte[] encode() {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 8 * 5 + n.length)
                .put((byte) (directory ? 1 : 0)).putLong(parent).putLong(size).putLong(modifiedMillis)
                .putLong(createdMillis).putLong(version).put(n).array();
    }

    static Node decode(long id, byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        boolean dir = b.get() == 1;
        long parent = b.getLong();
        long size = b.getLong();
        long mtime = b.getLong();
        long ctime = b.getLong();
        long version = b.getLong();
        String name = new String(value, b.position(), b.remaining(), StandardCharsets.UTF_8);
        return new Node(id, parent, dir, size, mtime, ctime, version, name);
    }
}

package io.tributary.gateway.journal;

import io.tributary.proto.ChunkId;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal's binary form of a {@link Change}: a format byte, a type byte, then the fields.
 * Hand-written rather than reflective so that the format is explicit and stable across releases.
 * Format 2 puts the id of the client request that made the change before the share, so that it
 * can follow the change upstream; format 1 entries (and changes no request made) have none.
 */
public final class ChangeCodec {
    private static final int FORMAT = 1;
    private static final int FORMAT_TRACED = 2;
    private static final int PUT = 1, MKDIR = 2, DELETE = 3, MOVE = 4, COPY = 5, PROPS = 6, MTIME = 7, REMOTE = 8;

    private ChangeCodec() {
    }

    public static byte[] encode(Change change) {
        return encode(change, null);
    }

    /** The change with the id of the request that made it, or none when {@code requestId} is null. */
    public static byte[] encode(Change change, String requestId) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(change instanceof Change.PutFile p ? 64 + p.chunks().size() * 36 : 128);
        try (DataOutputStream out = new DataOutputStream(buf)) {
            if (requestId == null) {
                out.writeByte(FORMAT);
            } else {
                out.writeByte(FORMAT_TRACED);
                out.writeUTF(requestId);
            }
            out.writeUTF(change.share());
            write(out, change);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    private static void write(DataOutputStream out, Change change) throws IOException {
        switch (change) {
            case Change.PutFile p -> {
                out.writeByte(PUT);
                writePath(out, p.path());
                out.writeLong(p.nodeId());
                out.writeLong(p.modifiedMillis());
                out.writeLong(p.size());
                out.writeInt(p.chunks().size());
                byte[] id = new byte[ChunkId.LENGTH];
                for (ChunkRef c : p.chunks()) {
                    c.id().copyTo(id, 0);
                    out.write(id);
                    out.writeInt(c.length());
                }
                // Appended last: entries written before versions (or edits) existed simply end here.
                writeVersion(out, p.base());
                writeEdit(out, p.edit());
            }
            case Change.MakeDirectory m -> {
                out.writeByte(MKDIR);
                writePath(out, m.path());
                out.writeLong(m.nodeId());
                out.writeLong(m.modifiedMillis());
            }
            case Change.Delete d -> {
                out.writeByte(DELETE);
                writePath(out, d.path());
            }
            case Change.Move m -> {
                out.writeByte(MOVE);
                writePath(out, m.from());
                writePath(out, m.to());
            }
            case Change.Copy c -> {
                out.writeByte(COPY);
                writePath(out, c.from());
                writePath(out, c.to());
                out.writeBoolean(c.recursive());
                out.writeLong(c.firstNodeId());
                out.writeLong(c.modifiedMillis());
            }
            case Change.PatchProperties p -> {
                out.writeByte(PROPS);
                writePath(out, p.path());
                out.writeInt(p.set().size());
                for (Map.Entry<String, String> e : p.set().entrySet()) {
                    out.writeUTF(e.getKey());
                    writeLongString(out, e.getValue());
                }
                out.writeInt(p.remove().size());
                for (String name : p.remove()) {
                    out.writeUTF(name);
                }
            }
            case Change.SetModified s -> {
                out.writeByte(MTIME);
                writePath(out, s.path());
                out.writeLong(s.modifiedMillis());
            }
            case Change.Remote r -> {
                out.writeByte(REMOTE);
                out.writeLong(r.revision());
                writeVersion(out, r.version());
                write(out, r.change());
            }
        }
    }

    private static void writeVersion(DataOutputStream out, Version v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeUTF(v.gateway());
            out.writeLong(v.position());
        }
    }

    private static void writeEdit(DataOutputStream out, ManifestEdit e) throws IOException {
        out.writeBoolean(e != null);
        if (e != null) {
            out.writeInt(e.baseChunks());
            out.writeInt(e.hunks().size());
            byte[] id = new byte[ChunkId.LENGTH];
            for (ManifestEdit.Hunk h : e.hunks()) {
                out.writeInt(h.baseStart());
                out.writeInt(h.newCount());
                out.writeInt(h.replaced().size());
                for (ChunkRef c : h.replaced()) {
                    c.id().copyTo(id, 0);
                    out.write(id);
                    out.writeInt(c.length());
                }
            }
        }
    }

    private static ManifestEdit readEdit(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int baseChunks = in.readInt();
        int count = in.readInt();
        if (count < 1 || count > ManifestEdit.MAX_HUNKS) {
            throw new IOException("corrupt manifest edit: " + count + " hunks");
        }
        List<ManifestEdit.Hunk> hunks = new ArrayList<>(count);
        byte[] id = new byte[ChunkId.LENGTH];
        try {
            for (int h = 0; h < count; h++) {
                int start = in.readInt();
                int newCount = in.readInt();
                int n = in.readInt();
                if (n < 0 || n > baseChunks) {
                    throw new IOException("corrupt manifest edit: a hunk replaces " + n + " of " + baseChunks + " chunks");
                }
                List<ChunkRef> replaced = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    in.readFully(id);
                    replaced.add(new ChunkRef(ChunkId.of(id), in.readInt()));
                }
                hunks.add(new ManifestEdit.Hunk(start, replaced, newCount));
            }
            return new ManifestEdit(baseChunks, hunks);
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt manifest edit: " + e.getMessage(), e);
        }
    }

    private static Version readVersion(DataInputStream in) throws IOException {
        return in.readBoolean() ? new Version(in.readUTF(), in.readLong()) : null;
    }

    public static Change decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format == FORMAT_TRACED) {
                in.readUTF();
            } else if (format != FORMAT) {
                throw new IllegalArgumentException("unknown journal entry format " + format);
            }
            String share = in.readUTF();
            return read(in, share, false);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated journal entry", e);
        }
    }

    /** The id of the request that made the entry's change, or null. */
    public static String requestId(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT_TRACED) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.readUnsignedByte();
            return in.readUTF();
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated journal entry", e);
        }
    }

    private static Change read(DataInputStream in, String share, boolean nested) throws IOException {
        int type = in.readUnsignedByte();
        return switch (type) {
            case PUT -> {
                List<String> path = readPath(in);
                long nodeId = in.readLong();
                long mtime = in.readLong();
                long size = in.readLong();
                int n = in.readInt();
                List<ChunkRef> chunks = new ArrayList<>(n);
                byte[] id = new byte[ChunkId.LENGTH];
                for (int i = 0; i < n; i++) {
                    in.readFully(id);
                    chunks.add(new ChunkRef(ChunkId.of(id), in.readInt()));
                }
                Version base = in.available() > 0 ? readVersion(in) : null;
                ManifestEdit edit = in.available() > 0 ? readEdit(in) : null;
                yield new Change.PutFile(share, path, nodeId, mtime, size, chunks, base, edit);
            }
            case MKDIR -> new Change.MakeDirectory(share, readPath(in), in.readLong(), in.readLong());
            case DELETE -> new Change.Delete(share, readPath(in));
            case MOVE -> new Change.Move(share, readPath(in), readPath(in));
            case COPY -> new Change.Copy(share, readPath(in), readPath(in), in.readBoolean(), in.readLong(), in.readLong());
            case PROPS -> {
                List<String> path = readPath(in);
                int n = in.readInt();
                Map<String, String> set = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    set.put(in.readUTF(), readLongString(in));
                }
                int m = in.readInt();
                List<String> remove = new ArrayList<>(m);
                for (int i = 0; i < m; i++) {
                    remove.add(in.readUTF());
                }
                yield new Change.PatchProperties(share, path, set, remove);
            }
            case MTIME -> new Change.SetModified(share, readPath(in), in.readLong());
            case REMOTE -> {
                if (nested) {
                    throw new IllegalArgumentException("a remote journal entry inside another");
                }
                long revision = in.readLong();
                Version version = readVersion(in);
                yield new Change.Remote(share, revision, version, read(in, share, true));
            }
            default -> throw new IllegalArgumentException("unknown journal entry type " + type);
        };
    }

    private static void writePath(DataOutputStream out, List<String> path) throws IOException {
        out.writeShort(path.size());
        for (String name : path) {
            out.writeUTF(name);
        }
    }

    private static List<String> readPath(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        List<String> path = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            path.add(in.readUTF());
        }
        return path;
    }

    // writeUTF stops at 64 KiB; property values may be longer.
    private static void writeLongString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readLongString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}

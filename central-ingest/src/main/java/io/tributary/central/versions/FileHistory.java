package io.tributary.central.versions;

import io.tributary.central.meta.Entry;
import io.tributary.central.meta.MetaStore;
import io.tributary.central.meta.SharePath;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the versions central holds for a path or a folder. */
public final class FileHistory {
    private static final String COLUMNS = "path, revision_created, created_millis, size, modified_millis, version_gateway,"
            + " version_position, manifest, revision_replaced, replaced_millis";
    private final MetaStore meta;

    public FileHistory(MetaStore meta) {
        this.meta = meta;
    }

    /** The current version (if the file exists) first, then previous versions, newest first. */
    public List<FileVersion> of(String share, SharePath path) throws SQLException {
        List<FileVersion> out = new ArrayList<>();
        Optional<Entry> current = meta.entry(share, path);
        current.filter(e -> !e.dir()).ifPresent(e -> out.add(currentOf(e)));
        out.addAll(meta.database().transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM versions WHERE share = ? AND path_key = ?"
                    + " ORDER BY revision_replaced DESC, id DESC")) {
                ps.setString(1, share);
                ps.setString(2, path.key());
                return list(ps);
            }
        }));
        return out;
    }

    /** For each path at or below {@code folder} (by key), the previous version that was current at {@code atMillis}. */
    List<FileVersion> previousAt(String share, SharePath folder, long atMillis) throws SQLException {
        return meta.database().transaction(c -> {
            String where = folder.isRoot() ? "" : " AND (path_key = ? OR substr(path_key, 1, ?) = ?)";
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM versions WHERE share = ?"
                    + " AND created_millis <= ? AND replaced_millis > ?" + where + " ORDER BY created_millis, id")) {
                ps.setString(1, share);
                ps.setLong(2, atMillis);
                ps.setLong(3, atMillis);
                if (!folder.isRoot()) {
                    String key = folder.key();
                    ps.setString(4, key);
                    ps.setInt(5, key.codePointCount(0, key.length()) + 1);
                    ps.setString(6, key + "/");
                }
                return list(ps);
            }
        });
    }

    static FileVersion currentOf(Entry e) {
        return new FileVersion(e.path(), e.revision(), e.createdMillis(), e.size(), e.modifiedMillis(), e.versionGateway(),
                e.versionPosition(), e.manifest(), -1, -1);
    }

    private static List<FileVersion> list(PreparedStatement ps) throws SQLException {
        List<FileVersion> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new FileVersion(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getString(6), rs.getLong(7), rs.getBytes(8), rs.getLong(9), rs.getLong(10)));
            }
        }
        return out;
    }
}

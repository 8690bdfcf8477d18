package io.tributary.central.audit;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** A recorded event: its place in the chain, the hash of the record before and its own. */
public record AuditRecord(long seq, AuditEvent event, String previousHash, String hash) {
    public static final String GENESIS = "0".repeat(64);

    /**
     * SHA-256 over the record's fields in a fixed, length-prefixed encoding, so no two different
     * records encode alike.
     */
    public static String hash(long seq, AuditEvent e, String previousHash) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(seq);
            out.writeLong(e.atMillis());
            for (String field : new String[]{e.actor(), e.action(), e.target(), e.gateway(), e.address(), e.detail(),
                    e.originGateway() == null ? "" : e.originGateway(), previousHash}) {
                byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            out.writeLong(e.originIndex() == null ? -1 : e.originIndex());
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The record as one JSON object, for export and the admin API. */
    public JsonObject toJson() {
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("seq", seq)
                .add("at", Instant.ofEpochMilli(event.atMillis()).toString())
                .add("atMillis", event.atMillis())
                .add("actor", event.actor())
                .add("action", event.action())
                .add("target", event.target())
                .add("gateway", event.gateway())
                .add("address", event.address())
                .add("detail", event.detail());
        if (event.originIndex() != null) {
            b.add("originGateway", event.originGateway()).add("originIndex", event.originIndex());
        }
        return b.add("previousHash", previousHash).add("hash", hash).build();
    }
}

package io.tributary.gateway.chunk;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import com.github.luben.zstd.ZstdException;
import io.tributary.proto.ChunkId;
import java.lang.ref.Cleaner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a chunk's plaintext into the blob that is stored and shipped, and back: zstd when it pays,
 * then AES-256-GCM under a key of the chunk's own.
 *
 * <h2>Sealed layout</h2>
 * <pre>
 * offset  length  field
 *      0       1  format version, 1
 *      1       1  flags: bit 0 set = the payload is a zstd frame; bit 1 set (with bit 0) = the
 *                 frame is a delta, made with the plaintexts of base chunks as dictionary;
 *                 other bits 0
 *      2       4  plaintext length, big-endian
 *      6      12  GCM nonce, random
 *     18       n  payload, encrypted
 *   18+n      16  GCM tag
 * </pre>
 * The additional authenticated data is bytes 0..5 followed by the 32-byte chunk id, so a blob opens
 * only under the id it was sealed for and its header cannot be altered. {@link #OVERHEAD} is 34.
 * A delta's additional data goes on with the ids of its bases, in order, so that it opens only
 * against the bases it was made from.
 *
 * <h2>Deltas</h2>
 * A chunk that replaced others in a new version of a file may be sealed as a delta against them
 * ({@link #sealDelta}): a zstd frame compressed with their concatenated plaintexts as a
 * raw-content dictionary. Unchanged stretches become back references, so a chunk that differs
 * from its predecessor by a hundred bytes seals to a few hundred. Deltas travel to central and
 * back; a gateway opens one with {@link #openDelta} and keeps the chunk sealed whole.
 *
 * <h2>Per-chunk keys</h2>
 * The AES key of a chunk is HKDF-SHA-256 (RFC 5869) of the tenant data key:
 * {@code PRK = HMAC-SHA-256(salt = "tributary chunk sealer v1", dataKey)}, computed once, and
 * {@code key = HMAC-SHA-256(PRK, "tributary chunk key v1" || id || 0x01)}, the first and only
 * expand block. Distinct keys per chunk keep each key's GCM usage to a handful of messages (a chunk
 * is sealed again only when it is re-uploaded), so random 96-bit nonces are far from their limits.
 *
 * <h2>Compression</h2>
 * A chunk is stored compressed only when that saves at least 1/16 of it. Chunks of 8 KiB and more
 * first compress their leading 4 KiB; if that sample does not save 1/16 either, the chunk is taken
 * as incompressible (already compressed media, archives, ciphertext) and left alone, which costs a
 * sixteenth of a full attempt on a 64 KiB chunk.
 *
 * <p>Thread-safe. The per-call state (MAC, cipher, zstd contexts, scratch) is pooled.
 */
public final class ChunkSealer {
    static final byte VERSION = 1;
    static final int FLAG_ZSTD = 1;
    static final int FLAG_DELTA = 2;
    static final int DELTA_LEVEL = 3;
    static final int HEADER_LENGTH = 6;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int PAYLOAD_OFFSET = HEADER_LENGTH + NONCE_LENGTH;

    /** Data keys are 256 bits. */
    public static final int KEY_LENGTH = 32;
    /** Bytes a sealed chunk adds to its payload: header, nonce and tag, 34. */
    public static final int OVERHEAD = PAYLOAD_OFFSET + TAG_LENGTH;
    /** The prefix that decides whether a whole chunk is worth compressing. */
    static final int SAMPLE = 4096;

    private static final byte[] KDF_SALT = "tributary chunk sealer v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KDF_INFO = "tributary chunk key v1".getBytes(StandardCharsets.US_ASCII);
    private static final String HMAC = "HmacSHA256";
    private static final String AES_GCM = "AES/GCM/NoPadding";
    /** Frees the native zstd contexts of workers that became unreachable with their sealer. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final SecretKeySpec prk;
    private final int level;
    private final ArrayBlockingQueue<Worker> idle;

    /**
     * @param dataKey the tenant's 32-byte data key; only a derived key is kept
     * @param zstdLevel a zstd compression level, from {@link Zstd#minCompressionLevel()} to
     *     {@link Zstd#maxCompressionLevel()}; 1 is fast and suits a gateway
     */
    public ChunkSealer(byte[] dataKey, int zstdLevel) {
        Objects.requireNonNull(dataKey, "dataKey");
        if (dataKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("a data key is " + KEY_LENGTH + " bytes, got " + dataKey.length);
        }
        if (zstdLevel < Zstd.minCompressionLevel() || zstdLevel > Zstd.maxCompressionLevel()) {
            throw new IllegalArgumentException("zstd level " + zstdLevel + " is outside "
                    + Zstd.minCompressionLevel() + ".." + Zstd.maxCompressionLevel());
        }
        this.level = zstdLevel;
        try {
            Mac extract = Mac.getInstance(HMAC);
            extract.init(new SecretKeySpec(KDF_SALT, HMAC));
            this.prk = new SecretKeySpec(extract.doFinal(dataKey), HMAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is required of every Java platform", e);
        }
        this.idle = new ArrayBlockingQueue<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Seals the chunk {@code buf[off, off + len)} whose id is {@code id}.
     *
     * @return a new array of {@link #OVERHEAD} plus the payload length
     */
    public byte[] seal(ChunkId id, byte[] buf, int off, int len) {
        Objects.requireNonNull(id, "id");
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len > ChunkSizes.LIMIT) {
            throw new IllegalArgumentException("a chunk is at most " + ChunkSizes.LIMIT + " bytes, got " + len);
        }
        Worker w = acquire();
        try {
            int packed = compress(w, buf, off, len);
            boolean compressed = packed >= 0;
            int payloadLength = compressed ? packed : len;
            byte[] sealed = new byte[OVERHEAD + payloadLength];
            sealed[0] = VERSION;
            sealed[1] = (byte) (compressed ? FLAG_ZSTD : 0);
            putInt(sealed, 2, len);
            w.random.nextBytes(w.nonce);
            System.arraycopy(w.nonce, 0, sealed, HEADER_LENGTH, NONCE_LENGTH);
            Cipher gcm = w.cipher(Cipher.ENCRYPT_MODE, id, sealed);
            if (compressed) {
                gcm.doFinal(w.scratch, 0, payloadLength, sealed, PAYLOAD_OFFSET);
            } else {
                gcm.doFinal(buf, off, len, sealed, PAYLOAD_OFFSET);
            }
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed to seal chunk " + id, e);
        } finally {
            release(w);
        }
    }

    /**
     * Opens a blob made by {@link #seal} for chunk {@code id}.
     *
     * @return the plaintext
     * @throws ChunkCorruptException if the blob is truncated, of an unknown format, altered, or
     *     was sealed for another id or under another key
     */
    public byte[] open(ChunkId id, byte[] sealed) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sealed, "sealed");
        int plainLength = checkHeader(sealed, "chunk " + id);
        int flags = sealed[1] & 0xff;
        if (flags == (FLAG_ZSTD | FLAG_DELTA)) {
            throw new ChunkCorruptException("chunk " + id + " is sealed as a delta; it opens only with its bases");
        }
        if ((flags & ~FLAG_ZSTD) != 0) {
            throw new ChunkCorruptException("chunk " + id + ": unknown flags 0x" + Integer.toHexString(flags));
        }
        boolean compressed = (flags & FLAG_ZSTD) != 0;
        int payloadLength = sealed.length - OVERHEAD;
        if (!compressed && payloadLength != plainLength) {
            throw new ChunkCorruptException("chunk " + id + ": header says " + plainLength
                    + " plaintext bytes but the blob holds " + payloadLength + " (truncated?)");
        }
        Worker w = acquire();
        try {
            Cipher gcm = w.cipher(Cipher.DECRYPT_MODE, id, sealed);
            int cipherLength = payloadLength + TAG_LENGTH;
            if (!compressed) {
                byte[] plain = new byte[plainLength];
                gcm.doFinal(sealed, PAYLOAD_OFFSET, cipherLength, plain, 0);
                return plain;
            }
            w.reserve(payloadLength);
            gcm.doFinal(sealed, PAYLOAD_OFFSET, cipherLength, w.scratch, 0);
            byte[] plain = new byte[plainLength];
            int n;
            try {
                n = w.zstd.decompressor.decompressByteArray(plain, 0, plainLength, w.scratch, 0, payloadLength);
            } catch (ZstdException e) {
                throw new ChunkCorruptException("chunk " + id + ": authentic but not a valid zstd frame: " + e.getMessage(), e);
            }
            if (n != plainLength) {
                throw new ChunkCorruptException("chunk " + id + ": authentic but decompresses to " + n
                        + " bytes instead of " + plainLength);
            }
            return plain;
        } catch (AEADBadTagException e) {
            throw new ChunkCorruptException("chunk " + id
                    + ": authentication failed (altered or truncated bytes, wrong id or wrong key)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed to open chunk " + id, e);
        } finally {
            release(w);
        }
    }

    /**
     * Seals {@code plain}, the plaintext of chunk {@code id}, as a delta against {@code bases},
     * whose plaintexts concatenated in order are {@code dictionary}.
     *
     * @return a new array; a caller sends it only if it is shorter than the whole chunk sealed
     */
    public byte[] sealDelta(ChunkId id, byte[] plain, List<ChunkId> bases, byte[] dictionary) {
        Objects.requireNonNull(id, "id");
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("a delta needs at least one base");
        }
        if (plain.length > ChunkSizes.LIMIT) {
            throw new IllegalArgumentException("a chunk is at most " + ChunkSizes.LIMIT + " bytes, got " + plain.length);
        }
        byte[] frame;
        try (ZstdCompressCtx zstd = new ZstdCompressCtx()) {
            // Level 1's fast match finder misses most of a dictionary (a 100-byte insert into a
            // 90 KB chunk: 4,255 bytes, against 163 at level 3); deltas are few, so pay for 3.
            zstd.setLevel(Math.max(level, DELTA_LEVEL));
            // The window must reach back over the whole dictionary, or its start is never matched.
            zstd.setWindowLog(Math.clamp(64 - Long.numberOfLeadingZeros(dictionary.length + (long) plain.length), 10, 27));
            zstd.loadDict(dictionary, ZstdDictContentType.RAW_CONTENT);
            byte[] out = new byte[(int) Zstd.compressBound(plain.length)];
            int n = zstd.compressByteArray(out, 0, out.length, plain, 0, plain.length);
            frame = Arrays.copyOf(out, n);
        }
        Worker w = acquire();
        try {
            byte[] sealed = new byte[OVERHEAD + frame.length];
            sealed[0] = VERSION;
            sealed[1] = (byte) (FLAG_ZSTD | FLAG_DELTA);
            putInt(sealed, 2, plain.length);
            w.random.nextBytes(w.nonce);
            System.arraycopy(w.nonce, 0, sealed, HEADER_LENGTH, NONCE_LENGTH);
            Cipher gcm = w.cipher(Cipher.ENCRYPT_MODE, id, sealed);
            gcm.updateAAD(baseIds(bases));
            gcm.doFinal(frame, 0, frame.length, sealed, PAYLOAD_OFFSET);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed to seal delta " + id, e);
        } finally {
            release(w);
        }
    }

    /** True if {@code sealed} is a delta, which only {@link #openDelta} opens. */
    public static boolean isDelta(byte[] sealed) {
        return sealed.length >= HEADER_LENGTH && (sealed[1] & 0xff) == (FLAG_ZSTD | FLAG_DELTA);
    }

    /**
     * Opens a delta made by {@link #sealDelta} for chunk {@code id} against {@code bases}, whose
     * plaintexts concatenated in order are {@code dictionary}.
     *
     * @throws ChunkCorruptException if the blob is not such a delta, was altered, or was made
     *     for another id, other bases or under another key
     */
    public byte[] openDelta(ChunkId id, byte[] sealed, List<ChunkId> bases, byte[] dictionary) {
        Objects.requireNonNull(id, "id");
        int plainLength = checkHeader(sealed, "chunk " + id);
        if (!isDelta(sealed)) {
            throw new ChunkCorruptException("chunk " + id + " is not sealed as a delta");
        }
        int payloadLength = sealed.length - OVERHEAD;
        Worker w = acquire();
        try {
            Cipher gcm = w.cipher(Cipher.DECRYPT_MODE, id, sealed);
            gcm.updateAAD(baseIds(bases));
            w.reserve(payloadLength);
            gcm.doFinal(sealed, PAYLOAD_OFFSET, payloadLength + TAG_LENGTH, w.scratch, 0);
            byte[] plain = new byte[plainLength];
            int n;
            try (ZstdDecompressCtx zstd = new ZstdDecompressCtx()) {
                zstd.loadDict(dictionary, ZstdDictContentType.RAW_CONTENT);
                n = zstd.decompressByteArray(plain, 0, plainLength, w.scratch, 0, payloadLength);
            } catch (ZstdException e) {
                throw new ChunkCorruptException("delta " + id + ": authentic but does not apply to its bases: " + e.getMessage(), e);
            }
            if (n != plainLength) {
                throw new ChunkCorruptException("delta " + id + ": authentic but yields " + n + " bytes instead of " + plainLength);
            }
            return plain;
        } catch (AEADBadTagException e) {
            throw new ChunkCorruptException("delta " + id
                    + ": authentication failed (altered bytes, wrong id, wrong bases or wrong key)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed to open delta " + id, e);
        } finally {
            release(w);
        }
    }

    private static byte[] baseIds(List<ChunkId> bases) {
        byte[] ids = new byte[bases.size() * ChunkId.LENGTH];
        for (int i = 0; i < bases.size(); i++) {
            bases.get(i).copyTo(ids, i * ChunkId.LENGTH);
        }
        return ids;
    }

    /**
     * The plaintext length a sealed blob declares, read from its header without opening it.
     *
     * @throws ChunkCorruptException if the blob is shorter than a header or of an unknown version
     */
    public static int plaintextLength(byte[] sealed) {
        return checkHeader(Objects.requireNonNull(sealed, "sealed"), "sealed chunk");
    }

    /** Checks what can be checked before decrypting and returns the declared plaintext length. */
    private static int checkHeader(byte[] sealed, String what) {
        if (sealed.length < OVERHEAD) {
            throw new ChunkCorruptException(what + ": truncated to " + sealed.length
                    + " bytes, a sealed chunk has at least " + OVERHEAD);
        }
        if (sealed[0] != VERSION) {
            throw new ChunkCorruptException(what + ": unknown format version " + (sealed[0] & 0xff));
        }
        int length = getInt(sealed, 2);
        if (length < 0 || length > ChunkSizes.LIMIT) {
            throw new ChunkCorruptException(what + ": impossible plaintext length " + Integer.toUnsignedString(length));
        }
        return length;
    }

    /**
     * Compresses into {@code w.scratch} if that saves at least 1/16.
     *
     * @return the compressed length, or -1 to store the chunk as it is
     */
    private static int compress(Worker w, byte[] buf, int off, int len) {
        // Room for the worst case, so that zstd never fails on a full buffer: exceptions are far
        // too slow for the common "incompressible" answer.
        w.reserve((int) Zstd.compressBound(len));
        ZstdCompressCtx zstd = w.zstd.compressor;
        if (len >= 2 * SAMPLE && zstd.compressByteArray(w.scratch, 0, w.scratch.length, buf, off, SAMPLE) > SAMPLE - SAMPLE / 16) {
            return -1;
        }
        int n = zstd.compressByteArray(w.scratch, 0, w.scratch.length, buf, off, len);
        return n <= len - len / 16 ? n : -1;
    }

    private Worker acquire() {
        Worker w = idle.poll();
        return w != null ? w : new Worker(prk, level);
    }

    private void release(Worker w) {
        if (!idle.offer(w)) {
            w.cleanable.clean();
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    /** The state one seal or open needs; used by one thread at a time. */
    private static final class Worker {
        final Mac kdf;
        final Cipher gcm;
        final SecureRandom random = new SecureRandom();
        final byte[] nonce = new byte[NONCE_LENGTH];
        /** {@code KDF_INFO || id || 0x01}: the single HKDF expand block. */
        final byte[] expandInput = new byte[KDF_INFO.length + ChunkId.LENGTH + 1];
        final byte[] key = new byte[32];
        final byte[] aad = new byte[HEADER_LENGTH + ChunkId.LENGTH];
        final ZstdContexts zstd;
        final Cleaner.Cleanable cleanable;
        byte[] scratch = new byte[0];

        Worker(SecretKeySpec prk, int level) {
            zstd = new ZstdContexts(level);
            cleanable = CLEANER.register(this, zstd);
            try {
                kdf = Mac.getInstance(HMAC);
                kdf.init(prk);
                gcm = Cipher.getInstance(AES_GCM);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA-256 and AES-GCM are required of every Java platform", e);
            }
            System.arraycopy(KDF_INFO, 0, expandInput, 0, KDF_INFO.length);
            expandInput[expandInput.length - 1] = 1;
        }

        /** Initializes the cipher for chunk {@code id} with the nonce and header of {@code sealed}. */
        Cipher cipher(int mode, ChunkId id, byte[] sealed) throws GeneralSecurityException {
            id.copyTo(expandInput, KDF_INFO.length);
            kdf.update(expandInput);
            kdf.doFinal(key, 0);
            System.arraycopy(sealed, 0, aad, 0, HEADER_LENGTH);
            id.copyTo(aad, HEADER_LENGTH);
            gcm.init(mode, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_LENGTH * 8, sealed, HEADER_LENGTH, NONCE_LENGTH));
            Arrays.fill(key, (byte) 0);
            gcm.updateAAD(aad);
            return gcm;
        }

        void reserve(int capacity) {
            if (scratch.length < capacity) {
                scratch = new byte[Math.max(capacity, scratch.length * 2)];
            }
        }
    }

    /**
     * A worker's native zstd state, reused so that each chunk does not allocate and clear new
     * tables. Closing it is the worker's clean-up action, so it must not refer to the worker.
     */
    private static final class ZstdContexts implements Runnable {
        final ZstdCompressCtx compressor = new ZstdCompressCtx();
        final ZstdDecompressCtx decompressor = new ZstdDecompressCtx();

        ZstdContexts(int level) {
            compressor.setLevel(level);
        }

        @Override
        public void run() {
            compressor.close();
            decompressor.close();
        }
    }
}

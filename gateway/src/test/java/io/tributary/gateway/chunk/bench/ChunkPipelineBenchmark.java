package io.tributary.gateway.chunk.bench;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import io.tributary.gateway.chunk.ChunkHasher;
import io.tributary.gateway.chunk.ChunkSealer;
import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.chunk.Chunker;
import io.tributary.proto.ChunkId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of each stage of the upload path and of the whole of it, on one thread.
 *
 * <p>One operation is one MiB (2<sup>20</sup> bytes) of input: every method walks a whole buffer
 * and declares its size in MiB with {@link OperationsPerInvocation}, so a score in ops/s reads
 * directly as MiB/s per core.
 *
 * <p>Inputs, all from fixed seeds: <em>mixed</em> is 64 MiB of 1 MiB runs, half prose-like text
 * (which zstd level 1 shrinks about threefold) and half random bytes (as compressed media and
 * archives are); <em>text</em> and <em>random</em> are 16 MiB of one kind. Stages that work on
 * chunks use 64 KiB pieces, the default average.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
// Pre-touching the heap matters on virtual machines where first touching a page is slow: without it
// the allocating benchmarks (sealRandom, pipeline) crawl at a tenth of their speed for seconds,
// until every heap region has been faulted in once.
@Fork(value = 1, jvmArgsAppend = {
        "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ChunkPipelineBenchmark {
    static final int MIB = 1 << 20;
    static final int MIXED_MIB = 64;
    static final int SINGLE_MIB = 16;
    static final int PIECE = 64 << 10;

    private static final String[] WORDS = (
            "the of and to in is that for it as with was on be by this are or from at an which have not "
            + "file share gateway branch office chunk report invoice quarterly draft final budget meeting "
            + "customer order shipment warehouse account balance total amount date name address city")
            .split(" ");

    byte[] mixed;
    byte[] text;
    byte[] random;

    Chunker chunker;
    ChunkHasher hasher;
    ChunkSealer sealer;
    ChunkId randomId;

    ZstdCompressCtx zstd;
    byte[] zstdOut;

    Cipher gcm;
    SecretKeySpec aesKey;
    byte[] nonce;
    byte[] gcmOut;
    long nonceCounter;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        text = text(SINGLE_MIB * MIB, 1);
        random = random(SINGLE_MIB * MIB, 2);
        mixed = mixed(MIXED_MIB * MIB, 3);

        chunker = new Chunker(ChunkSizes.DEFAULT);
        hasher = new ChunkHasher(random(32, 4));
        sealer = new ChunkSealer(random(32, 5), 1);
        randomId = hasher.hash(random, 0, PIECE);

        zstd = new ZstdCompressCtx();
        zstd.setLevel(1);
        zstdOut = new byte[(int) Zstd.compressBound(PIECE)];

        gcm = Cipher.getInstance("AES/GCM/NoPadding");
        aesKey = new SecretKeySpec(random(32, 6), "AES");
        nonce = new byte[12];
        gcmOut = new byte[PIECE + 16];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        zstd.close();
    }

    /** FastCDC boundary finding alone. */
    @Benchmark
    @OperationsPerInvocation(MIXED_MIB)
    public int cut() {
        byte[] buf = mixed;
        int chunks = 0;
        for (int off = 0; off < buf.length; chunks++) {
            off += chunker.cut(buf, off, buf.length - off);
        }
        return chunks;
    }

    /** HMAC-SHA-256 chunk ids alone, over 64 KiB pieces. */
    @Benchmark
    @OperationsPerInvocation(MIXED_MIB)
    public void hmac(Blackhole bh) {
        byte[] buf = mixed;
        for (int off = 0; off < buf.length; off += PIECE) {
            bh.consume(hasher.hash(buf, off, PIECE));
        }
    }

    /** Boundaries and ids: what deciding whether a chunk is new costs. */
    @Benchmark
    @OperationsPerInvocation(MIXED_MIB)
    public void cutAndHash(Blackhole bh) {
        byte[] buf = mixed;
        for (int off = 0; off < buf.length; ) {
            int n = chunker.cut(buf, off, buf.length - off);
            bh.consume(hasher.hash(buf, off, n));
            off += n;
        }
    }

    /** zstd level 1 on text in 64 KiB pieces, through a reused context. */
    @Benchmark
    @OperationsPerInvocation(SINGLE_MIB)
    public long zstdLevel1Text() {
        byte[] buf = text;
        long out = 0;
        for (int off = 0; off < buf.length; off += PIECE) {
            out += zstd.compressByteArray(zstdOut, 0, zstdOut.length, buf, off, PIECE);
        }
        return out;
    }

    /**
     * {@link ChunkSealer#seal} of incompressible 64 KiB chunks: the 4 KiB compression probe, key
     * derivation and AES-256-GCM, as paid for media and archives.
     */
    @Benchmark
    @OperationsPerInvocation(SINGLE_MIB)
    public void sealRandom(Blackhole bh) {
        byte[] buf = random;
        for (int off = 0; off < buf.length; off += PIECE) {
            bh.consume(sealer.seal(randomId, buf, off, PIECE));
        }
    }

    /** Bare AES-256-GCM of 64 KiB pieces under one key, the floor under {@link #sealRandom}. */
    @Benchmark
    @OperationsPerInvocation(SINGLE_MIB)
    public int aesGcm() throws GeneralSecurityException {
        int out = 0;
        for (int off = 0; off < random.length; off += PIECE) {
            out += aesGcm(off, PIECE);
        }
        return out;
    }

    private int aesGcm(int off, int len) throws GeneralSecurityException {
        // GCM refuses a repeated nonce under one key; a counter keeps them distinct.
        long n = ++nonceCounter;
        for (int i = 0; i < 8; i++) {
            nonce[i] = (byte) (n >>> (8 * i));
        }
        gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, nonce));
        return gcm.doFinal(random, off, len, gcmOut, 0);
    }

    /** The upload path: stream through the chunker, hash each chunk, seal it. */
    @Benchmark
    @OperationsPerInvocation(MIXED_MIB)
    public long pipeline(Blackhole bh) throws IOException {
        return chunker.split(new ByteArrayInputStream(mixed), (buf, off, len) -> {
            ChunkId id = hasher.hash(buf, off, len);
            bh.consume(sealer.seal(id, buf, off, len));
        });
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] text(int length, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(length + 16);
        while (sb.length() < length) {
            sb.append(WORDS[r.nextInt(WORDS.length)]);
            int p = r.nextInt(20);
            sb.append(p == 0 ? ".\n" : p == 1 ? ", " : " ");
        }
        return sb.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    /** Exactly half text and half random runs of 1 MiB, in a shuffled order. */
    static byte[] mixed(int length, long seed) {
        int runs = length / MIB;
        List<Boolean> isText = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            isText.add(i % 2 == 0);
        }
        Collections.shuffle(isText, new Random(seed));
        byte[] out = new byte[runs * MIB];
        for (int i = 0; i < runs; i++) {
            byte[] run = isText.get(i) ? text(MIB, seed + i) : random(MIB, seed + i);
            System.arraycopy(run, 0, out, i * MIB, MIB);
        }
        return out;
    }
}

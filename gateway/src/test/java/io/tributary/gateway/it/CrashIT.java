package io.tributary.gateway.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An acknowledged PUT survives SIGKILL: several clients write, the gateway is killed at a random
 * moment, restarted on the same data, and every file whose PUT was answered 2xx must read back
 * as its last acknowledged version. A write in flight at the kill may be there or not, but whole.
 * The listing must agree with what can be read. After each kill every file written in that round,
 * and a sample of the older ones, is read in full (the rest checked by listed size); after the
 * last kill every file is read in full.
 */
class CrashIT {
    private static final int ROUNDS = 10;
    private static final int CLIENTS = 4;
    private static final List<String> DIRS = List.of("crash/d0", "crash/d1", "crash/d2");
    private static final long MAX_SIZE = 2L << 20;
    private static final int SAMPLE = 25;

    @TempDir
    Path dataDir;

    private GatewayProcess gateway;
    private final Map<String, NameState> names = new ConcurrentHashMap<>();
    private final SplittableRandom random = new SplittableRandom(777);

    /** One version of a file: its content is derived from the name and the version number alone. */
    record Version(String name, int number, long size) {
        PseudoRandomStream content() {
            return new PseudoRandomStream(PseudoRandomStream.seedOf(name + "#" + number), size);
        }

        String sha256() {
            return Sha256.of(content()).hex();
        }

        @Override
        public String toString() {
            return "v" + number + " (" + size + " bytes)";
        }
    }

    /** What the clients know of one name: the version last acknowledged and the one in flight. */
    static final class NameState {
        final int owner;
        volatile Version acked;
        volatile Version inFlight;
        int versions;

        NameState(int owner) {
            this.owner = owner;
        }
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyAcknowledgedPutSurvivesTenSigkillsAndTheListingMatchesWhatIsReadable() {
        gateway = GatewayProcess.start(GatewayProcess.Config.of("crash", dataDir).durability("fsync"));
        Dav setup = gateway.dav();
        DIRS.forEach(setup::mkdirs);
        int totalAcks = 0;
        int totalOverwrites = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            Load load = new Load(gateway.dav(Duration.ofSeconds(30)), round);
            long t0 = System.nanoTime();
            load.start();
            // a random moment to crash at; the check below does not depend on it
            GatewayProcess.pause(Duration.ofMillis(300 + random.nextInt(1700)));
            load.killing = true;
            gateway.kill();
            load.stopAndJoin();
            assertTrue(load.errors.isEmpty(), "round " + round + ": requests failed before the kill:\n  "
                    + String.join("\n  ", load.errors) + "\ngateway log " + gateway.logFile());
            totalAcks += load.acks.get();
            totalOverwrites += load.overwriteAcks.get();

            long inFlight = names.values().stream().filter(n -> n.inFlight != null).count();
            long t1 = System.nanoTime();
            gateway = gateway.restart();
            long t2 = System.nanoTime();
            List<String> problems = verify(gateway.dav(Duration.ofSeconds(30)), load.touched, round == ROUNDS);
            long t3 = System.nanoTime();
            System.out.printf("crash round %d: %d PUTs acknowledged (%d overwrites), %d in flight at the kill,"
                            + " %d names tracked; load %d ms, restart %d ms, verify %d ms%n", round, load.acks.get(),
                    load.overwriteAcks.get(), inFlight, names.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                    (t3 - t2) / 1_000_000);
            int r = round;
            assertTrue(problems.isEmpty(), () -> "after kill " + r + ":\n  " + String.join("\n  ", problems)
                    + "\ngateway log " + gateway.logFile());
        }
        assertTrue(totalAcks >= 30, "the load got enough writes acknowledged to mean something: " + totalAcks);
        assertTrue(totalOverwrites >= 3, "some acknowledged writes were overwrites: " + totalOverwrites);
    }

    /**
     * Lists each directory and checks every listed file against what was acknowledged: files the
     * round touched, a sample of the others, or (when {@code everything}) all are read in full.
     */
    private List<String> verify(Dav dav, Set<String> touched, boolean everything) {
        List<String> problems = new ArrayList<>();
        Map<String, Dav.Entry> listed = new TreeMap<>();
        for (String dir : DIRS) {
            for (Dav.Entry e : dav.list(dir)) {
                listed.put(e.path(), e);
            }
        }
        List<String> untouched = new ArrayList<>(listed.keySet());
        untouched.removeAll(touched);
        Set<String> sample = new HashSet<>();
        for (int i = 0; i < SAMPLE && !untouched.isEmpty(); i++) {
            sample.add(untouched.remove(random.nextInt(untouched.size())));
        }
        for (Dav.Entry e : listed.values()) {
            NameState state = names.get(e.path());
            if (e.collection()) {
                problems.add("unexpected collection " + e.path());
                continue;
            }
            if (state == null) {
                problems.add("listed but never written: " + e.path());
                continue;
            }
            if (!everything && !touched.contains(e.path()) && !sample.contains(e.path())) {
                if (state.acked == null || state.inFlight != null || state.acked.size() != e.length()) {
                    problems.add(e.path() + ": untouched this round, listed with " + e.length()
                            + " bytes, but acknowledged " + state.acked + ", in flight " + state.inFlight);
                }
                continue;
            }
            Dav.Download d = dav.get(e.path());
            if (d.status() != 200) {
                problems.add("listed but GET " + e.path() + " -> " + d.status() + " " + d.errorBody());
                continue;
            }
            if (d.bytes() != e.length() || d.contentLength() != e.length()) {
                problems.add(e.path() + ": listed with " + e.length() + " bytes, Content-Length "
                        + d.contentLength() + ", read " + d.bytes());
            }
            Version match = null;
            for (Version v : new Version[] {state.acked, state.inFlight}) {
                if (v != null && v.size() == d.bytes() && v.sha256().equals(d.sha256())) {
                    match = v;
                }
            }
            if (match == null) {
                problems.add(e.path() + ": read " + d.bytes() + " bytes sha256 " + d.sha256()
                        + ", which is neither the acknowledged " + state.acked + " nor the in-flight "
                        + state.inFlight);
                continue;
            }
            state.acked = match;
            state.inFlight = null;
        }
        for (var entry : names.entrySet()) {
            if (listed.containsKey(entry.getKey())) {
                continue;
            }
            NameState state = entry.getValue();
            Dav.Download d = dav.get(entry.getKey());
            if (state.acked != null) {
                problems.add("acknowledged " + entry.getKey() + " " + state.acked + " is not listed; GET -> "
                        + d.status() + (d.status() == 200 ? " (readable but missing from PROPFIND)" : ""));
            } else if (d.status() != 404) {
                problems.add(entry.getKey() + " (only ever in flight) is not listed but GET -> " + d.status());
            }
            state.inFlight = null;
        }
        names.entrySet().removeIf(e -> e.getValue().acked == null && e.getValue().inFlight == null);
        return problems;
    }

    /** CLIENTS threads PUTting new names and overwriting their own earlier ones until the kill. */
    private final class Load {
        final Dav dav;
        final int round;
        final List<Thread> threads = new ArrayList<>();
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger acks = new AtomicInteger();
        final AtomicInteger overwriteAcks = new AtomicInteger();
        final Set<String> touched = ConcurrentHashMap.newKeySet();
        volatile boolean killing;

        Load(Dav dav, int round) {
            this.dav = dav;
            this.round = round;
        }

        void start() {
            for (int t = 0; t < CLIENTS; t++) {
                int client = t;
                long seed = random.nextLong();
                threads.add(Thread.ofPlatform().name("crash-client-" + t).start(() -> run(client, seed)));
            }
        }

        void stopAndJoin() {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (Thread t : threads) {
                try {
                    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                    if (!t.join(Duration.ofMillis(left))) {
                        throw new AssertionError(t.getName() + " still running 60 s after the kill");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        private void run(int client, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            List<String> mine = new ArrayList<>();
            names.forEach((name, state) -> {
                if (state.owner == client && state.acked != null) {
                    mine.add(name);
                }
            });
            Collections.sort(mine);
            int fresh = 0;
            for (int i = 0; i < 100_000 && !killing; i++) {
                boolean overwrite = !mine.isEmpty() && rnd.nextInt(10) < 3;
                String name = overwrite ? mine.get(rnd.nextInt(mine.size()))
                        : DIRS.get(rnd.nextInt(DIRS.size())) + "/c" + client + "-r" + round + "-" + (fresh++) + ".bin";
                NameState state = names.computeIfAbsent(name, n -> new NameState(client));
                long size = rnd.nextInt(10) < 4 ? rnd.nextLong(16 * 1024 + 1) : rnd.nextLong(MAX_SIZE + 1);
                Version v = new Version(name, ++state.versions, size);
                touched.add(name);
                state.inFlight = v;
                try {
                    HttpResponse<String> r = dav.put(name, v::content, size);
                    if (r.statusCode() / 100 == 2) {
                        state.acked = v;
                        state.inFlight = null;
                        acks.incrementAndGet();
                        if (overwrite) {
                            overwriteAcks.incrementAndGet();
                        } else {
                            mine.add(name);
                        }
                    } else if (!killing) {
                        errors.add("PUT " + name + " " + v + " -> " + r.statusCode() + " " + r.body());
                        return;
                    }
                } catch (UncheckedIOException e) {
                    if (!killing) {
                        errors.add("PUT " + name + " " + v + " failed before the kill: " + e.getCause());
                    }
                    return;
                }
            }
        }
    }
}

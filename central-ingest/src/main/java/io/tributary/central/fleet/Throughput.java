package io.tributary.central.fleet;

import io.tributary.proto.v1.Heartbeat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each gateway's byte rates over the last half hour, from the counters its heartbeats carry.
 * Kept in memory by the node the gateway's session is on: a chart of recent traffic, not a record.
 */
public final class Throughput {
    /** Half an hour of heartbeats at one per five seconds. */
    static final int KEPT = 360;
    private static final int MAX_GATEWAYS = 10_000;

    /** Rates between two heartbeats, in bytes per second, at the later one's time. */
    public record Sample(long atMillis, double clientInBytesPerSecond, double clientOutBytesPerSecond,
                         double upstreamBytesPerSecond) {
    }

    private record Counters(long atMillis, long clientIn, long clientOut, long upstream) {
    }

    private final Map<String, Series> series = new ConcurrentHashMap<>();

    /** Records a heartbeat from {@code gatewayId} received at {@code atMillis}. */
    public void record(String gatewayId, long atMillis, Heartbeat beat) {
        if (series.size() >= MAX_GATEWAYS && !series.containsKey(gatewayId)) {
            return;
        }
        series.computeIfAbsent(gatewayId, id -> new Series())
                .add(new Counters(atMillis, beat.getClientBytesIn(), beat.getClientBytesOut(), beat.getUpstreamBytes()));
    }

    /** The gateway's samples, oldest first; empty when this node has had fewer than two heartbeats from it. */
    public List<Sample> of(String gatewayId) {
        Series s = series.get(gatewayId);
        return s == null ? List.of() : s.samples();
    }

    private static final class Series {
        private Counters last;
        private final Deque<Sample> samples = new ArrayDeque<>();

        synchronized void add(Counters now) {
            Counters before = last;
            last = now;
            long millis = before == null ? 0 : now.atMillis() - before.atMillis();
            // A gateway restart resets its counters: that interval has no rate.
            if (millis <= 0 || now.clientIn() < before.clientIn() || now.clientOut() < before.clientOut()
                    || now.upstream() < before.upstream()) {
                return;
            }
            double seconds = millis / 1000.0;
            samples.addLast(new Sample(now.atMillis(), (now.clientIn() - before.clientIn()) / seconds,
                    (now.clientOut() - before.clientOut()) / seconds, (now.upstream() - before.upstream()) / seconds));
            while (samples.size() > KEPT) {
                samples.removeFirst();
            }
        }

        synchronized List<Sample> samples() {
            return new ArrayList<>(samples);
        }
    }
}

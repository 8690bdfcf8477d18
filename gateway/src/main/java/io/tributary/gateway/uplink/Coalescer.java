package io.tributary.gateway.uplink;

import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.Journal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shrinks a window of journal entries before it goes upstream: consecutive writes of one file
 * become the last of them (carrying the first one's base version, so central still sees what
 * the writer replaced), and a file created and deleted inside the window disappears. Any other
 * change ends the run, so the order central applies things in is never changed.
 */
final class Coalescer {
    /** What is left to send, in journal order, and how many of our own entries were dropped. */
    record Result(List<Journal.Entry> entries, int dropped) {
    }

    private Coalescer() {
    }

    static Result coalesce(List<Journal.Entry> window) {
        List<Journal.Entry> out = new ArrayList<>(window.size());
        Map<List<String>, Integer> lastPut = new HashMap<>();
        int dropped = 0;
        for (Journal.Entry e : window) {
            switch (e.change()) {
                case Change.Remote r -> {
                    // Not ours to send; another branch's change may touch these paths.
                    lastPut.clear();
                }
                case Change.PutFile p -> {
                    Integer k = lastPut.get(p.path());
                    Change.PutFile put = p;
                    if (k != null) {
                        Change.PutFile earlier = (Change.PutFile) out.get(k).change();
                        put = p.withBase(earlier.base());
                        out.set(k, null);
                        dropped++;
                    }
                    lastPut.put(p.path(), out.size());
                    out.add(new Journal.Entry(e.index(), put, e.bytes(), e.requestId()));
                }
                case Change.Delete d -> {
                    Integer k = lastPut.get(d.path());
                    if (k != null && ((Change.PutFile) out.get(k).change()).base() == null) {
                        // Created in this window and deleted again: central need not hear of it.
                        out.set(k, null);
                        dropped += 2;
                    } else {
                        out.add(e);
                    }
                    lastPut.clear();
                }
                default -> {
                    out.add(e);
                    lastPut.clear();
                }
            }
        }
        out.removeIf(x -> x == null);
        return new Result(out, dropped);
    }
}

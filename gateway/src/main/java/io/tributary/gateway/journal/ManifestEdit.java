package io.tributary.gateway.journal;

import io.tributary.proto.ChunkId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a file's new manifest differs from the one it replaced (of {@code baseChunks} chunks): a
 * list of hunks, each replacing a run of old chunks with a run of new ones, all other old chunks
 * staying. Content-defined chunking keeps chunk boundaries away from an edit, so an edit in one
 * place of a large file is one small hunk: the uplink sends a few chunk references instead of
 * the whole manifest, and each new chunk can go as a delta against the old chunks it overlaps.
 */
public record ManifestEdit(int baseChunks, List<Hunk> hunks) {
    /** The most bases one new chunk is compared with. */
    public static final int MAX_BASES = 8;
    /** The most hunks an edit has; a manifest changed in more places goes whole. */
    public static final int MAX_HUNKS = 4096;

    /**
     * Old chunks from {@code baseStart} on, {@code replaced}, gave way to {@code newCount} new ones.
     */
    public record Hunk(int baseStart, List<ChunkRef> replaced, int newCount) {
        public Hunk {
            replaced = List.copyOf(replaced);
            if (baseStart < 0 || newCount < 0 || (replaced.isEmpty() && newCount == 0)) {
                throw new IllegalArgumentException("a hunk at " + baseStart + " replaces " + replaced.size()
                        + " chunks with " + newCount);
            }
        }

        int baseEnd() {
            return baseStart + replaced.size();
        }
    }

    public ManifestEdit {
        hunks = List.copyOf(hunks);
        if (hunks.isEmpty() || hunks.size() > MAX_HUNKS) {
            throw new IllegalArgumentException("an edit has 1 to " + MAX_HUNKS + " hunks, got " + hunks.size());
        }
        int end = 0;
        for (Hunk h : hunks) {
            if (h.baseStart() < end) {
                throw new IllegalArgumentException("hunks overlap or are out of order at chunk " + h.baseStart());
            }
            end = h.baseEnd();
        }
        if (end > baseChunks) {
            throw new IllegalArgumentException("a hunk reaches chunk " + end + " of " + baseChunks);
        }
    }

    /** How many chunks the edited manifest has. */
    public int resultChunks() {
        int n = baseChunks;
        for (Hunk h : hunks) {
            n += h.newCount() - h.replaced().size();
        }
        return n;
    }

    /**
     * The edit that turns {@code base} into {@code next}; null if they share no chunk or differ in
     * more than {@link #MAX_HUNKS} places. Walks both in step; at a difference it resumes at the
     * first later chunk of {@code next} that {@code base} has further on.
     */
    public static ManifestEdit between(List<ChunkRef> base, List<ChunkRef> next) {
        Map<ChunkId, List<Integer>> positions = new HashMap<>();
        for (int p = 0; p < base.size(); p++) {
            positions.computeIfAbsent(base.get(p).id(), k -> new ArrayList<>(1)).add(p);
        }
        List<Hunk> hunks = new ArrayList<>();
        int kept = 0;
        int i = 0;
        int j = 0;
        while (i < base.size() && j < next.size()) {
            if (base.get(i).equals(next.get(j))) {
                i++;
                j++;
                kept++;
                continue;
            }
            int resumeBase = base.size();
            int resumeNext = next.size();
            for (int k = j; k < next.size(); k++) {
                int p = firstAtOrAfter(positions.get(next.get(k).id()), i);
                if (p >= 0 && base.get(p).equals(next.get(k))) {
                    resumeBase = p;
                    resumeNext = k;
                    break;
                }
            }
            hunks.add(new Hunk(i, base.subList(i, resumeBase), resumeNext - j));
            if (hunks.size() > MAX_HUNKS) {
                return null;
            }
            i = resumeBase;
            j = resumeNext;
        }
        if (i < base.size() || j < next.size()) {
            hunks.add(new Hunk(i, base.subList(i, base.size()), next.size() - j));
        }
        if (kept == 0 || hunks.isEmpty() || hunks.size() > MAX_HUNKS) {
            return null;
        }
        return new ManifestEdit(base.size(), hunks);
    }

    /** Binary search: a chunk repeated throughout a file (zeros, say) has many positions. */
    private static int firstAtOrAfter(List<Integer> sorted, int from) {
        if (sorted == null) {
            return -1;
        }
        int at = java.util.Collections.binarySearch(sorted, from);
        int index = at >= 0 ? at : -at - 1;
        return index < sorted.size() ? sorted.get(index) : -1;
    }

    /** The new chunks of {@code chunks}, the edited manifest: hunk after hunk. */
    public List<ChunkRef> newChunks(List<ChunkRef> chunks) {
        List<ChunkRef> out = new ArrayList<>();
        int shift = 0;
        for (Hunk h : hunks) {
            int start = h.baseStart() + shift;
            out.addAll(chunks.subList(start, start + h.newCount()));
            shift += h.newCount() - h.replaced().size();
        }
        return out;
    }

    /**
     * For each of {@code newChunks} (as {@link #newChunks} lists them), the replaced chunks of its
     * hunk that overlap it by byte offset from the hunk's start, at most {@link #MAX_BASES}: what
     * it most likely shares bytes with. A new chunk past the replaced ones takes the last of them.
     */
    public List<List<ChunkId>> basesFor(List<ChunkRef> newChunks) {
        List<List<ChunkId>> out = new ArrayList<>(newChunks.size());
        int next = 0;
        for (Hunk h : hunks) {
            long start = 0;
            for (int n = 0; n < h.newCount(); n++) {
                ChunkRef c = newChunks.get(next++);
                long end = start + c.length();
                Set<ChunkId> bases = new LinkedHashSet<>();
                long oldStart = 0;
                for (ChunkRef old : h.replaced()) {
                    long oldEnd = oldStart + old.length();
                    if (oldStart < end && start < oldEnd && bases.size() < MAX_BASES) {
                        bases.add(old.id());
                    }
                    oldStart = oldEnd;
                }
                if (bases.isEmpty() && !h.replaced().isEmpty()) {
                    bases.add(h.replaced().getLast().id());
                }
                out.add(List.copyOf(bases));
                start = end;
            }
        }
        return out;
    }
}

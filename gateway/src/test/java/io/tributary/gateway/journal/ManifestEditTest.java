package io.tributary.gateway.journal;

import io.tributary.proto.ChunkId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ManifestEditTest {
    @Test
    void oneChangedPlaceIsOneHunkNamingWhatItReplaced() {
        ManifestEdit edit = ManifestEdit.between(refs(1, 2, 3, 4, 5), refs(1, 2, 9, 10, 5));
        assertEquals(5, edit.baseChunks());
        assertEquals(List.of(new ManifestEdit.Hunk(2, refs(3, 4), 2)), edit.hunks());
        Change.PutFile put = new Change.PutFile("s", List.of("f"), 1, 0, 500, refs(1, 2, 9, 10, 5))
                .withBase(new Version("g", 1), edit);
        assertEquals(refs(9, 10), put.newChunks());
    }

    @Test
    void changesInSeveralPlacesAreSeveralHunks() {
        ManifestEdit edit = ManifestEdit.between(refs(1, 2, 3, 4, 5, 6, 7), refs(8, 2, 3, 4, 9, 10, 6));
        assertEquals(List.of(new ManifestEdit.Hunk(0, refs(1), 1), new ManifestEdit.Hunk(4, refs(5), 2),
                new ManifestEdit.Hunk(6, refs(7), 0)), edit.hunks());
        assertEquals(refs(8, 9, 10), edit.newChunks(refs(8, 2, 3, 4, 9, 10, 6)));
        assertEquals(7, edit.resultChunks());
    }

    @Test
    void insertsDeletesAppendsAndTruncations() {
        assertEquals(List.of(new ManifestEdit.Hunk(1, List.of(), 1)), ManifestEdit.between(refs(1, 2, 3), refs(1, 9, 2, 3)).hunks());
        assertEquals(List.of(new ManifestEdit.Hunk(1, refs(2), 0)), ManifestEdit.between(refs(1, 2, 3), refs(1, 3)).hunks());
        assertEquals(List.of(new ManifestEdit.Hunk(2, List.of(), 1)), ManifestEdit.between(refs(1, 2), refs(1, 2, 3)).hunks());
        assertEquals(List.of(new ManifestEdit.Hunk(2, refs(3), 0)), ManifestEdit.between(refs(1, 2, 3), refs(1, 2)).hunks());
        ManifestEdit repeated = ManifestEdit.between(refs(7, 7), refs(7, 7, 7));
        assertEquals(List.of(new ManifestEdit.Hunk(2, List.of(), 1)), repeated.hunks());
    }

    @Test
    void noEditWhenNothingIsShared() {
        assertNull(ManifestEdit.between(refs(1, 2), refs(3, 4)));
        assertNull(ManifestEdit.between(List.of(), refs(3)));
    }

    /** Whatever the two manifests, applying the edit to the base gives the new manifest back. */
    @Test
    void applyingTheEditToItsBaseGivesTheNewManifest() {
        SplittableRandom random = new SplittableRandom(5);
        for (int round = 0; round < 2000; round++) {
            List<ChunkRef> base = new ArrayList<>();
            for (int i = random.nextInt(30); i > 0; i--) {
                base.add(ref(random.nextInt(12)));
            }
            List<ChunkRef> next = new ArrayList<>(base);
            for (int e = random.nextInt(5); e > 0; e--) {
                int at = next.isEmpty() ? 0 : random.nextInt(next.size() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> next.add(at, ref(12 + random.nextInt(20)));
                    case 1 -> {
                        if (at < next.size()) {
                            next.remove(at);
                        }
                    }
                    default -> {
                        if (at < next.size()) {
                            next.set(at, ref(12 + random.nextInt(20)));
                        }
                    }
                }
            }
            ManifestEdit edit = ManifestEdit.between(base, next);
            if (edit == null) {
                continue;
            }
            assertEquals(next, apply(base, edit, edit.newChunks(next)), "round " + round + ": " + base + " -> " + next);
        }
    }

    @Test
    void basesAreTheReplacedChunksANewChunkOverlaps() {
        // Old: 3 = [0,100), 4 = [100,200) of the hunk. New: 9 = [0,150), 10 = [150,260).
        List<ChunkRef> next = List.of(ref(1), new ChunkRef(id(9), 150), new ChunkRef(id(10), 110), ref(5));
        ManifestEdit edit = ManifestEdit.between(refs(1, 3, 4, 5), next);
        assertEquals(List.of(List.of(id(3), id(4)), List.of(id(4))), edit.basesFor(edit.newChunks(next)));
    }

    @Test
    void eachHunkComparesWithItsOwnReplacedChunks() {
        List<ChunkRef> next = refs(8, 2, 3, 9);
        ManifestEdit edit = ManifestEdit.between(refs(1, 2, 3, 4), next);
        assertEquals(List.of(List.of(id(1)), List.of(id(4))), edit.basesFor(edit.newChunks(next)));
        List<ChunkRef> inserted = refs(1, 9, 2);
        ManifestEdit pureInsert = ManifestEdit.between(refs(1, 2), inserted);
        assertEquals(List.of(List.of()), pureInsert.basesFor(pureInsert.newChunks(inserted)));
    }

    @Test
    void refusesInconsistentEdits() {
        assertThrows(IllegalArgumentException.class, () -> new ManifestEdit(5, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new ManifestEdit(2, List.of(new ManifestEdit.Hunk(1, refs(3, 4), 1))));
        assertThrows(IllegalArgumentException.class, () -> new ManifestEdit(5, List.of(
                new ManifestEdit.Hunk(2, refs(3, 4), 1), new ManifestEdit.Hunk(3, refs(3), 1))));
        assertThrows(IllegalArgumentException.class, () -> new ManifestEdit.Hunk(0, List.of(), 0));
        ManifestEdit edit = ManifestEdit.between(refs(1, 2), refs(1, 3));
        assertThrows(IllegalArgumentException.class,
                () -> new Change.PutFile("s", List.of("f"), 1, 0, 200, refs(1, 3), null, edit), "an edit needs a base");
        assertThrows(IllegalArgumentException.class,
                () -> new Change.PutFile("s", List.of("f"), 1, 0, 300, refs(1, 3, 4), new Version("g", 1), edit),
                "an edit must yield the file's chunks");
    }

    /** What central does with an edit. */
    private static List<ChunkRef> apply(List<ChunkRef> base, ManifestEdit edit, List<ChunkRef> fresh) {
        List<ChunkRef> out = new ArrayList<>();
        int kept = 0;
        int used = 0;
        for (ManifestEdit.Hunk h : edit.hunks()) {
            out.addAll(base.subList(kept, h.baseStart()));
            out.addAll(fresh.subList(used, used + h.newCount()));
            kept = h.baseStart() + h.replaced().size();
            used += h.newCount();
        }
        out.addAll(base.subList(kept, base.size()));
        return out;
    }

    private static List<ChunkRef> refs(int... ids) {
        List<ChunkRef> out = new ArrayList<>();
        for (int i : ids) {
            out.add(ref(i));
        }
        return out;
    }

    private static ChunkRef ref(int i) {
        return new ChunkRef(id(i), 100);
    }

    private static ChunkId id(int i) {
        byte[] b = new byte[ChunkId.LENGTH];
        Arrays.fill(b, (byte) i);
        return ChunkId.of(b);
    }
}

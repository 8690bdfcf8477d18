package io.tributary.gateway.uplink;

import io.tributary.gateway.journal.Change;
import io.tributary.gateway.journal.ChunkRef;
import io.tributary.gateway.journal.Journal;
import io.tributary.gateway.journal.ManifestEdit;
import io.tributary.gateway.journal.Version;
import io.tributary.proto.ChunkId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CoalescerTest {
    private final List<Journal.Entry> window = new ArrayList<>();

    private void add(Change c) {
        window.add(new Journal.Entry(window.size() + 1, c, 1, null));
    }

    private static Change.PutFile put(String name, int chunk, Version base) {
        byte[] id = new byte[32];
        Arrays.fill(id, (byte) chunk);
        return new Change.PutFile("s", List.of(name), 1, 1, 10, List.of(new ChunkRef(ChunkId.of(id), 10))).withBase(base);
    }

    private List<Long> positions(Coalescer.Result r) {
        return r.entries().stream().map(Journal.Entry::index).toList();
    }

    @Test
    void repeatedWritesOfOneFileBecomeTheLastCarryingTheFirstBase() {
        Version base = new Version("central-side", 5);
        add(put("f", 1, base));
        add(put("f", 2, new Version("me", 1)));
        Change.PutFile third = put("f", 3, new Version("me", 2));
        // Its edit is against version (me, 2), which central never sees once coalesced away.
        add(third.withBase(third.base(), new ManifestEdit(1, List.of(new ManifestEdit.Hunk(0, third.chunks(), 1)))));
        Coalescer.Result r = Coalescer.coalesce(window);
        assertEquals(List.of(3L), positions(r));
        assertEquals(2, r.dropped());
        Change.PutFile last = (Change.PutFile) r.entries().getFirst().change();
        assertEquals(base, last.base());
        assertNull(last.edit(), "an edit of a dropped version is no use to central");
        assertEquals(3, last.chunks().getFirst().id().toBytes()[0]);
    }

    @Test
    void aFileCreatedAndDeletedInTheWindowVanishes() {
        add(put("tmp", 1, null));
        add(new Change.Delete("s", List.of("tmp")));
        add(put("keep", 2, null));
        Coalescer.Result r = Coalescer.coalesce(window);
        assertEquals(List.of(3L), positions(r));
        assertEquals(2, r.dropped());
    }

    @Test
    void deletingAFileCentralAlreadyHasIsSent() {
        add(put("f", 1, new Version("b", 3)));
        add(new Change.Delete("s", List.of("f")));
        assertEquals(List.of(1L, 2L), positions(Coalescer.coalesce(window)));
    }

    @Test
    void anyOtherChangeBetweenTwoWritesKeepsBoth() {
        add(put("f", 1, null));
        add(new Change.Copy("s", List.of("f"), List.of("g"), false, 9, 1));
        add(put("f", 2, new Version("me", 1)));
        Coalescer.Result r = Coalescer.coalesce(window);
        assertEquals(List.of(1L, 2L, 3L), positions(r));
        assertEquals(0, r.dropped());
    }

    @Test
    void remoteChangesAreNeverSentAndBreakARun() {
        add(put("f", 1, null));
        add(new Change.Remote("s", 4, new Version("b", 1), put("f", 9, null)));
        add(put("f", 2, new Version("me", 1)));
        Coalescer.Result r = Coalescer.coalesce(window);
        assertEquals(List.of(1L, 3L), positions(r));
        assertEquals(0, r.dropped());
    }
}

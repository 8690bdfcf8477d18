package io.tributary.gateway.journal;

import io.tributary.proto.ChunkId;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChangeCodecTest {
    private static ChunkId id(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return ChunkId.of(bytes);
    }

    @Test
    void everyChangeRoundTrips() {
        List<Change> changes = List.of(
                new Change.PutFile("s", List.of("a", "ünï cödé.txt"), 7, 1234, 99, List.of(new ChunkRef(id(1), 60), new ChunkRef(id(2), 39))),
                new Change.PutFile("s", List.of("empty"), 8, 1, 0, List.of()),
                new Change.MakeDirectory("s", List.of("d"), 9, 55),
                new Change.Delete("s", List.of("d", "e")),
                new Change.Move("s", List.of("a"), List.of("b", "c")),
                new Change.Copy("s", List.of("a"), List.of("z"), true, 100, 77),
                new Change.PatchProperties("s", List.of("a"), Map.of("{urn:x}p", "<p xmlns=\"urn:x\">" + "v".repeat(70_000) + "</p>"), List.of("{urn:x}q")),
                new Change.SetModified("s", List.of("a"), 42),
                new Change.PutFile("s", List.of("v"), 10, 5, 60, List.of(new ChunkRef(id(3), 60))).withBase(new Version("gw-1", 0x1234_0000_0007L)),
                new Change.PutFile("s", List.of("w"), 12, 5, 100, List.of(new ChunkRef(id(1), 60), new ChunkRef(id(4), 40)))
                        .withBase(new Version("gw-1", 3), new ManifestEdit(3, List.of(
                                new ManifestEdit.Hunk(1, List.of(new ChunkRef(id(2), 30), new ChunkRef(id(3), 30)), 1)))),
                new Change.Remote("s", 17, new Version("gw-2", 99),
                        new Change.PutFile("s", List.of("r"), 11, 6, 39, List.of(new ChunkRef(id(2), 39)))),
                new Change.Remote("s", 18, null, new Change.Move("s", List.of("r"), List.of("q"))));
        for (Change c : changes) {
            assertEquals(c, ChangeCodec.decode(ChangeCodec.encode(c)));
            byte[] traced = ChangeCodec.encode(c, "req-7f3a");
            assertEquals(c, ChangeCodec.decode(traced), "a traced entry decodes to the same change");
            assertEquals("req-7f3a", ChangeCodec.requestId(traced));
            assertEquals(null, ChangeCodec.requestId(ChangeCodec.encode(c)), "an untraced entry has no request id");
        }
    }

    @Test
    void entriesWrittenBeforeVersionsExistedStillDecode() {
        Change.PutFile put = new Change.PutFile("s", List.of("old"), 3, 4, 60, List.of(new ChunkRef(id(1), 60)));
        byte[] withoutBase = ChangeCodec.encode(put);
        // The old format ended after the chunk list; the new one appends "no base" and "no edit" flag bytes.
        byte[] oldFormat = Arrays.copyOf(withoutBase, withoutBase.length - 2);
        assertEquals(put, ChangeCodec.decode(oldFormat));
        byte[] beforeEdits = Arrays.copyOf(withoutBase, withoutBase.length - 1);
        assertEquals(put, ChangeCodec.decode(beforeEdits));
    }

    @Test
    void aRemoteChangeCannotWrapAnotherOrNameAnotherShare() {
        Change inner = new Change.Delete("s", List.of("a"));
        assertThrows(IllegalArgumentException.class, () -> new Change.Remote("s", 1, null, new Change.Remote("s", 1, null, inner)));
        assertThrows(IllegalArgumentException.class, () -> new Change.Remote("t", 1, null, inner));
    }

    @Test
    void truncatedOrUnknownEntriesAreRefused() {
        byte[] bytes = ChangeCodec.encode(new Change.Delete("s", List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> ChangeCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)));
        byte[] future = bytes.clone();
        future[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> ChangeCodec.decode(future));
    }
}

package io.tributary.gateway.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PseudoRandomStreamTest {
    @Test
    void sameSeedGivesSameBytesWhateverTheReadSizes() throws IOException {
        byte[] whole = new PseudoRandomStream(42, 300_001).readAllBytes();
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        try (PseudoRandomStream in = new PseudoRandomStream(42, 300_001)) {
            byte[] buf = new byte[7919];
            int n;
            while ((n = in.read(buf, 0, 1 + (pieces.size() % buf.length))) >= 0) {
                pieces.write(buf, 0, n);
            }
        }
        assertEquals(300_001, whole.length);
        assertArrayEquals(whole, pieces.toByteArray());
        assertNotEquals(Sha256.of(whole).hex(), Sha256.of(new PseudoRandomStream(43, 300_001)).hex());
    }

    @Test
    void seedOfTextDiffersForDifferentVersions() {
        assertNotEquals(PseudoRandomStream.seedOf("a/b.bin#1"), PseudoRandomStream.seedOf("a/b.bin#2"));
        assertEquals(PseudoRandomStream.seedOf("a/b.bin#1"), PseudoRandomStream.seedOf("a/b.bin#1"));
    }

    @Test
    void generatedTreeIsDescribedByPathAndHashAndDifferencesAreNamed(@TempDir Path dir) throws IOException {
        TreeMap<String, String> tree = FileTree.generate(dir.resolve("a"), new FileTree.Spec(40, 2048, 1, 5, 1));
        assertTrue(tree.keySet().stream().anyMatch(p -> p.contains(" ")), "names with spaces");
        assertTrue(tree.keySet().stream().anyMatch(p -> p.chars().anyMatch(c -> c > 127)), "non-ASCII names");
        assertTrue(tree.containsKey("empty folder/nested empty"));
        assertEquals(tree, FileTree.generate(dir.resolve("b"), new FileTree.Spec(40, 2048, 1, 5, 1)));
        String someFile = tree.entrySet().stream().filter(e -> !e.getValue().equals("dir")).findFirst()
                .orElseThrow().getKey();
        Files.writeString(dir.resolve("b").resolve(someFile), "changed");
        assertEquals(1, FileTree.differences(tree, FileTree.describe(dir.resolve("b"))).size());
    }

    @Test
    void encodedPathsDecodeBackAndKeepTheirSlashes() {
        String path = "Räume/Besprechung Ost/100% done+plan 🎉.txt";
        String encoded = Dav.encodePath(path);
        assertEquals("R%C3%A4ume/Besprechung%20Ost/100%25%20done%2Bplan%20%F0%9F%8E%89.txt", encoded);
        assertEquals(path, Dav.decode(encoded));
    }
}

package io.tributary.sync;

import io.tributary.gateway.chunk.ChunkSizes;
import io.tributary.gateway.chunk.Chunker;
import io.tributary.gateway.it.PseudoRandomStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileBytesTest {
    @TempDir
    Path dir;

    @Test
    void theFileAndACopyOfItReadTheSame() throws IOException {
        byte[] data = new PseudoRandomStream(1, 10_000).readAllBytes();
        Path file = Files.write(dir.resolve("f"), data);
        try (FileBytes.Reader onDisk = FileBytes.of(file).open(); FileBytes.Reader inMemory = FileBytes.of(data).open()) {
            assertArrayEquals(Arrays.copyOfRange(data, 1234, 5678), onDisk.read(1234, 5678 - 1234));
            assertArrayEquals(Arrays.copyOfRange(data, 1234, 5678), inMemory.read(1234, 5678 - 1234));
            assertArrayEquals(Arrays.copyOfRange(data, 9000, 10_000), onDisk.read(9000, 1000));
        }
    }

    @Test
    void aCopyInMemoryHandsOutArraysOfTheirOwn() throws IOException {
        byte[] data = new PseudoRandomStream(2, 100).readAllBytes();
        try (FileBytes.Reader in = FileBytes.of(data).open()) {
            byte[] piece = in.read(0, 10);
            piece[0] ^= 1;
            assertArrayEquals(Arrays.copyOfRange(data, 0, 10), in.read(0, 10));
        }
    }

    @Test
    void aFileThatShrankIsRefusedWithAReason() throws IOException {
        Path file = Files.write(dir.resolve("f"), new PseudoRandomStream(3, 1000).readAllBytes());
        try (FileBytes.Reader in = FileBytes.of(file).open()) {
            IOException e = assertThrows(IOException.class, () -> in.read(900, 200));
            assertEquals("the file shrank while it was being sent; it is sent again on the next run", e.getMessage());
        }
    }

    @Test
    void contentCutFromACopyIsTheFilesContent() throws IOException {
        byte[] data = new PseudoRandomStream(4, 200_000).readAllBytes();
        Path file = Files.write(dir.resolve("f"), data);
        ChunkSizes sizes = new ChunkSizes(1024, 4096, 16384);
        assertEquals(FileContent.of(file, new Chunker(sizes)), FileContent.of(data, new Chunker(sizes)));
    }
}

package io.tributary.gateway.chunk;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordBuffersTest {
    @Test
    void moreWritersThanKeptBuffersGetHeapBuffersAndNoMoreDirectMemoryIsMade() {
        RecordBuffers buffers = new RecordBuffers();
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 3 * RecordBuffers.KEEP; i++) {
            held.add(buffers.take(1000 + i));
        }
        assertEquals(RecordBuffers.KEEP, held.stream().filter(ByteBuffer::isDirect).count());
        assertEquals(RecordBuffers.KEEP, buffers.made());
        held.forEach(b -> assertEquals(0, b.position()));
        held.forEach(buffers::give);

        for (int i = 0; i < 10 * RecordBuffers.KEEP; i++) {
            buffers.give(buffers.take(RecordBuffers.CAPACITY));
        }
        assertEquals(RecordBuffers.KEEP, buffers.made(), "given-back buffers are reused, not made again");
    }

    @Test
    void aReusedBufferComesBackClearedToTheRequestedSize() {
        RecordBuffers buffers = new RecordBuffers();
        ByteBuffer first = buffers.take(500);
        first.put(new byte[300]);
        buffers.give(first);
        ByteBuffer again = buffers.take(77);
        assertSame(first, again);
        assertEquals(0, again.position());
        assertEquals(77, again.limit());
    }

    @Test
    void aRecordLargerThanAKeptBufferGetsAHeapBufferOfItsOwn() {
        RecordBuffers buffers = new RecordBuffers();
        ByteBuffer big = buffers.take(RecordBuffers.CAPACITY + 1);
        assertFalse(big.isDirect());
        assertEquals(RecordBuffers.CAPACITY + 1, big.remaining());
        buffers.give(big);
        assertEquals(0, buffers.made());
        assertTrue(buffers.take(10).isDirect());
    }
}

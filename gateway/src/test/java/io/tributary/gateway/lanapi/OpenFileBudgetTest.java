package io.tributary.gateway.lanapi;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenFileBudgetTest {
    @Test
    void filesAreTakenWhileTheyFitAndAgainOnceOthersGiveBack() {
        OpenFileBudget budget = new OpenFileBudget(10);
        assertTrue(budget.tryTake(OpenFileBudget.weightOf(3)));
        assertTrue(budget.tryTake(OpenFileBudget.weightOf(5)));
        assertEquals(10, budget.used());
        assertFalse(budget.tryTake(OpenFileBudget.weightOf(0)), "full");
        assertEquals(10, budget.used(), "a file turned away takes nothing");
        budget.give(4);
        assertFalse(budget.tryTake(5), "4 free, 5 asked");
        assertTrue(budget.tryTake(4));
        assertEquals(10, budget.used());
    }

    @Test
    void aFileHeavierThanTheWholeBudgetGoesAloneInsteadOfNever() {
        OpenFileBudget budget = new OpenFileBudget(10);
        assertTrue(budget.tryTake(2));
        assertFalse(budget.tryTake(50), "not beside another file");
        budget.give(2);
        assertTrue(budget.tryTake(50), "alone");
        assertFalse(budget.tryTake(1), "and nothing beside it");
        budget.give(50);
        assertEquals(0, budget.used());
    }

    @Test
    void theBudgetGrowsWithTheHeapAndHasAFloor() {
        assertEquals(45_056, OpenFileBudget.forHeap(88L << 20).capacity());
        assertEquals(4096, OpenFileBudget.forHeap(1L << 20).capacity());
        assertThrows(IllegalArgumentException.class, () -> new OpenFileBudget(0));
    }

    @Test
    void manyThreadsNeverHoldMoreThanTheBudget() throws Exception {
        OpenFileBudget budget = new OpenFileBudget(100);
        AtomicLong most = new AtomicLong();
        AtomicLong held = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < 20_000; i++) {
                        long w = 1 + (i % 7);
                        if (budget.tryTake(w)) {
                            most.accumulateAndGet(held.addAndGet(w), Math::max);
                            held.addAndGet(-w);
                            budget.give(w);
                        }
                    }
                });
            }
            start.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(1, TimeUnit.MINUTES));
        }
        assertTrue(most.get() <= 100, "held at most the budget, held " + most.get());
        assertTrue(most.get() > 0);
        assertEquals(0, budget.used());
    }
}

package io.jarl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/*
 * Wakes processes whose timed receive reached its deadline: a timing wheel of 1 ms ticks served by
 * one daemon thread.
 *
 * Why not LockSupport.parkNanos: a timed park of a virtual thread arms and then cancels a timer in
 * the JDK's scheduler, which costs microseconds, and every GenServer.call waits with a timeout
 * (5 s by default) that almost never expires. Here a process waits with a plain park; arming costs
 * a volatile write and a read when the process is already in the wheel for an earlier or equal
 * deadline (the common case for repeated calls), and nothing is cancelled: the ticker drops or
 * re-files an entry when its slot comes round.
 *
 * Per process, a Sleeper holds `wakeAt` (the deadline of the wait in progress, 0 if none, written
 * by the owner) and `filedAt` (the deadline of the one live wheel entry for it, 0 if none). An entry
 * whose deadline is not `filedAt` is stale and dropped. The owner writes wakeAt then reads filedAt;
 * the ticker clears filedAt then reads wakeAt: with volatile accesses one of them sees the other,
 * so a waiting process always has a live entry at or before its deadline.
 *
 * Wake-ups are at most about a tick late; a woken process checks its own deadline, so an early or
 * spurious wake-up only costs a loop.
 */
final class Waker {
    private static final int SLOTS = 1024;
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(1);

    /** A process's timed-wait state; made on its first timed wait. */
    static final class Sleeper {
        final Thread thread;
        volatile long wakeAt;
        volatile long filedAt;

        Sleeper(Thread thread) {
            this.thread = thread;
        }
    }

    private static final class Entry {
        final Sleeper sleeper;
        final long deadline;
        Entry next;

        Entry(Sleeper sleeper, long deadline) {
            this.sleeper = sleeper;
            this.deadline = deadline;
        }
    }

    private static final VarHandle FILED;

    static {
        try {
            FILED = MethodHandles.lookup().findVarHandle(Sleeper.class, "filedAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);
    private final long origin = System.nanoTime();
    private final Thread ticker;
    private volatile boolean idle;

    Waker() {
        ticker = new Thread(this::tick, "jarl-waker");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** The owner will wait until {@code deadline} (a {@link System#nanoTime()} value; never 0). */
    void arm(Sleeper s, long deadline) {
        s.wakeAt = deadline;
        file(s, deadline);
    }

    /** The owner's wait is over. Its wheel entry stays and is dropped when its slot comes round. */
    void disarm(Sleeper s) {
        s.wakeAt = 0;
    }

    private void file(Sleeper s, long deadline) {
        for (;;) {
            long filed = s.filedAt;
            if (filed != 0 && filed - deadline <= 0) {
                return; // an entry at or before this deadline exists: it will re-file if needed
            }
            if (FILED.compareAndSet(s, filed, deadline)) {
                push(new Entry(s, deadline));
                return;
            }
        }
    }

    private long tickOf(long nanos) {
        return Math.floorDiv(nanos - origin + TICK - 1, TICK); // round up: never wake early by design
    }

    private void push(Entry e) {
        int slot = (int) (tickOf(e.deadline) & (SLOTS - 1));
        Entry head;
        do {
            head = slots.get(slot);
            e.next = head;
        } while (!slots.compareAndSet(slot, head, e));
        if (idle) {
            LockSupport.unpark(ticker);
        }
    }

    private void tick() {
        long done = tickOf(System.nanoTime()) - 1;
        int emptySlots = 0;
        while (true) {
            long now = System.nanoTime();
            long current = Math.floorDiv(now - origin, TICK);
            for (long t = done + 1; t <= current; t++) {
                Entry e = slots.getAndSet((int) (t & (SLOTS - 1)), null);
                emptySlots = e == null ? emptySlots + 1 : 0;
                while (e != null) {
                    Entry next = e.next;
                    serve(e, current, now);
                    e = next;
                }
            }
            done = current;
            if (emptySlots >= SLOTS) {
                // A whole turn without an entry: sleep until a push, re-checking after announcing it.
                idle = true;
                if (isEmpty()) {
                    LockSupport.park(this);
                }
                idle = false;
                emptySlots = 0;
                done = Math.floorDiv(System.nanoTime() - origin, TICK) - 1;
            } else {
                LockSupport.parkNanos(this, TICK - Math.floorMod(System.nanoTime() - origin, TICK));
            }
        }
    }

    private boolean isEmpty() {
        for (int i = 0; i < SLOTS; i++) {
            if (slots.get(i) != null) {
                return false;
            }
        }
        return true;
    }

    private void serve(Entry e, long currentTick, long now) {
        if (tickOf(e.deadline) > currentTick) {
            push(e); // due in a later turn of the wheel
            return;
        }
        Sleeper s = e.sleeper;
        if (!FILED.compareAndSet(s, e.deadline, 0L)) {
            return; // stale: a nearer entry replaced it
        }
        long wakeAt = s.wakeAt;
        if (wakeAt == 0) {
            return; // not waiting any more
        }
        if (wakeAt - now <= 0) {
            LockSupport.unpark(s.thread);
        } else {
            file(s, wakeAt); // waiting again, for a later deadline
        }
    }
}

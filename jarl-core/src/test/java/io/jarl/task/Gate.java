package io.jarl.task;

import static io.jarl.Jarl.*;

import io.jarl.Down;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.testing.ProcessTesting;
import java.util.List;

/**
 * Orders the ends of a stream's tasks without sleeping: each task calls {@link #pass} with its
 * element, which reports to the gate process and waits; the gate releases the elements in a given
 * order, each once the previous one's task has ended (and, for unordered streams, once the consumer
 * has emitted its result, reported with {@link #emitted}), so the order in which results reach the
 * consumer is fixed.
 */
final class Gate {
    record Arrived(Object element, Pid task) {}

    record Release() {}

    record Emitted(Object element) {}

    private Gate() {}

    /** Starts a gate that releases {@code order}; with {@code awaitEmitted} it waits for each emission. */
    static Pid start(List<?> order, boolean awaitEmitted) {
        return spawn(() -> {
            for (Object element : order) {
                Arrived arrived = receive(m -> m instanceof Arrived a && a.element().equals(element) ? a : skip(),
                        ProcessTesting.WAIT).orElseThrow(() -> new AssertionError("no task for " + element));
                Ref watch = monitor(arrived.task());
                send(arrived.task(), new Release());
                if (awaitEmitted) {
                    receive(m -> m instanceof Emitted e && e.element().equals(element) ? e : skip(), ProcessTesting.WAIT)
                            .orElseThrow(() -> new AssertionError("no emission of " + element));
                } else {
                    receive(m -> m instanceof Down d && d.ref().equals(watch) ? d : Jarl.<Down>skip(),
                            ProcessTesting.WAIT).orElseThrow(() -> new AssertionError("task of " + element + " alive"));
                }
            }
        });
    }

    /** In a task: waits for the gate to release {@code element}, then returns it. */
    static <T> T pass(Pid gate, T element) {
        send(gate, new Arrived(element, self()));
        receive(Release.class);
        return element;
    }

    /** In the consumer: tells the gate that the result of {@code element} was emitted. */
    static void emitted(Pid gate, Object element) {
        send(gate, new Emitted(element));
    }

    /**
     * The order that releases, each time, the newest of the {@code concurrency} oldest unreleased
     * elements: the most reordering a stream with that concurrency allows, and always feasible.
     */
    static <T> List<T> newestFirst(List<T> input, int concurrency) {
        List<T> left = new java.util.ArrayList<>(input);
        List<T> out = new java.util.ArrayList<>();
        while (!left.isEmpty()) {
            out.add(left.remove(Math.min(concurrency, left.size()) - 1));
        }
        return out;
    }
}

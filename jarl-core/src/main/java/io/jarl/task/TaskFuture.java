package io.jarl.task;

import io.jarl.Down;
import io.jarl.ExitException;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.ProcessExitedError;
import io.jarl.SpawnOptions;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/*
 * Implementation overview.
 *
 * A future of a task for code outside processes. A waiter process owns the task on behalf of the
 * thread: it traps exits (a linked task that fails must not take it down before it has told the
 * future), starts the task, and waits with no timeout for the task's Reply or Down, or for a Cancel.
 * The future sends Cancel to the waiter whenever it completes; when the waiter itself completed it,
 * the Cancel finds the waiter gone and is dropped; when someone else did (cancel, complete,
 * orTimeout), the waiter shuts the task down and ends.
 */
final class TaskFuture {
    private record Cancel() {}

    private static final Cancel CANCEL = new Cancel();

    private TaskFuture() {}

    static <T> CompletableFuture<T> start(String what, Supplier<Task<T>> starter) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Pid waiter = Jarl.spawn(SpawnOptions.defaults().trapExit().initialCall(what + " waiter"),
                () -> await(future, starter, what));
        future.whenComplete((value, failure) -> Jarl.send(waiter, CANCEL));
        return future;
    }

    @SuppressWarnings("unchecked")
    private static <T> void await(CompletableFuture<T> future, Supplier<Task<T>> starter, String what) {
        Task<T> task;
        try {
            task = starter.get();
        } catch (ProcessExitedError e) {
            throw e;
        } catch (Throwable t) {
            future.completeExceptionally(t);
            return;
        }
        // Not a receive since the task's ref: a Cancel may be older than the task.
        Object m = Jarl.receive(x -> x instanceof Cancel ? x : task.answer(x));
        switch (m) {
            case Task.Reply r -> {
                task.settle("its reply completed the future");
                future.complete((T) r.value());
            }
            case Down d -> {
                task.settle("its exit completed the future");
                future.completeExceptionally(new ExitException(d.reason(), what));
            }
            case Cancel c -> Task.shutdown(task);
            default -> throw new IllegalStateException("unreachable: " + m);
        }
    }
}

package io.jarl;

/**
 * A process written as a function of its state and one message: what an OTP behaviour's loop is,
 * without the loop. Started with {@link Jarl#spawnHandler(java.util.function.Supplier, Handler)},
 * such a process is its state and its mailbox while it waits, nothing more: no thread and no stack
 * (a process spawned with a body keeps its virtual thread's stack while it waits in
 * {@code receive}). When a message arrives, a worker of Jarl's scheduler calls the handler with it,
 * in the order messages arrived, one at a time.
 *
 * <pre>{@code
 * Pid counter = Jarl.spawnHandler(() -> 0, (Integer n, Object msg) -> switch (msg) {
 *     case Pid caller -> { Jarl.send(caller, n); yield n; }   // report the count
 *     case Stop _ -> null;                     // a record Stop() of yours: no next state, it ends
 *     default -> n + 1;                                       // count anything else
 * });
 * }</pre>
 *
 * <p>Inside {@code handle} the process is an ordinary process: {@link Jarl#self()}, sends, spawns,
 * links, monitors, {@link Jarl#trapExit(boolean) trapping exits} (exit signals then arrive as
 * {@link Exit} messages), and blocking calls all work. A call that waits ({@code receive},
 * {@code GenServer.call}, {@link Jarl#sleep}, blocking I/O) holds the thread the handler runs on
 * until it returns, as a body process would; the scheduler runs the other processes meanwhile.
 *
 * <p>A handler (or init) that returns {@code null} ends the process normally, as a body that
 * returns does: a state is never {@code null}. To end it with another reason, throw
 * {@link Jarl#exit(ExitReason)}; a handler that throws anything else crashes it, with a crash
 * report, as a body that throws does. Linked processes and monitors see each as they see any
 * process end.
 *
 * <p>Differences from a body process: the mailbox is taken in arrival order (a selective receive is
 * still possible inside {@code handle}); a handler process cannot be {@linkplain SpawnOptions#dirty()
 * dirty}; and an exit signal that kills it while {@code handle} runs does not interrupt the thread
 * (the process ends at its next runtime call, or when {@code handle} returns), where a body
 * process's thread is interrupted.
 *
 * @param <S> the process's state
 */
@FunctionalInterface
public interface Handler<S> {
    /**
     * Handles {@code message} in {@code state} and returns the state the next message finds, or
     * {@code null} to end the process normally.
     *
     * @throws ExitException to end the process with its reason (see {@link Jarl#exit(ExitReason)})
     */
    S handle(S state, Object message);
}

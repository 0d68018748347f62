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
 * <p>An exit signal that kills the process while {@code handle} runs interrupts the thread, as it
 * interrupts a body process's (a {@code sleep} or blocking I/O ends), and only while that thread
 * still runs this process: the interrupt never reaches the process the thread runs next.
 *
 * <p>Differences from a body process: the mailbox is taken in arrival order (a selective receive is
 * still possible inside {@code handle}); and a handler process cannot be
 * {@linkplain SpawnOptions#dirty() dirty}.
 *
 * <p>Jarl's behaviours run as handler processes: {@code GenServer} and those built on it
 * ({@code Supervisor}, {@code DynamicSupervisor}, {@code Agent}, {@code Registry} partitions,
 * {@code Pg} scopes), {@code GenStateMachine} and {@code GenEvent}.
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

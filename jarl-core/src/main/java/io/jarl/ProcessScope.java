package io.jarl;

/**
 * A plain thread attached as a process by {@link Jarl#attach()}; closing it ends that process.
 *
 * {@snippet :
 * try (ProcessScope me = Jarl.attach()) {
 *     Jarl.send(server, new Request(me.pid()));
 *     Reply reply = Jarl.receive(Reply.class);
 * }
 * }
 */
public final class ProcessScope implements AutoCloseable {
    private final Pid pid;
    private final Runnable onClose;

    ProcessScope(Pid pid, Runnable onClose) {
        this.pid = pid;
        this.onClose = onClose;
    }

    /** The attached process. */
    public Pid pid() {
        return pid;
    }

    /** Ends the attached process with reason {@code normal} and detaches the thread. Idempotent. */
    @Override
    public void close() {
        onClose.run();
    }
}

package io.jarl;

/**
 * Thrown in a process that has already ended, to unwind its thread.
 *
 * <p>A process ends the moment an exit signal kills it, even while its thread is busy in code that
 * does not call the runtime (a virtual thread cannot be stopped mid-computation). Its links and
 * monitors fire at once and its name is freed; its thread is interrupted, and the next runtime call
 * it makes (receive, send, spawn, ...) throws this error. It is an {@link Error} so that
 * {@code catch (Exception e)} in process code does not swallow it; do not catch it.
 */
public final class ProcessExitedError extends Error {
    private final transient Pid pid;
    private final transient ExitReason reason;

    ProcessExitedError(Pid pid, ExitReason reason) {
        super("process " + pid + " has exited: " + reason);
        this.pid = pid;
        this.reason = reason;
    }

    /** The process that ended. */
    public Pid pid() {
        return pid;
    }

    /** Why it ended. */
    public ExitReason reason() {
        return reason;
    }
}

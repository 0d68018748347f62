package io.jarl;

/**
 * A process identifier: the address of one process, alive or dead (OTP: {@code pid()}).
 *
 * <p>A pid is a value: two pids are equal when they name the same process. It prints the way
 * Erlang prints a local pid, {@code <0.42.0>}. A pid stays valid after its process has died;
 * sending to it then does nothing, and linking or monitoring it reports {@code noproc}.
 *
 * <p>Pids are obtained from {@link Jarl#spawn(Runnable)}, {@link Jarl#self()} and messages; they
 * cannot be constructed directly.
 */
public abstract sealed class Pid implements Address, Comparable<Pid> permits LocalProcess {

    /** The node-local number of the process: its position in the order processes were created. */
    final long id;

    Pid(long id) {
        this.id = id;
    }

    /** Whether the process this pid names is still alive (OTP: {@code is_process_alive/1}). */
    public abstract boolean isAlive();

    /** This pid, if its process is alive. */
    @Override
    public final java.util.Optional<Pid> resolve() {
        return isAlive() ? java.util.Optional.of(this) : java.util.Optional.empty();
    }

    @Override
    public final boolean equals(Object other) {
        return this == other || (other instanceof Pid p && p.id == id);
    }

    @Override
    public final int hashCode() {
        return Long.hashCode(id * 0x9E3779B97F4A7C15L);
    }

    @Override
    public final int compareTo(Pid other) {
        return Long.compare(id, other.id);
    }

    /** Erlang's notation {@code <0.Number.Serial>}, where Number is the low 28 bits of the id. */
    @Override
    public final String toString() {
        return "<0." + (id & 0x0FFF_FFFFL) + "." + (id >>> 28) + ">";
    }
}

package io.jarl;

/**
 * A process identifier: the address of one process, alive or dead, on this node or another
 * (OTP: {@code pid()}).
 *
 * <p>A pid is a value: two pids are equal when they name the same process. A pid of this node
 * prints the way Erlang prints a local pid, {@code <0.42.0>}; a pid of another node (a
 * {@link RemotePid}, met only once this node is distributed) prints with its node's name,
 * {@code <e1@host.85.0>}. A pid stays valid after its process has died; sending to it then does
 * nothing, and linking or monitoring it reports {@code noproc}.
 *
 * <p>Pids are obtained from {@link Jarl#spawn(Runnable)}, {@link Jarl#self()} and messages; they
 * cannot be constructed directly.
 */
public abstract sealed class Pid implements Address, Comparable<Pid> permits LocalProcess, RemotePid, PidKey {

    /** On this node: the number of the process in creation order. On another: serial and number. */
    final long id;
    /** Null for a pid of this node (a LocalProcess or a PidKey); else its node's name (a RemotePid). */
    final String node;
    /** The incarnation of {@link #node} (0 for this node's own pids). */
    final int creation;

    Pid(long id, String node, int creation) {
        this.id = id;
        this.node = node;
        this.creation = creation;
    }

    /**
     * Whether the process this pid names is still alive (OTP: {@code is_process_alive/1}). For a
     * {@link RemotePid}, which cannot be asked without a round trip, whether its node is connected.
     */
    public abstract boolean isAlive();

    /** Whether this pid names a process of this node (OTP: {@code node(Pid) =:= node()}). */
    public final boolean isLocal() {
        return node == null;
    }

    /** The name of the node the process runs on (OTP: {@code node/1}); {@code nonode@nohost} when not distributed. */
    public String node() {
        return node != null ? node : Kernel.NODE.nodeName();
    }

    /** This pid if its process is alive; a {@link RemotePid} resolves to itself. */
    @Override
    public java.util.Optional<Pid> resolve() {
        return isAlive() || node != null ? java.util.Optional.of(this) : java.util.Optional.empty();
    }

    @Override
    public final boolean equals(Object other) {
        return this == other || (other instanceof Pid p && p.id == id && p.creation == creation
                && java.util.Objects.equals(p.node, node));
    }

    /**
     * A local pid hashes to its number: processes spawned one after another then sit side by side
     * in the process table (a hash table), where a spawn and an exit touch memory the previous ones
     * have just touched, instead of a random bucket each (a cache miss per spawn at a million).
     */
    @Override
    public final int hashCode() {
        if (node == null) {
            return Long.hashCode(id);
        }
        return Long.hashCode(id * 0x9E3779B97F4A7C15L) ^ node.hashCode() * 31 ^ creation;
    }

    /** Pids of this node first, in creation order; then by node, creation and number. */
    @Override
    public final int compareTo(Pid other) {
        if (node == null || other.node == null) {
            return node == other.node ? Long.compare(id, other.id) : node == null ? -1 : 1;
        }
        int c = node.compareTo(other.node);
        if (c == 0) {
            c = Integer.compare(creation, other.creation);
        }
        return c != 0 ? c : Long.compare(id, other.id);
    }

    /** Erlang's notation: {@code <0.Number.Serial>} here, {@code <node.Number.Serial>} for another node. */
    @Override
    public final String toString() {
        if (node == null) {
            return "<0." + (id & 0x0FFF_FFFFL) + "." + (id >>> 28) + ">";
        }
        return "<" + node + "." + (id & 0xFFFF_FFFFL) + "." + (id >>> 32) + ">";
    }
}

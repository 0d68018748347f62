package io.jarl;

/**
 * The pid of a process on another node (OTP: a pid for which {@code node(Pid) =/= node()}).
 *
 * <p>Sending to it, linking and monitoring it, and calling it work as for a local pid, through the
 * connection to its node (made on first use). Whether the process is alive cannot be known without
 * asking its node: {@link #isAlive()} says whether the node is connected; monitor the pid to learn
 * when the process ends, or when the connection is lost ({@code noconnection}).
 *
 * <p>Remote pids come from messages; they cannot be constructed directly.
 */
public final class RemotePid extends Pid {
    RemotePid(String node, int number, int serial, int creation) {
        super((number & 0xFFFF_FFFFL) | (long) serial << 32, java.util.Objects.requireNonNull(node, "node"), creation);
    }

    /** The process's number on its node (the {@code N} of {@code <node.N.S>}). */
    public int number() {
        return (int) id;
    }

    /** The serial of the number (the {@code S} of {@code <node.N.S>}). */
    public int serial() {
        return (int) (id >>> 32);
    }

    /** The incarnation of the node: a pid of an earlier run of a node with the same name differs. */
    public int creation() {
        return creation;
    }

    /** Whether this node is connected to the pid's node. */
    @Override
    public boolean isAlive() {
        var d = Kernel.NODE.distribution();
        return d != null && d.isConnected(node);
    }
}

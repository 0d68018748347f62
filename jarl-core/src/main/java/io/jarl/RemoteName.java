package io.jarl;

import java.util.Objects;
import java.util.Optional;

/**
 * A process registered as {@code name} on node {@code node}, used as an address (OTP:
 * {@code {Name, Node}}). Messages, monitors and calls to it go to that node, which looks the name up
 * when they arrive; a message to a name nobody has there is dropped, as on the BEAM.
 *
 * @param name the registered name on that node
 * @param node the node's full name, e.g. {@code e1@host}
 */
public record RemoteName(String name, String node) implements Address {
    public RemoteName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(node, "node");
    }

    /** Whether {@code node} is this node: the address is then the local name. */
    public boolean isLocal() {
        return node.equals(Kernel.NODE.nodeName());
    }

    /** On this node, the process registered as {@code name}; on another, empty (it is not known here). */
    @Override
    public Optional<Pid> resolve() {
        return isLocal() ? Jarl.whereis(name) : Optional.empty();
    }

    @Override
    public String toString() {
        return "{" + name + ", " + node + "}";
    }
}

package io.jarl.dist.term;

import java.util.Objects;

/**
 * A port identifier as it crosses the wire (OTP: {@code port()}, {@code NEW_PORT_EXT} or
 * {@code V4_PORT_EXT}): only ever echoed back, since ports cannot be operated across nodes.
 *
 * <p>It prints as {@code #Port<e1@vm.42>}, where Erlang shows a node index instead of the name.
 *
 * @param node the node's name
 * @param id the port number, a 64-bit unsigned value (shown unsigned)
 * @param creation the node incarnation, 0 to 2<sup>32</sup>-1
 */
public record ErlPort(Atom node, long id, long creation) implements Term {
    public ErlPort {
        Objects.requireNonNull(node, "node");
        Terms.requireUint32("creation", creation);
    }

    @Override
    public String toString() {
        return TermFormat.format(this);
    }
}

package io.jarl.dist.term;

import java.util.Objects;

/**
 * A process identifier as it crosses the wire (OTP: {@code pid()}, encoded as {@code NEW_PID_EXT}):
 * the node that made it, a 32-bit id and serial, and the node incarnation's 32-bit creation.
 *
 * <p>Two pids are equal when all four parts are: a pid from an earlier incarnation of a node (a
 * different creation) names a process that no longer exists. Jarl's own processes are
 * {@link io.jarl.Pid}s; {@link TermMapper}'s {@link PidMapper} converts between the two.
 *
 * <p>It prints as {@code <e1@vm.85.0>}: Erlang prints {@code <6512.85.0>}, with the index of the
 * node in its own node table where this shows the node's name.
 *
 * @param node the node's name, such as {@code e1@vm}
 * @param id the process number, 0 to 2<sup>32</sup>-1
 * @param serial the serial, 0 to 2<sup>32</sup>-1
 * @param creation the node incarnation, 0 to 2<sup>32</sup>-1 (0 is reserved for a node without a
 *     name: {@code nonode@nohost})
 */
public record ErlPid(Atom node, long id, long serial, long creation) implements Term {
    public ErlPid {
        Objects.requireNonNull(node, "node");
        Terms.requireUint32("id", id);
        Terms.requireUint32("serial", serial);
        Terms.requireUint32("creation", creation);
    }

    @Override
    public String toString() {
        return TermFormat.format(this);
    }
}

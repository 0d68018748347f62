package io.jarl.dist.term;

import java.util.Arrays;
import java.util.Objects;

/**
 * A reference as it crosses the wire (OTP: {@code reference()}, encoded as
 * {@code NEWER_REFERENCE_EXT}): the node that made it, its creation, and up to five 32-bit words
 * (OTP 25 makes three; OTP 26 may make five for process aliases), at least one.
 *
 * <p>Two references are equal when node, creation and every word are. Jarl's own references are
 * {@link io.jarl.Ref}s; {@link TermMapper}'s {@link PidMapper} converts between the two.
 *
 * <p>It prints as {@code #Ref<e1@vm.3894213.1426587649.258373>}, the words from last to first as
 * Erlang prints them, with the node's name where Erlang shows a node index.
 */
public final class ErlRef implements Term {
    /** The most id words a reference has. */
    public static final int MAX_WORDS = 5;

    private final Atom node;
    private final long creation;
    private final int[] ids;

    /**
     * The reference {@code node}, {@code creation}, {@code ids}.
     *
     * @param node the node's name
     * @param creation the node incarnation, 0 to 2<sup>32</sup>-1
     * @param ids 1 to 5 words, uninterpreted (copied)
     */
    public ErlRef(Atom node, long creation, int... ids) {
        this.node = Objects.requireNonNull(node, "node");
        this.creation = Terms.requireUint32("creation", creation);
        if (ids.length == 0 || ids.length > MAX_WORDS) {
            throw new IllegalArgumentException("a reference has 1 to 5 words, not " + ids.length);
        }
        this.ids = ids.clone();
    }

    /** The node that made the reference. */
    public Atom node() {
        return node;
    }

    /** The incarnation of that node. */
    public long creation() {
        return creation;
    }

    /** The number of id words. */
    public int size() {
        return ids.length;
    }

    /** Id word {@code i}, as an unsigned value. */
    public long id(int i) {
        return Integer.toUnsignedLong(ids[i]);
    }

    /** A copy of the id words, first word first (as on the wire). */
    public int[] ids() {
        return ids.clone();
    }

    int[] idsShared() {
        return ids;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof ErlRef r && r.creation == creation && r.node.equals(node)
                && Arrays.equals(r.ids, ids));
    }

    @Override
    public int hashCode() {
        return (node.hashCode() * 31 + Long.hashCode(creation)) * 31 + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return TermFormat.format(this);
    }
}

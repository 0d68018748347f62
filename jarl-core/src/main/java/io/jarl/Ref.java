package io.jarl;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A unique reference (OTP: {@code reference()}, made by {@code make_ref/0}).
 *
 * <p>Each call of {@link Jarl#makeRef()}, {@link Jarl#monitor(Pid)} and
 * {@link Jarl#sendAfter(Pid, Object, java.time.Duration)} returns a reference equal to no other.
 * A reference made by {@link Jarl#alias()} is also an address: messages sent to it reach the process
 * that made it while the alias is active, from this node or another.
 * References tag requests and replies, monitors and timers. They print like Erlang's:
 * {@code #Ref<0.0.0.42>} here, {@code #Ref<e1@host.1.2.3>} for one made on another node.
 */
public final class Ref {
    private static final AtomicLong COUNTER = new AtomicLong();

    /** This node's references: the counter. Another node's: unused (0). */
    final long id;
    /** The process this reference is an alias of ({@link Jarl#alias()}), or null. */
    final transient LocalProcess aliasOf;
    /** Null for this node's references; else the node that made it. */
    final String node;
    final int creation;
    /** Another node's reference: its id words, as they came (OTP: 1 to 5 32-bit words). */
    private final int[] words;
    /** Another node's reference that came as an alias (a call's {@code [alias | Ref]} tag). */
    private final boolean remoteAlias;

    private Ref(long id, LocalProcess aliasOf) {
        this.id = id;
        this.aliasOf = aliasOf;
        this.node = null;
        this.creation = 0;
        this.words = null;
        this.remoteAlias = false;
    }

    private Ref(String node, int creation, int[] words, boolean alias) {
        this.id = 0;
        this.aliasOf = null;
        this.node = node;
        this.creation = creation;
        this.words = words;
        this.remoteAlias = alias;
    }

    static Ref make() {
        return new Ref(COUNTER.incrementAndGet(), null);
    }

    static Ref alias(LocalProcess owner) {
        return new Ref(COUNTER.incrementAndGet(), owner);
    }

    /** This node's reference {@code id} as it comes back from another node, with its alias owner if any. */
    static Ref local(long id, LocalProcess aliasOf) {
        return new Ref(id, aliasOf);
    }

    static Ref remote(String node, int creation, int[] words, boolean alias) {
        Objects.requireNonNull(node, "node");
        if (words.length > 5) {
            throw new IllegalArgumentException("a reference has at most 5 id words, not " + words.length);
        }
        return new Ref(node, creation, words.clone(), alias);
    }

    /** Whether this reference was made on this node. */
    public boolean isLocal() {
        return node == null;
    }

    /**
     * Whether messages sent to this reference reach a process: an active alias made here by
     * {@link Jarl#alias()}, or another node's reference that came as an alias. Equality ignores it.
     */
    public boolean isAlias() {
        return node == null ? aliasOf != null : remoteAlias;
    }

    /** The node that made this reference (OTP: {@code node/1}). */
    public String node() {
        return node != null ? node : Kernel.NODE.nodeName();
    }

    int[] words() {
        return words.clone();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Ref r)) {
            return false;
        }
        if (node == null) {
            return r.node == null && r.id == id;
        }
        return node.equals(r.node) && creation == r.creation && Arrays.equals(words, r.words);
    }

    @Override
    public int hashCode() {
        return node == null ? Long.hashCode(id * 0x9E3779B97F4A7C15L)
                : node.hashCode() * 31 + Arrays.hashCode(words) ^ creation;
    }

    @Override
    public String toString() {
        if (node == null) {
            return "#Ref<0." + (id >>> 36) + "." + ((id >>> 18) & 0x3FFFF) + "." + (id & 0x3FFFF) + ">";
        }
        StringBuilder b = new StringBuilder("#Ref<").append(node);
        for (int i = words.length - 1; i >= 0; i--) {
            b.append('.').append(words[i] & 0xFFFF_FFFFL);
        }
        return b.append('>').toString();
    }
}

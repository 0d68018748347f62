package io.jarl;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A unique reference (OTP: {@code reference()}, made by {@code make_ref/0}).
 *
 * <p>Each call of {@link Jarl#makeRef()}, {@link Jarl#monitor(Pid)} and
 * {@link Jarl#sendAfter(Pid, Object, java.time.Duration)} returns a reference equal to no other.
 * A reference made by {@link Jarl#alias()} is also an address: messages sent to it reach the process
 * that made it while the alias is active.
 * References tag requests and replies, monitors and timers. They print like Erlang's:
 * {@code #Ref<0.0.0.42>}.
 */
public final class Ref {
    private static final AtomicLong COUNTER = new AtomicLong();

    private final long id;
    /** The process this reference is an alias of ({@link Jarl#alias()}), or null. */
    final transient LocalProcess aliasOf;

    private Ref(long id, LocalProcess aliasOf) {
        this.id = id;
        this.aliasOf = aliasOf;
    }

    static Ref make() {
        return new Ref(COUNTER.incrementAndGet(), null);
    }

    static Ref alias(LocalProcess owner) {
        return new Ref(COUNTER.incrementAndGet(), owner);
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof Ref r && r.id == id);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id * 0x9E3779B97F4A7C15L);
    }

    @Override
    public String toString() {
        return "#Ref<0." + (id >>> 36) + "." + ((id >>> 18) & 0x3FFFF) + "." + (id & 0x3FFFF) + ">";
    }
}

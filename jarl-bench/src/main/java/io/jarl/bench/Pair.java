package io.jarl.bench;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Two nodes that a {@linkplain Scenario#distributed() distributed scenario} runs between: the
 * sending (calling) side and the receiving (serving) side, each {@code jarl} (a JVM that is a Jarl
 * node) or {@code beam} (an {@code erl -sname} node). Its {@link #id()}, {@code sender_receiver}
 * ({@code jarl_beam}: Jarl sends to, or calls, the BEAM), is the "runtime" of its result lines.
 *
 * @param sender   the runtime of the node that sends and calls
 * @param receiver the runtime of the node with the counter and the echo server
 */
public record Pair(String sender, String receiver) {
    /** Every pair, in the order they run and appear in the table; {@code beam_beam} is the reference. */
    public static final List<Pair> ALL = List.of(
            new Pair("jarl", "jarl"), new Pair("jarl", "beam"), new Pair("beam", "jarl"), new Pair("beam", "beam"));

    /** The pair the others are compared with in the table: two BEAM nodes. */
    public static final Pair REFERENCE = new Pair("beam", "beam");

    public Pair {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        if (!List.of("jarl", "beam").contains(sender) || !List.of("jarl", "beam").contains(receiver)) {
            throw new IllegalArgumentException("a pair is of jarl and beam nodes: " + sender + "_" + receiver);
        }
    }

    /** {@code sender_receiver}, as in the result lines and {@code --runtime}. */
    public String id() {
        return sender + "_" + receiver;
    }

    /** Whether one of the nodes is an {@code erl} (then the pair also needs {@code epmd}). */
    public boolean needsErl() {
        return sender.equals("beam") || receiver.equals("beam");
    }

    /** Whether {@code runtime} is one of the pair's two. */
    public boolean uses(String runtime) {
        return sender.equals(runtime) || receiver.equals(runtime);
    }

    /** The pair named {@code id}, if it is one. */
    public static Optional<Pair> of(String id) {
        return ALL.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** The pair ids, in order. */
    public static List<String> ids() {
        return ALL.stream().map(Pair::id).toList();
    }

    @Override
    public String toString() {
        return id();
    }
}

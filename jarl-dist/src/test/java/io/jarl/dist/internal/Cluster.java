package io.jarl.dist.internal;

import io.jarl.dist.Node;
import io.jarl.dist.NodeOptions;
import io.jarl.dist.term.Terms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The fixture of the distribution tests: an embedded EPMD on a private port, the {@code erl} nodes
 * registered in it (random names, one cookie), and at most one Jarl node (a JVM is one node). Every
 * child is closed by {@link #close()}, newest first; a test class keeps one per class or per test
 * and closes it in its {@code @AfterAll}/{@code @AfterEach}.
 *
 * <p>Also the glue between the two sides: {@link #lit} writes a Jarl term as an Erlang expression
 * (through {@code binary_to_term}, so pids and references of any node can be written), and
 * {@link #term} evaluates an Erlang expression and decodes its value exactly (through
 * {@code term_to_binary}), so tests compare terms, not their printed forms.
 */
final class Cluster implements AutoCloseable {
    final String cookie;
    final EmbeddedEpmd epmd;
    private final List<AutoCloseable> children = new ArrayList<>();
    private Node node;

    private Cluster(String cookie) throws IOException {
        this.cookie = cookie;
        this.epmd = EmbeddedEpmd.start(InetAddress.getLoopbackAddress(), 0, EmbeddedEpmd.Limits.DEFAULT);
    }

    /** Skips the calling test if Erlang is missing; otherwise an EPMD on a free port. */
    static Cluster start(String cookie) {
        ErlNode.assumeErlang();
        try {
            return new Cluster(cookie);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new erl node with a random name and this cluster's cookie, e.g. {@code -kernel net_ticktime 4}. */
    ErlNode erl(String... extraArgs) {
        return erlNamed(ErlNode.randomName("e"), extraArgs);
    }

    /** A new erl node {@code sname@host} (a name used before: a node restarted with a new creation). */
    ErlNode erlNamed(String sname, String... extraArgs) {
        ErlNode erl = ErlNode.start(sname, cookie, epmd.port(), extraArgs);
        children.add(erl);
        return erl;
    }

    /** Starts the Jarl node of this JVM, with a random name, registered in this cluster's EPMD. */
    Node jarl(UnaryOperator<NodeOptions> tweak) {
        return jarlNamed(ErlNode.randomName("j"), tweak);
    }

    Node jarlNamed(String alive, UnaryOperator<NodeOptions> tweak) {
        if (node != null) {
            node.close();
        }
        try {
            node = Node.start(tweak.apply(NodeOptions.sname(alive).withCookie(cookie).withEpmdPort(epmd.port())
                    .withEmbeddedEpmd(false)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return node;
    }

    Node jarl() {
        return jarl(o -> o);
    }

    /** Closes the Jarl node now (its connections go down), if one runs. */
    void stopJarl() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    /** Something else to close with the cluster (a child JVM, a raw peer). */
    <T extends AutoCloseable> T own(T child) {
        children.add(child);
        return child;
    }

    @Override
    public void close() {
        stopJarl();
        for (AutoCloseable c : children.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort: the rest must still be closed
            }
        }
        children.clear();
        epmd.close();
    }

    // ------------------------------------------------------------------ terms across

    /** {@code 'text'}: an atom in Erlang source. */
    static String atom(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * An Erlang expression whose value is {@code value}, mapped as {@code node} maps messages: a
     * pid or reference of any node, a term of any kind.
     */
    static String lit(Node node, Object value) {
        byte[] bytes = node.mapper().termToBinary(value);
        StringBuilder out = new StringBuilder("binary_to_term(<<");
        for (int i = 0; i < bytes.length; i++) {
            out.append(i == 0 ? "" : ",").append(bytes[i] & 0xFF);
        }
        return out.append(">>)").toString();
    }

    /** Evaluates {@code expression} on {@code erl} and returns its value as a term (exactly, not as printed). */
    static Object term(ErlNode erl, String expression) {
        String printed = erl.eval("term_to_binary(begin " + stripDot(expression) + " end).");
        if (!printed.startsWith("<<") || !printed.endsWith(">>")) {
            throw new AssertionError("not a binary: " + printed + " (from " + expression + ")");
        }
        String body = printed.substring(2, printed.length() - 2);
        if (body.isEmpty()) {
            throw new AssertionError("empty term_to_binary from " + expression);
        }
        String[] parts = body.split(",");
        byte[] bytes = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return Terms.binaryToTerm(bytes);
    }

    /** {@link #term}, mapped to a Jarl value by {@code node} (an erl pid becomes a RemotePid). */
    static Object value(Node node, ErlNode erl, String expression) {
        return node.mapper().fromTerm(term(erl, expression));
    }

    private static String stripDot(String expression) {
        String e = expression.strip();
        return e.endsWith(".") ? e.substring(0, e.length() - 1) : e;
    }
}

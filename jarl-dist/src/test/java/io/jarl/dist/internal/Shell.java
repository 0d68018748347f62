package io.jarl.dist.internal;

import io.jarl.Pid;
import io.jarl.RemotePid;
import io.jarl.dist.Node;
import io.jarl.dist.term.Atom;
import io.jarl.dist.term.ErlPid;
import io.jarl.dist.term.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The erl side of a test: an {@link ErlNode} whose eval process (the "shell", registered as
 * {@code shell}) drives agents, erl processes that do what the test asks and report what they see.
 *
 * <p>An agent (optionally trapping exits) runs {@code {do, Fun}} and answers the result, exits on
 * {@code {exit, Reason}} (so that a Jarl process can tell it to, in order after its own signals),
 * and forwards every other message to the shell as {@code {Agent, Msg}}: its {@code 'EXIT'} and
 * {@code 'DOWN'} messages, and messages from Jarl. The shell monitors every agent, so an agent's
 * exit reason can be awaited. Every wait is bounded on the erl side (5 s), below the harness's
 * bound.
 */
final class Shell {
    /** How long erl waits for something that must happen, in ms. */
    static final int WAIT_MS = 5000;

    private static final String AGENT = "put(agent, fun(Trap) -> Shell = self(), A = spawn(fun() -> "
            + "process_flag(trap_exit, Trap), (fun L() -> receive {do, F} -> Shell ! {self(), {done, F()}}, L(); "
            + "{exit, R} -> exit(R); M -> Shell ! {self(), M}, L() end end)() end), monitor(process, A), A end)";

    final ErlNode erl;
    final Node node;
    final String name;
    private final List<RemotePid> agents = new ArrayList<>();

    Shell(ErlNode erl, Node node) {
        this.erl = erl;
        this.node = node;
        this.name = erl.eval("node().").replace("'", "");
        String ok = erl.eval("begin catch unregister(shell), register(shell, self()), " + AGENT + ", ok end.");
        if (!ok.equals("ok")) {
            throw new AssertionError("cannot set up the shell: " + ok);
        }
    }

    /** A new agent; {@code trap}: it traps exits. */
    RemotePid agent(boolean trap) {
        RemotePid a = (RemotePid) value("(get(agent))(" + trap + ")");
        agents.add(a);
        return a;
    }

    /** A new agent registered as {@code name} on the erl node. */
    RemotePid agent(boolean trap, String name) {
        RemotePid a = agent(trap);
        check(eval("register(" + Cluster.atom(name) + ", " + lit(a) + ")"), "true");
        return a;
    }

    /** Has {@code agent} evaluate {@code body} (Erlang expressions) and returns the value as a term. */
    Object run(Pid agent, String body) {
        return term("begin A = " + lit(agent) + ", A ! {do, fun() -> " + body + " end}, receive {A, {done, R}} -> R "
                + "after " + WAIT_MS + " -> {timeout, waiting_for, A} end end");
    }

    /** The next message {@code agent} forwarded, as a term; the atom {@code timeout} if none came. */
    Object next(Pid agent) {
        return term("begin A = " + lit(agent) + ", receive {A, M} -> M after " + WAIT_MS + " -> timeout end end");
    }

    /** A message {@code agent} forwarded already, without waiting; the atom {@code none} if there is none. */
    Object poll(Pid agent) {
        return term("begin A = " + lit(agent) + ", receive {A, M} -> M after 0 -> none end end");
    }

    /** The exit reason of {@code agent} (it must end); the atom {@code timeout} if it does not. */
    Object down(Pid agent) {
        return term("begin A = " + lit(agent) + ", receive {'DOWN', _, process, A, R} -> R after " + WAIT_MS
                + " -> timeout end end");
    }

    boolean alive(Pid agent) {
        return eval("is_process_alive(" + lit(agent) + ")").equals("true");
    }

    /** Empties the shell's mailbox and kills every agent (between tests). */
    void reset() {
        for (RemotePid a : agents) {
            eval("exit(" + lit(a) + ", kill)");
        }
        agents.clear();
        check(eval("(fun F() -> receive _ -> F() after 0 -> ok end end)()"), "ok");
    }

    String eval(String expression) {
        String e = expression.strip();
        return erl.eval(e.endsWith(".") ? e : e + ".");
    }

    Object term(String expression) {
        return Cluster.term(erl, expression);
    }

    Object value(String expression) {
        return Cluster.value(node, erl, expression);
    }

    String lit(Object value) {
        return Cluster.lit(node, value);
    }

    /** The term a Jarl value is on the wire (a pid as an ErlPid...). */
    Object t(Object value) {
        return node.mapper().toTerm(value);
    }

    /** A pid as the wire writes it, as a plain term (what a decoder without a node gives). */
    ErlPid pid(Pid pid) {
        return (ErlPid) io.jarl.dist.term.Terms.binaryToTerm(node.mapper().termToBinary(pid));
    }

    /** {@code {'EXIT', From, Reason}} as erl sees it. */
    Tuple exit(Pid from, String reason) {
        return Tuple.of(Atom.of("EXIT"), pid(from), Atom.of(reason));
    }

    private static void check(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new AssertionError("expected " + expected + " from erl, got " + actual);
        }
    }
}

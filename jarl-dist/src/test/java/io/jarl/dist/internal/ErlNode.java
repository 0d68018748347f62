package io.jarl.dist.internal;

import io.jarl.testing.ChildProcess;
import io.jarl.testing.Installed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process for interop tests: a real {@code erl} node that evaluates one Erlang expression
 * per line sent to it and prints {@code RESULT <term>}, or a real {@code epmd}. Output (stdout and
 * stderr merged) is kept line by line so tests can wait for a line with a bounded timeout; nothing
 * sleeps. {@link #close()} kills the process and waits for it.
 */
final class ErlNode implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    /** The eval loop: read a line, parse and evaluate it, print RESULT with ~w (one line). */
    private static final String LOOP = "L = fun L() -> case io:get_line(\"\") of eof -> halt(); Line -> "
            + "R = try {ok, Ts, _} = erl_scan:string(Line), {ok, Es} = erl_parse:parse_exprs(Ts), "
            + "{value, V, _} = erl_eval:exprs(Es, []), V catch C:E -> {caught, C, E} end, "
            + "io:format(\"RESULT ~w~n\", [R]), L() end end, L().";

    private final ChildProcess child;
    /** Whether the process runs the eval loop, which halts when its input ends. */
    private final boolean evalLoop;

    private ErlNode(ChildProcess child, boolean evalLoop) {
        this.child = child;
        this.evalLoop = evalLoop;
    }

    /** Skips the calling test (class) if {@code erl} and {@code epmd} are not installed. */
    static void assumeErlang() {
        Installed.Peer.ERLANG.assume();
    }


    /** A short random name for a node or a test, unlikely to collide across runs. */
    static String randomName(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)
                .toLowerCase(Locale.ROOT).substring(0, 6);
    }

    /** A TCP port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code erl -sname sname -setcookie cookie -noshell -start_epmd false} using the EPMD at
     * {@code epmdPort}, and waits until it evaluates expressions.
     */
    static ErlNode start(String sname, String cookie, int epmdPort, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of("erl", "-noshell", "-sname", sname, "-setcookie", cookie,
                "-start_epmd", "false"));
        command.addAll(List.of(extraArgs));
        command.addAll(List.of("-eval", LOOP));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        builder.environment().put("ERL_CRASH_DUMP_SECONDS", "0"); // a killed node leaves no erl_crash.dump behind
        ErlNode node = launch(builder, "erl " + sname, true);
        try {
            node.eval("ok.");
        } catch (AssertionError | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /**
     * Starts {@code epmd -d -d -port port -address 127.0.0.1} in the foreground and waits until it
     * listens: at debug level 2 epmd prints "entering the main select() loop" once its socket is
     * bound ("epmd running" comes before that).
     */
    static ErlNode startEpmd(int port) {
        ProcessBuilder builder = new ProcessBuilder("epmd", "-d", "-d", "-port", Integer.toString(port), "-address",
                "127.0.0.1").redirectErrorStream(true);
        ErlNode epmd = launch(builder, "epmd -port " + port, false);
        try {
            epmd.awaitLine(l -> l.contains("entering the main select() loop"), 0);
        } catch (AssertionError e) {
            epmd.close();
            throw e;
        }
        return epmd;
    }

    private static ErlNode launch(ProcessBuilder builder, String description, boolean evalLoop) {
        return new ErlNode(ChildProcess.start(builder, description, WAIT), evalLoop);
    }

    /** How many lines were printed so far (a starting point for {@link #awaitLine}). */
    int mark() {
        return child.mark();
    }

    /** Waits (bounded by {@link #WAIT}) for a line from index {@code from} on that {@code test} accepts. */
    String awaitLine(Predicate<String> test, int from) {
        return child.awaitLine(test, from);
    }

    /** Evaluates {@code expression} (one line, ending with a dot) and returns the result as ~w prints it. */
    String eval(String expression) {
        int from = mark();
        child.writeLine(expression);
        return awaitLine(l -> l.startsWith("RESULT "), from).substring("RESULT ".length());
    }

    /** Everything printed so far. */
    String output() {
        return child.transcript();
    }

    /**
     * Ends the process and waits for it: an erl node is told by the end of its input (its loop then
     * halts), epmd is terminated; whatever is still running after that is killed.
     */
    @Override
    public void close() {
        if (evalLoop) {
            child.close();
        } else {
            child.stop();
        }
    }

    /** Whether the process is still running. */
    boolean isAlive() {
        return child.isAlive();
    }

    /**
     * Asks {@code epmd -port port -kill} whether an EPMD still runs there; returns its output. After
     * a test it must say it cannot connect: no daemon was left behind.
     */
    static String epmdKill(int port) {
        try {
            Process kill = new ProcessBuilder("epmd", "-port", Integer.toString(port), "-kill")
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            kill.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package io.jarl.examples.node;

import io.jarl.testing.ChildProcess;
import io.jarl.testing.Installed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real {@code erl -sname} node as a child process that evaluates one line of Erlang at a time,
 * like the shell: variables bound on one line stay bound for the next, and each result is printed
 * as the shell prints it ({@code ~p}, on one line). Also starts a private {@code epmd}.
 */
final class ErlShell implements AutoCloseable {

    /**
     * Read a line, evaluate it with the bindings so far, print RESULT and the value as the shell
     * would; {@code f().} forgets the bindings, as in the shell.
     */
    private static final String LOOP = "L = fun L(B) -> case io:get_line(\"\") of eof -> halt(); "
            + "\"f().\\n\" -> io:format(\"RESULT ok~n\"), L(erl_eval:new_bindings()); Line -> "
            + "{R, B2} = try {ok, Ts, _} = erl_scan:string(Line), {ok, Es} = erl_parse:parse_exprs(Ts), "
            + "{value, V, NB} = erl_eval:exprs(Es, B), {V, NB} catch C:E -> {{caught, C, E}, B} end, "
            + "io:format(\"RESULT ~ts~n\", [io_lib:print(R, 1, 1000000, -1)]), L(B2) end end, "
            + "L(erl_eval:new_bindings()).";

    private final ChildProcess process;

    private ErlShell(ChildProcess process) {
        this.process = process;
    }

    /** Skips the calling test if {@code erl} and {@code epmd} are not installed. */
    static void assumeErlang() {
        Installed.Peer.ERLANG.assume();
    }

    /** Whether {@code erl} and {@code epmd} are on the PATH. */
    static boolean installed() {
        return Installed.Peer.ERLANG.present();
    }


    /** A short random name, unlikely to collide across runs. */
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
     * Starts {@code erl -sname sname -setcookie cookie -noshell -start_epmd false} registered with
     * the EPMD on {@code epmdPort}, and waits until it evaluates.
     */
    static ErlShell start(String sname, String cookie, int epmdPort) {
        ProcessBuilder builder = new ProcessBuilder(List.of("erl", "-noshell", "-sname", sname, "-setcookie", cookie,
                "-start_epmd", "false", "-eval", LOOP)).redirectErrorStream(true);
        builder.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        builder.environment().put("ERL_CRASH_DUMP_SECONDS", "0"); // a killed node leaves no erl_crash.dump
        ErlShell shell = new ErlShell(ChildProcess.start(builder, "erl -sname " + sname));
        try {
            shell.eval("ok.");
        } catch (AssertionError | RuntimeException e) {
            shell.close();
            throw e;
        }
        return shell;
    }

    /**
     * Starts {@code epmd -port port -address 127.0.0.1} in the foreground and waits until it listens
     * (at debug level 2 it says so once its socket is bound).
     */
    static ChildProcess startEpmd(int port) {
        ProcessBuilder builder = new ProcessBuilder("epmd", "-d", "-d", "-port", Integer.toString(port), "-address",
                "127.0.0.1").redirectErrorStream(true);
        ChildProcess epmd = ChildProcess.start(builder, "epmd -port " + port);
        try {
            epmd.awaitLine(l -> l.contains("entering the main select() loop"), 0);
        } catch (AssertionError e) {
            epmd.close();
            throw e;
        }
        return epmd;
    }

    /** Evaluates {@code line} (expressions ending with a dot) and returns the value as the shell prints it. */
    String eval(String line) {
        int from = process.mark();
        process.writeLine(line);
        return process.awaitLine(l -> l.startsWith("RESULT "), from).substring("RESULT ".length());
    }

    @Override
    public void close() {
        process.close();
    }
}

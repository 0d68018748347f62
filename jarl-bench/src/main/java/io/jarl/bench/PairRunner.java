package io.jarl.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the distributed scenarios on a {@link Pair}: for each scenario, a fresh pair of nodes on
 * loopback, with an EPMD of their own on a free port.
 *
 * <ol>
 *   <li>For a pair with an {@code erl} in it, {@code epmd -port P} (in the foreground; {@code erl}
 *       nodes run with {@code -start_epmd false} and {@code ERL_EPMD_PORT=P}). For {@code jarl_jarl},
 *       the receiving node's embedded EPMD, which it starts as nothing answers on P.</li>
 *   <li>The receiving node: {@link JarlDist} {@code receiver} in a child JVM, or
 *       {@code erl -sname ... -run jarl_bench dist_receiver}; it prints
 *       {@code # dist_ready node=<name>} (waited for up to 30 s).</li>
 *   <li>The sending node, given that name: {@link JarlDist} {@code sender} or
 *       {@code erl ... -run jarl_bench dist_main}; it prints the result lines, with the pair as the
 *       runtime, and is killed if it takes longer than {@link BenchMain#limit}.</li>
 *   <li>Whatever happened: the receiving node's standard input is closed (it halts), then EPMD
 *       is stopped; each is killed if it does not end in time.</li>
 * </ol>
 * Node names are random ({@code jbr…}, {@code jbs…}); the cookie is {@value #COOKIE}.
 */
final class PairRunner {
    static final String COOKIE = "jarlbench";
    private static final int READY_SECONDS = 30;

    private final Sizes sizes;
    /** The command that starts a child JVM with a main class, with the runner's JVM options. */
    private final Function<String, List<String>> jvm;
    private final Supplier<Path> erl;
    private final Supplier<Path> epmd;
    /** The directory of the compiled jarl_bench.beam (compiled on first use). */
    private final Supplier<Path> beamDir;
    private final PrintStream out;

    PairRunner(Sizes sizes, Function<String, List<String>> jvm, Supplier<Path> erl, Supplier<Path> epmd,
               Supplier<Path> beamDir, PrintStream out) {
        this.sizes = sizes;
        this.jvm = jvm;
        this.erl = erl;
        this.epmd = epmd;
        this.beamDir = beamDir;
        this.out = out;
    }

    /** Runs {@code scenarios} (distributed ones) on {@code pair}, each on a fresh pair of nodes. */
    void run(Pair pair, List<Scenario> scenarios, List<Result> results) throws IOException, InterruptedException {
        for (Scenario s : scenarios) {
            if (!s.distributed()) {
                throw new IllegalArgumentException(s.id + " does not run between two nodes");
            }
            runOnce(pair, s, results);
        }
    }

    private void runOnce(Pair pair, Scenario scenario, List<Result> results) throws IOException, InterruptedException {
        int epmdPort = freePort();
        Map<String, String> env = Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort),
                "ERL_CRASH_DUMP_SECONDS", "0"); // a killed erl leaves no erl_crash.dump behind
        Process epmdProcess = null;
        Process receiver = null;
        try {
            if (pair.needsErl()) {
                epmdProcess = startEpmd(epmdPort);
            }
            String receiverName = randomName("jbr");
            receiver = start(receiverCommand(pair.receiver(), receiverName, epmdPort), env,
                    ProcessBuilder.Redirect.PIPE);
            String peer = awaitReady(receiver, pair);
            List<String> sender = senderCommand(pair, randomName("jbs"), epmdPort, peer, scenario);
            BenchMain.runChild(sender, env, pair.id(), List.of(scenario), sizes, out, results);
        } finally {
            Children.stop(receiver, 10);
            Children.stop(epmdProcess, 0);
        }
    }

    private List<String> receiverCommand(String runtime, String name, int epmdPort) {
        if (runtime.equals("jarl")) {
            List<String> cmd = new ArrayList<>(jvm.apply(JarlDist.class.getName()));
            cmd.addAll(List.of("receiver", COOKIE, Integer.toString(epmdPort), name));
            return cmd;
        }
        List<String> cmd = erlNode(name);
        cmd.addAll(List.of("-run", "jarl_bench", "dist_receiver"));
        return cmd;
    }

    private List<String> senderCommand(Pair pair, String name, int epmdPort, String peer, Scenario scenario) {
        List<String> cmd;
        if (pair.sender().equals("jarl")) {
            cmd = new ArrayList<>(jvm.apply(JarlDist.class.getName()));
            cmd.addAll(List.of("sender", pair.id(), sizes.quick() ? "quick" : "full", COOKIE,
                    Integer.toString(epmdPort), name, peer));
        } else {
            cmd = erlNode(name);
            cmd.addAll(List.of("-run", "jarl_bench", "dist_main", pair.id(), peer));
            cmd.addAll(sizes.erlangArgs());
        }
        cmd.add(scenario.id);
        return cmd;
    }

    /** {@code erl -noshell -sname name -setcookie C -start_epmd false -pa dir}. */
    private List<String> erlNode(String name) {
        return new ArrayList<>(List.of(erl.get().toString(), "-noshell", "-sname", name, "-setcookie", COOKIE,
                "-start_epmd", "false", "-pa", beamDir.get().toString()));
    }

    private static Process start(List<String> cmd, Map<String, String> env, ProcessBuilder.Redirect output)
            throws IOException {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectOutput(output)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        b.environment().putAll(env);
        return Children.start(b);
    }

    /**
     * Waits for the receiving node's {@code # dist_ready node=<name>} line and returns the name;
     * copies its output to ours from then on.
     */
    private String awaitReady(Process receiver, Pair pair) throws IOException, InterruptedException {
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("receiver-" + pair.id()).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                        out.println(line);
                        out.flush();
                    }
                    if (line.startsWith(JarlDist.READY)) {
                        ready.complete(line.substring(JarlDist.READY.length()).strip());
                    }
                }
            } catch (IOException e) {
                // the receiver is gone; said below if it was not ready
            } finally {
                ready.completeExceptionally(new IOException("the receiving node (" + pair.receiver()
                        + ") ended before it was ready"));
            }
        });
        try {
            return ready.get(READY_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the receiving node (" + pair.receiver() + ") was not ready in " + READY_SECONDS
                    + " s");
        }
    }

    /**
     * Starts {@code epmd -d -d -port port} in the foreground and waits until it listens: at debug
     * level 2 it prints "entering the main select() loop" once its socket is bound. Its later output
     * (one line per request) is read and dropped, except the last lines, shown if it fails.
     */
    private Process startEpmd(int port) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(epmd.get().toString(), "-d", "-d", "-port", Integer.toString(port))
                .redirectErrorStream(true);
        Process p = Children.start(b);
        CompletableFuture<Void> listening = new CompletableFuture<>();
        Deque<String> last = new ArrayDeque<>();
        Thread.ofPlatform().daemon().name("epmd-" + port).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (last) {
                        last.addLast(line);
                        if (last.size() > 5) {
                            last.removeFirst();
                        }
                    }
                    if (line.contains("entering the main select() loop")) {
                        listening.complete(null);
                    }
                }
            } catch (IOException e) {
                // epmd is gone
            } finally {
                listening.completeExceptionally(new IOException("epmd -port " + port + " ended"));
            }
        });
        try {
            listening.get(READY_SECONDS, TimeUnit.SECONDS);
            return p;
        } catch (ExecutionException | TimeoutException e) {
            Children.stop(p, 0);
            synchronized (last) {
                throw new IOException("epmd -port " + port + " did not start listening: " + String.join(" | ", last));
            }
        }
    }

    /** A TCP port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A short random node name: the prefix and 6 base-36 characters. */
    static String randomName(String prefix) {
        String r = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        return prefix + ("000000" + r).substring(r.length()).toLowerCase(Locale.ROOT);
    }
}

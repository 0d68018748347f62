package io.jarl.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The side-by-side scenario runner: the same scenarios on Jarl, Apache Pekko typed (stock and tuned
 * for this machine) and the BEAM, each in its own fresh process; and the distributed scenarios
 * between two nodes, for each {@link Pair} of Jarl and BEAM nodes.
 *
 * <pre>
 * java -cp jarl-bench/target/classes:$(cat jarl-bench/target/classpath.txt) io.jarl.bench.BenchMain \
 *     [--quick] [--runtime jarl,pekko,pekko_tuned,beam,jarl_jarl,jarl_beam,beam_jarl,beam_beam] [scenario...]
 * </pre>
 *
 * Scenarios: spawn_1m idle_bytes pingpong ring call_fanin genserver_call skynet selective_receive
 * registry_lookup task_async_await fairness, and between two nodes dist_send dist_call (default: all).
 * Prints the machine, one {@code scenario=... runtime=... value=... unit=...} line per scenario and
 * runtime (with {@code #} lines giving the individual runs), then a table of Jarl against each peer,
 * and a table of the pairs against two BEAM nodes. A runtime with nothing comparable for a scenario
 * (Pekko has no synchronous registry for {@code registry_lookup}, and no Erlang distribution) gets a
 * {@code # scenario=... runtime=... not applicable: <why>} line instead ({@link NotApplicable}), and
 * {@code n/a} in the table.
 *
 * <p>Every scenario of every runtime runs in a fresh child process, killed if it takes more than
 * 60 s ({@code --quick}) or 3 minutes. {@code jarl}, {@code pekko} and {@code pekko_tuned} run in a
 * child JVM ({@link BenchChild},
 * the same java and class path, {@code -Xms8g -Xmx8g -XX:+AlwaysPreTouch}, 1 GiB with {@code --quick}, or
 * {@code --jvm-opts}); {@code beam}
 * compiles {@code jarl_bench.erl} from the class path into a temporary directory and runs it with
 * {@code erl -noshell}. {@code --in-process} runs the single JVM runtimes in this JVM instead (for
 * tests). A pair always runs as two child processes (JVMs with the same options, or {@code erl}
 * nodes) and an EPMD of their own ({@link PairRunner}); a pair is selected by its name in
 * {@code --runtime}, or by both its runtimes ({@code --runtime jarl} runs {@code jarl_jarl}).
 */
public final class BenchMain {
    static final List<String> RUNTIMES = List.of("jarl", "pekko", "pekko_tuned", "beam");
    private static final String BEAM_SKIPPED =
            "runtime=beam skipped: erl not found; install it with 'apt-get install erlang-base'";

    /** Pekko 1.1 uses sun.misc.Unsafe; allow it quietly (JDK 24+ warns on first use). Given to every child JVM. */
    private static final String ALLOW_UNSAFE = "--sun-misc-unsafe-memory-access=allow";

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(usage());
            System.exit(0);
        }
        try {
            run(Arrays.asList(args), System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(usage());
            System.exit(2);
        }
        System.exit(0);
    }

    /** The usage text: options, then each scenario with its unit and what it measures. */
    static String usage() {
        StringBuilder u = new StringBuilder();
        u.append("usage: bin/jarl bench [--quick] [--runtime ").append(String.join(",", RUNTIMES)).append(",")
                .append(String.join(",", Pair.ids())).append("] [--jvm-opts \"-Xms8g -Xmx8g -XX:+AlwaysPreTouch\"] [scenario...]\n\n")
                .append("Runs each scenario on each runtime in a fresh JVM or erl and prints one line per scenario and\n")
                .append("runtime, then a table of Jarl against each peer (medians of the timed runs, after a warm-up).\n")
                .append("The distributed scenarios run between two nodes on loopback, for each pair sender_receiver\n")
                .append("(jarl_beam: a Jarl node sends to or calls an erl node), compared with beam_beam.\n")
                .append("  --quick      small sizes (what CI runs); 1 GiB child heaps\n")
                .append("  --runtime    a comma-separated subset of the runtimes and pairs (default: all; beam needs\n")
                .append("               erl); a pair runs when named or when both its runtimes are given\n")
                .append("  --jvm-opts   the child JVMs' options (default: -Xms8g -Xmx8g -XX:+AlwaysPreTouch; 1g with --quick)\n\n")
                .append("Scenarios (default: all; sizes are the full ones):\n");
        for (Scenario s : Scenario.values()) {
            u.append(String.format(Locale.ROOT, "  %-18s %-9s %s%n", s.id, s.unit, s.description));
        }
        return u.toString();
    }

    /**
     * Parsed command line. {@code runtimes} are the single runtimes; {@code pairs} the pairs of nodes
     * for the distributed scenarios: those named in {@code --runtime} and those whose two runtimes
     * both are ({@code --runtime jarl,beam} gives all four pairs; no {@code --runtime}, everything).
     */
    record Options(boolean quick, boolean inProcess, List<String> runtimes, List<Pair> pairs, List<Scenario> scenarios,
                   Optional<String> jvmOpts) {
        static Options parse(List<String> args) {
            boolean quick = false, inProcess = false;
            Optional<String> jvmOpts = Optional.empty();
            List<String> runtimes = RUNTIMES;
            List<Pair> pairs = Pair.ALL;
            List<String> scenarios = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                String list = null;
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--in-process" -> inProcess = true;
                    case "--runtime", "--runtimes" -> {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        list = args.get(++i);
                    }
                    case "--jvm-opts" -> {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        jvmOpts = Optional.of(args.get(++i));
                    }
                    default -> {
                        if (a.startsWith("--runtime=")) {
                            list = a.substring("--runtime=".length());
                        } else if (a.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        } else {
                            scenarios.add(a);
                        }
                    }
                }
                if (list != null) {
                    runtimes = new ArrayList<>();
                    pairs = parseRuntimes(list, runtimes);
                }
            }
            return new Options(quick, inProcess, runtimes, pairs, Scenario.parse(scenarios), jvmOpts);
        }

        /** Adds the single runtimes of {@code list} to {@code runtimes}; returns the pairs it selects. */
        private static List<Pair> parseRuntimes(String list, List<String> runtimes) {
            List<Pair> named = new ArrayList<>();
            for (String r : list.split(",")) {
                String name = r.strip();
                if (RUNTIMES.contains(name)) {
                    runtimes.add(name);
                } else if (Pair.of(name).isPresent()) {
                    named.add(Pair.of(name).get());
                } else {
                    throw new IllegalArgumentException("unknown runtime '" + r + "'; known: " + RUNTIMES
                            + " and the pairs " + Pair.ids());
                }
            }
            return Pair.ALL.stream().filter(p -> named.contains(p)
                    || (runtimes.contains(p.sender()) && runtimes.contains(p.receiver()))).toList();
        }
    }

    /** Runs the benchmark as the command line says, printing to {@code out}; returns the results. */
    public static List<Result> run(List<String> args, PrintStream out) throws Exception {
        Options o = Options.parse(args);
        Sizes sizes = Sizes.of(o.quick());
        Optional<Path> erl = findOnPath("erl");
        List<String> jvmOpts = jvmOpts(o);
        printMachine(out, o, erl, String.join(" ", jvmOpts) + " " + ALLOW_UNSAFE);

        List<Result> results = new ArrayList<>();
        List<NotApplicable> notApplicable = new ArrayList<>();
        BeamCode beam = new BeamCode(erl);
        try {
            List<Scenario> single = o.scenarios().stream().filter(s -> !s.distributed()).toList();
            List<Scenario> distributed = o.scenarios().stream().filter(Scenario::distributed).toList();
            for (String runtime : o.runtimes()) {
                runSingle(runtime, single, o, sizes, jvmOpts, beam, out, results, notApplicable);
            }
            if (!distributed.isEmpty()) {
                for (String runtime : o.runtimes()) {
                    // A runtime with no pair of its own: said once per scenario, n/a in the table.
                    notApplicableBetweenNodes(runtime).ifPresent(why -> distributed.forEach(s -> {
                        NotApplicable na = new NotApplicable(s.id, runtime, why);
                        out.println(na.line());
                        notApplicable.add(na);
                    }));
                }
                PairRunner pairs = new PairRunner(sizes, main -> jvmCommand(jvmOpts, main), erl::orElseThrow,
                        () -> findOnPath("epmd").orElseThrow(() -> new IllegalStateException(
                                "epmd not found on the PATH (it comes with erl)")), beam::dir, out);
                for (Pair pair : o.pairs()) {
                    runPair(pair, distributed, pairs, erl, out, results);
                }
            }
        } finally {
            beam.close();
        }
        printTable(out, o, results, notApplicable);
        printPairTable(out, o, results, notApplicable);
        out.flush();
        return results;
    }

    private static void runSingle(String runtime, List<Scenario> all, Options o, Sizes sizes, List<String> jvmOpts,
                                  BeamCode beam, PrintStream out, List<Result> results,
                                  List<NotApplicable> notApplicable) {
        if (all.isEmpty()) {
            return;
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (Scenario s : all) {
            Optional<String> why = BenchChild.notApplicable(runtime, s);
            if (why.isPresent()) {
                NotApplicable na = new NotApplicable(s.id, runtime, why.get());
                out.println(na.line());
                notApplicable.add(na);
            } else {
                scenarios.add(s);
            }
        }
        if (scenarios.isEmpty()) {
            return;
        }
        if (runtime.equals("beam") && beam.erl().isEmpty()) {
            out.println(BEAM_SKIPPED);
            return;
        }
        printStarts(out, runtime);
        long t0 = System.nanoTime();
        try {
            if (runtime.equals("beam")) {
                runBeam(beam.erl().get(), beam.dir(), sizes, scenarios, out, results);
            } else if (o.inProcess()) {
                BenchChild.run(runtime, sizes, scenarios, r -> {
                    out.println(r.line());
                    results.add(r);
                }, out::println);
            } else {
                for (List<Scenario> group : groups(scenarios)) {
                    List<String> cmd = jvmCommand(jvmOpts, BenchChild.class.getName());
                    cmd.add(runtime);
                    cmd.add(sizes.quick() ? "quick" : "full");
                    cmd.addAll(BenchChild.ids(group));
                    runChild(cmd, Map.of(), runtime, group, sizes, out, results);
                }
            }
        } catch (Exception e) {
            out.println("# runtime=" + runtime + " failed: " + e);
        }
        printTook(out, runtime, t0);
    }

    /**
     * Runs the distributed scenarios on {@code pair}; a pair with an {@code erl} in it is skipped,
     * with the usual message, when there is none.
     */
    private static void runPair(Pair pair, List<Scenario> scenarios, PairRunner runner, Optional<Path> erl,
                                PrintStream out, List<Result> results) {
        if (pair.needsErl() && erl.isEmpty()) {
            out.println("runtime=" + pair.id() + " skipped: erl not found; install it with 'apt-get install erlang-base'");
            return;
        }
        printStarts(out, pair.id());
        long t0 = System.nanoTime();
        try {
            runner.run(pair, scenarios, results);
        } catch (Exception e) {
            out.println("# runtime=" + pair.id() + " failed: " + e);
        }
        printTook(out, pair.id(), t0);
    }

    private static void printStarts(PrintStream out, String runtime) {
        synchronized (out) {
            out.printf(Locale.ROOT, "# runtime=%s starts; core-to-core round trip %s%n", runtime,
                    CoreLatency.describe());
            out.flush();
        }
    }

    private static void printTook(PrintStream out, String runtime, long t0) {
        synchronized (out) {
            out.printf(Locale.ROOT, "# runtime=%s took %.1f s; load average now %s; core-to-core round trip %s%n",
                    runtime, (System.nanoTime() - t0) / 1e9, loadAverage(), CoreLatency.describe());
            out.flush();
        }
    }

    /**
     * Why {@code runtime} takes no part in the distributed scenarios, or empty if it does (as one
     * side of a {@link Pair}).
     */
    static Optional<String> notApplicableBetweenNodes(String runtime) {
        return switch (runtime) {
            case "pekko", "pekko_tuned" -> Optional.of("Pekko's remoting (Artery) is not part of this runner;"
                    + " the distributed scenarios run between Erlang-distribution nodes");
            default -> Optional.empty();
        };
    }

    /**
     * Each scenario runs in a process of its own (so that one scenario's heap, threads or a hang do
     * not affect the next); spawn_1m and idle_bytes share one, being one measurement.
     */
    static List<List<Scenario>> groups(List<Scenario> scenarios) {
        List<List<Scenario>> out = new ArrayList<>();
        List<Scenario> idle = scenarios.stream()
                .filter(s -> s == Scenario.SPAWN_1M || s == Scenario.IDLE_BYTES).toList();
        for (Scenario s : scenarios) {
            if (s == Scenario.SPAWN_1M || s == Scenario.IDLE_BYTES) {
                if (s == idle.getFirst()) {
                    out.add(idle);
                }
            } else {
                out.add(List.of(s));
            }
        }
        return out;
    }

    /**
     * How long one scenario may take in its child process before it is declared hung and killed:
     * 60 s with --quick, 3 minutes otherwise, or {@code -Djarl.bench.limitSeconds=N}.
     */
    static Duration limit(Sizes sizes) {
        Integer seconds = Integer.getInteger("jarl.bench.limitSeconds");
        if (seconds != null) {
            return Duration.ofSeconds(seconds);
        }
        return sizes.quick() ? Duration.ofSeconds(60) : Duration.ofMinutes(3);
    }

    /**
     * The child JVMs' options, the same for Jarl and both Pekkos: a fixed-size heap (so that heap
     * growth does not add collections to the timings), touched before the run (so that the first
     * pass of the allocator over a large young generation, which page-faults on every new page,
     * does not slow whichever scenario meets it: the steady state of a long-running JVM), the
     * default collector (G1).
     */
    static List<String> jvmOpts(Options o) {
        if (o.jvmOpts().isPresent()) {
            return List.of(o.jvmOpts().get().strip().split("\\s+"));
        }
        return o.quick() ? List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch")
                : List.of("-Xms8g", "-Xmx8g", "-XX:+AlwaysPreTouch");
    }

    // ---------------------------------------------------------------- machine

    private static void printMachine(PrintStream out, Options o, Optional<Path> erl, String heap) {
        Runtime rt = Runtime.getRuntime();
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        out.printf(Locale.ROOT, "# machine: cores=%d memory=%.1f GiB os=%s %s %s cpu=%s%n", rt.availableProcessors(),
                memory / (double) (1L << 30), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"), cpuModel());
        out.printf("# java: %s (%s %s) at %s; child JVMs: %s%n", System.getProperty("java.runtime.version"),
                System.getProperty("java.vm.vendor"), System.getProperty("java.vm.name"),
                System.getProperty("java.home"), o.inProcess() ? "none (--in-process)" : heap);
        out.printf("# erl: %s%n", erl.map(BenchMain::erlVersion).orElse("not found"));
        out.printf("# load average at start: %s (other work on the machine skews the numbers)%n", loadAverage());
        out.printf("# core-to-core round trip at start: %s (a cache line between two threads; on a VM the host may%n"
                + "#   move the vCPUs between close and far cores while this runs, and every scenario that hands%n"
                + "#   messages between cores changes speed with it: compare results taken at similar round trips)%n",
                CoreLatency.describe());
        out.printf("# jarl-core: %s%n", jarlCore());
        out.printf("# pekko: %s; pekko_tuned: %s%n", pekkoVersion(), PekkoRuntime.tunedDescription());
        out.printf("# mode: %s; runtimes: %s; pairs: %s; scenarios: %s%n", o.quick() ? "quick" : "full",
                String.join(",", o.runtimes()), String.join(",", o.pairs().stream().map(Pair::id).toList()),
                String.join(" ", Scenario.ids().stream()
                        .filter(id -> o.scenarios().contains(Scenario.of(id))).toList()));
        out.flush();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Where io.jarl.Jarl was loaded from, and when that was built. */
    private static String jarlCore() {
        try {
            Path p = Path.of(io.jarl.Jarl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return p + " (modified " + Files.getLastModifiedTime(p) + ")";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String pekkoVersion() {
        try {
            return com.typesafe.config.ConfigFactory.defaultReference().getString("pekko.version");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static String erlVersion(Path erl) {
        try {
            List<String> lines = exec(List.of(erl.toString(), "-noshell", "-eval",
                    "io:format(\"OTP ~s (erts ~s), ~b schedulers~n\", [erlang:system_info(otp_release), "
                            + "erlang:system_info(version), erlang:system_info(schedulers_online)]), halt()."));
            return lines.isEmpty() ? "unknown" : lines.getFirst() + " at " + erl;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static Optional<Path> findOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- child processes

    /**
     * A child JVM's command: the same java and class path as this one, {@code jvmOpts}, the
     * {@code jarl.bench.*} system properties, then {@code main}; the caller adds the arguments.
     */
    static List<String> jvmCommand(List<String> jvmOpts, String main) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOpts);
        cmd.add(ALLOW_UNSAFE);
        cmd.add("--add-opens"); // Jarl's scheduler (io.jarl.Scheduler); Pekko ignores it
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("jarl.bench."))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        return cmd;
    }

    /** jarl_bench.erl compiled into a temporary directory on first use, for the beam runtime and the pairs. */
    static final class BeamCode implements AutoCloseable {
        private final Optional<Path> erl;
        private Path dir;

        BeamCode(Optional<Path> erl) {
            this.erl = erl;
        }

        Optional<Path> erl() {
            return erl;
        }

        /** The directory holding jarl_bench.beam; compiles it the first time. */
        synchronized Path dir() {
            if (dir == null) {
                try {
                    dir = compile(erl.orElseThrow(() -> new IllegalStateException("erl not found")));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return dir;
        }

        private static Path compile(Path erl) throws IOException {
            Path dir = Files.createTempDirectory("jarl-bench-beam");
            Path source = dir.resolve("jarl_bench.erl");
            try (InputStream in = BenchMain.class.getResourceAsStream("/erlang/jarl_bench.erl")) {
                if (in == null) {
                    throw new IOException("erlang/jarl_bench.erl is not on the class path");
                }
                Files.copy(in, source);
            }
            String compile = "case compile:file(\"" + source + "\", [{outdir, \"" + dir + "\"}, report]) of "
                    + "{ok, _} -> halt(0); _ -> halt(1) end.";
            Process c = new ProcessBuilder(erl.toString(), "-noshell", "-eval", compile)
                    .redirectErrorStream(true).start();
            String log = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (c.waitFor() != 0) {
                    throw new IOException("compiling jarl_bench.erl failed: " + log.strip());
                }
            } catch (InterruptedException e) {
                c.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while compiling jarl_bench.erl", e);
            }
            return dir;
        }

        @Override
        public synchronized void close() throws IOException {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                dir = null;
            }
        }
    }

    private static void runBeam(Path erl, Path dir, Sizes sizes, List<Scenario> scenarios, PrintStream out,
                                List<Result> results) throws IOException, InterruptedException {
        for (List<Scenario> group : groups(scenarios)) {
            List<String> cmd = new ArrayList<>(List.of(erl.toString(), "-noshell",
                    "+P", "4194304", // room for skynet's 1.1 million processes (the default limit is 262,144)
                    "-pa", dir.toString(), "-run", "jarl_bench", "main"));
            cmd.addAll(sizes.erlangArgs());
            cmd.addAll(BenchChild.ids(group));
            runChild(cmd, Map.of(), "beam", group, sizes, out, results);
        }
    }

    /**
     * Runs a child (with {@code env} added to its environment), echoing its stdout and collecting its
     * result lines; its stderr goes to ours. A child that has not finished within {@link #limit} is
     * killed (a JVM child after a thread dump).
     */
    static void runChild(List<String> cmd, Map<String, String> env, String runtime, List<Scenario> scenarios,
                         Sizes sizes, PrintStream out, List<Result> results) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        b.environment().putAll(env);
        Process p = Children.start(b);
        p.getOutputStream().close();
        Thread reader = Thread.ofPlatform().name("child-" + runtime).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                        out.println(line);
                        out.flush();
                    }
                    Result.parse(line).ifPresent(res -> {
                        synchronized (results) {
                            results.add(res);
                        }
                    });
                }
            } catch (IOException e) {
                out.println("# runtime=" + runtime + " output lost: " + e);
            }
        });
        String names = String.join(",", BenchChild.ids(scenarios));
        Duration limit = limit(sizes);
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                boolean jvm = cmd.getFirst().endsWith("java");
                String dump = jvm ? threadDump(p.pid(), runtime, names) : "";
                p.destroyForcibly();
                p.waitFor();
                out.println("# scenario=" + names + " runtime=" + runtime + " failed: no result within "
                        + limit.toSeconds() + " s; killed" + dump);
            } else if (p.exitValue() != 0) {
                out.println("# scenario=" + names + " runtime=" + runtime + " failed: exit status " + p.exitValue());
            }
            reader.join();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly(); // interrupted: nothing outlives the runner
            }
        }
    }

    /** Saves a hung JVM child's threads with jcmd; returns a note saying where, or why not. */
    private static String threadDump(long pid, String runtime, String scenarios) {
        try {
            Path file = Files.createTempFile("jarl-bench-hang-" + runtime + "-" + scenarios + "-", ".txt");
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process d = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            d.waitFor(30, TimeUnit.SECONDS);
            return " (thread dump: " + file + ")";
        } catch (IOException e) {
            return " (no thread dump: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static List<String> exec(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> lines = r.lines().toList();
            p.waitFor(30, TimeUnit.SECONDS);
            return lines;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    // ---------------------------------------------------------------- summary

    /**
     * The table of the scenarios on one runtime: one column per runtime, then Jarl against each
     * peer ({@code jarl/<peer>}).
     */
    static void printTable(PrintStream out, Options o, List<Result> results, List<NotApplicable> notApplicable) {
        List<Scenario> scenarios = o.scenarios().stream().filter(s -> !s.distributed()).toList();
        List<String> columns = columns(o.runtimes(), scenarios, results, notApplicable);
        if (columns.isEmpty()) {
            return;
        }
        List<String[]> ratios = columns.contains("jarl")
                ? columns.stream().filter(r -> !r.equals("jarl")).map(r -> new String[] {"jarl", r}).toList()
                : List.of();
        out.println();
        out.println("Summary (medians). Columns 'jarl/<peer>': Jarl against that peer, >= 1 means Jarl is better"
                + " (peer/jarl for ms, ns, bytes and ratio; jarl/peer for calls/s and lookups/s);"
                + " n/a: the runtime has nothing comparable. Rows '<line>" + Scenario.HANDLER + "': Jarl's"
                + " handler processes against the peers' usual form (their figures of row <line>).");
        printGrid(out, scenarios, columns, ratios, results, notApplicable);
    }

    /**
     * The table of the distributed scenarios: one column per pair of nodes ({@code sender_receiver}),
     * then each pair with Jarl in it against two BEAM nodes ({@code <pair>/beam_beam}).
     */
    static void printPairTable(PrintStream out, Options o, List<Result> results, List<NotApplicable> notApplicable) {
        List<Scenario> scenarios = o.scenarios().stream().filter(Scenario::distributed).toList();
        List<String> candidates = new ArrayList<>(o.pairs().stream().map(Pair::id).toList());
        candidates.addAll(o.runtimes()); // a runtime with no pair (pekko) has n/a lines
        List<String> columns = columns(candidates, scenarios, results, notApplicable);
        if (columns.isEmpty()) {
            return;
        }
        String reference = Pair.REFERENCE.id();
        List<String[]> ratios = !columns.contains(reference) ? List.of() : columns.stream()
                .filter(c -> !c.equals(reference) && Pair.of(c).isPresent()).map(c -> new String[] {c, reference})
                .toList();
        out.println();
        out.println("Between two nodes on loopback (medians; columns sender_receiver: jarl_beam is a Jarl node"
                + " sending to or calling an erl node). Columns '<pair>/" + reference + "': that pair against two"
                + " BEAM nodes, >= 1 means better (" + reference + "/pair for us, pair/" + reference
                + " for msgs/s and calls/s); n/a: the runtime has nothing comparable.");
        printGrid(out, scenarios, columns, ratios, results, notApplicable);
    }

    /** Those of {@code candidates} with a result or an n/a line for one of {@code scenarios}, in order. */
    private static List<String> columns(List<String> candidates, List<Scenario> scenarios, List<Result> results,
                                        List<NotApplicable> notApplicable) {
        List<String> lines = scenarios.stream().flatMap(s -> s.lineNames().stream()).toList();
        List<String> ids = scenarios.stream().map(s -> s.id).toList();
        return candidates.stream().distinct()
                .filter(c -> results.stream().anyMatch(r -> r.runtime().equals(c) && lines.contains(r.scenario()))
                        || notApplicable.stream().anyMatch(n -> n.runtime().equals(c) && ids.contains(n.scenario())))
                .toList();
    }

    /**
     * One row per line of {@code scenarios}: its unit, a cell per column (the value, {@code n/a}, or
     * {@code -} if it did not run or failed), then a cell per ratio {@code {a, b}}: a against b,
     * {@code >= 1} meaning a is better (a/b for rates, b/a otherwise).
     */
    private static void printGrid(PrintStream out, List<Scenario> scenarios, List<String> columns,
                                  List<String[]> ratios, List<Result> results, List<NotApplicable> notApplicable) {
        int width = Math.max(18, scenarios.stream().flatMap(sc -> sc.lineNames().stream())
                .mapToInt(String::length).max().orElse(0));
        String lineFormat = "%-" + width + "s %-9s";
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, lineFormat, "scenario", "unit"));
        for (String c : columns) {
            head.append(String.format(Locale.ROOT, " %13s", c));
        }
        List<String> ratioFormats = new ArrayList<>();
        for (String[] r : ratios) {
            String name = r[0].equals("jarl") ? "jarl/" + r[1] : r[0] + "/" + r[1];
            String format = " %" + Math.max(17, name.length()) + "s";
            ratioFormats.add(format);
            head.append(String.format(Locale.ROOT, format, name));
        }
        out.println(head);
        for (Scenario s : scenarios) {
            List<String> na = notApplicable.stream().filter(n -> n.scenario().equals(s.id))
                    .map(NotApplicable::runtime).toList();
            for (String line : s.lineNames()) {
                // A _handler row: Jarl's handler form, the peers' usual one (their figures of the row above).
                String peerLine = Scenario.peerLine(line);
                Map<String, Result> row = new LinkedHashMap<>();
                for (Result r : results) {
                    boolean jarl = r.runtime().equals("jarl");
                    if (columns.contains(r.runtime()) && r.scenario().equals(jarl ? line : peerLine)) {
                        row.put(r.runtime(), r);
                    }
                }
                if (row.isEmpty() && columns.stream().noneMatch(na::contains)
                        || !line.equals(peerLine) && !row.containsKey("jarl")) {
                    continue;
                }
                String unit = row.isEmpty() ? s.unit(line) : row.values().iterator().next().unit();
                StringBuilder text = new StringBuilder(String.format(Locale.ROOT, lineFormat, line, unit));
                for (String c : columns) {
                    Result x = row.get(c);
                    String cell = x != null ? Result.format(x.value(), unit) : na.contains(c) ? "n/a" : "-";
                    text.append(String.format(Locale.ROOT, " %13s", cell));
                }
                for (int i = 0; i < ratios.size(); i++) {
                    Result a = row.get(ratios.get(i)[0]);
                    Result b = row.get(ratios.get(i)[1]);
                    String cell = na.contains(ratios.get(i)[0]) || na.contains(ratios.get(i)[1]) ? "n/a" : "-";
                    if (a != null && b != null && a.value() > 0 && b.value() > 0) {
                        double ratio = Result.isRate(unit) ? a.value() / b.value() : b.value() / a.value();
                        cell = String.format(Locale.ROOT, "%.2f", ratio);
                    }
                    text.append(String.format(Locale.ROOT, ratioFormats.get(i), cell));
                }
                out.println(text);
            }
        }
    }
}

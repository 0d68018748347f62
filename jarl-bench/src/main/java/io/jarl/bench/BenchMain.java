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
 * for this machine) and the BEAM, each in its own fresh process.
 *
 * <pre>
 * java -cp jarl-bench/target/classes:$(cat jarl-bench/target/classpath.txt) io.jarl.bench.BenchMain \
 *     [--quick] [--runtime jarl,pekko,pekko_tuned,beam] [scenario...]
 * </pre>
 *
 * Scenarios: spawn_1m idle_bytes pingpong ring call_fanin genserver_call skynet selective_receive
 * registry_lookup task_async_await (default: all).
 * Prints the machine, one {@code scenario=... runtime=... value=... unit=...} line per scenario and
 * runtime (with {@code #} lines giving the individual runs), then a table of Jarl against each peer.
 * A runtime with nothing comparable for a scenario (Pekko has no synchronous registry for
 * {@code registry_lookup}) gets a {@code # scenario=... runtime=... not applicable: <why>} line
 * instead ({@link NotApplicable}), and {@code n/a} in the table.
 *
 * <p>Every scenario of every runtime runs in a fresh child process, killed if it takes more than
 * 60 s ({@code --quick}) or 3 minutes. {@code jarl}, {@code pekko} and {@code pekko_tuned} run in a
 * child JVM ({@link BenchChild},
 * the same java and class path, {@code -Xms8g -Xmx8g}, {@code -Xms1g -Xmx1g} with {@code --quick}, or
 * {@code --jvm-opts}); {@code beam}
 * compiles {@code jarl_bench.erl} from the class path into a temporary directory and runs it with
 * {@code erl -noshell}. {@code --in-process} runs the JVM runtimes in this JVM instead (for tests).
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
        u.append("usage: bin/jarl bench [--quick] [--runtime ").append(String.join(",", RUNTIMES))
                .append("] [--jvm-opts \"-Xms8g -Xmx8g\"] [scenario...]\n\n")
                .append("Runs each scenario on each runtime in a fresh JVM or erl and prints one line per scenario and\n")
                .append("runtime, then a table of Jarl against each peer (medians of the timed runs, after a warm-up).\n")
                .append("  --quick      small sizes (what CI runs); 1 GiB child heaps\n")
                .append("  --runtime    a comma-separated subset of the runtimes (default: all; beam needs erl)\n")
                .append("  --jvm-opts   the child JVMs' options (default: -Xms8g -Xmx8g, or -Xms1g -Xmx1g with --quick)\n\n")
                .append("Scenarios (default: all; sizes are the full ones):\n");
        for (Scenario s : Scenario.values()) {
            u.append(String.format(Locale.ROOT, "  %-18s %-9s %s%n", s.id, s.unit, s.description));
        }
        return u.toString();
    }

    /** Parsed command line. */
    record Options(boolean quick, boolean inProcess, List<String> runtimes, List<Scenario> scenarios,
                   Optional<String> jvmOpts) {
        static Options parse(List<String> args) {
            boolean quick = false, inProcess = false;
            Optional<String> jvmOpts = Optional.empty();
            List<String> runtimes = RUNTIMES;
            List<String> scenarios = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--in-process" -> inProcess = true;
                    case "--runtime", "--runtimes" -> {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        runtimes = parseRuntimes(args.get(++i));
                    }
                    case "--jvm-opts" -> {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        jvmOpts = Optional.of(args.get(++i));
                    }
                    default -> {
                        if (a.startsWith("--runtime=")) {
                            runtimes = parseRuntimes(a.substring("--runtime=".length()));
                        } else if (a.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        } else {
                            scenarios.add(a);
                        }
                    }
                }
            }
            return new Options(quick, inProcess, runtimes, Scenario.parse(scenarios), jvmOpts);
        }

        private static List<String> parseRuntimes(String list) {
            List<String> out = new ArrayList<>();
            for (String r : list.split(",")) {
                if (!RUNTIMES.contains(r.strip())) {
                    throw new IllegalArgumentException("unknown runtime '" + r + "'; known: " + RUNTIMES);
                }
                out.add(r.strip());
            }
            return out;
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
        for (String runtime : o.runtimes()) {
            long t0 = System.nanoTime();
            List<Scenario> scenarios = new ArrayList<>();
            for (Scenario s : o.scenarios()) {
                Optional<String> why = BenchChild.notApplicable(runtime, s);
                if (why.isPresent()) {
                    NotApplicable na = new NotApplicable(s.id, runtime, why.get());
                    out.println(na.line());
                    notApplicable.add(na);
                } else {
                    scenarios.add(s);
                }
            }
            try {
                if (scenarios.isEmpty()) {
                    continue;
                }
                if (runtime.equals("beam")) {
                    if (erl.isEmpty()) {
                        out.println(BEAM_SKIPPED);
                        continue;
                    }
                    runBeam(erl.get(), sizes, scenarios, out, results);
                } else if (o.inProcess()) {
                    BenchChild.run(runtime, sizes, scenarios, r -> {
                        out.println(r.line());
                        results.add(r);
                    }, out::println);
                } else {
                    for (List<Scenario> group : groups(scenarios)) {
                        runChildJvm(runtime, jvmOpts, sizes, group, out, results);
                    }
                }
            } catch (Exception e) {
                out.println("# runtime=" + runtime + " failed: " + e);
            }
            out.printf(Locale.ROOT, "# runtime=%s took %.1f s; load average now %s%n", runtime,
                    (System.nanoTime() - t0) / 1e9, loadAverage());
            out.flush();
        }
        printTable(out, o, results, notApplicable);
        out.flush();
        return results;
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
     * growth does not add collections to the timings), the default collector (G1).
     */
    static List<String> jvmOpts(Options o) {
        if (o.jvmOpts().isPresent()) {
            return List.of(o.jvmOpts().get().strip().split("\\s+"));
        }
        return o.quick() ? List.of("-Xms1g", "-Xmx1g") : List.of("-Xms8g", "-Xmx8g");
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
        out.printf("# jarl-core: %s%n", jarlCore());
        out.printf("# pekko: %s; pekko_tuned: %s%n", pekkoVersion(), PekkoRuntime.tunedDescription());
        out.printf("# mode: %s; runtimes: %s; scenarios: %s%n", o.quick() ? "quick" : "full",
                String.join(",", o.runtimes()), String.join(" ", Scenario.ids().stream()
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

    private static void runChildJvm(String runtime, List<String> jvmOpts, Sizes sizes, List<Scenario> scenarios,
                                    PrintStream out, List<Result> results) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOpts);
        cmd.add(ALLOW_UNSAFE);
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("jarl.bench."))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchChild.class.getName());
        cmd.add(runtime);
        cmd.add(sizes.quick() ? "quick" : "full");
        cmd.addAll(BenchChild.ids(scenarios));
        runChild(cmd, runtime, scenarios, sizes, out, results);
    }

    private static void runBeam(Path erl, Sizes sizes, List<Scenario> scenarios, PrintStream out,
                                List<Result> results) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jarl-bench-beam");
        try {
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
            if (c.waitFor() != 0) {
                throw new IOException("compiling jarl_bench.erl failed: " + log.strip());
            }
            for (List<Scenario> group : groups(scenarios)) {
                List<String> cmd = new ArrayList<>(List.of(erl.toString(), "-noshell",
                        "+P", "4194304", // room for skynet's 1.1 million processes (the default limit is 262,144)
                        "-pa", dir.toString(), "-run", "jarl_bench", "main"));
                cmd.addAll(sizes.erlangArgs());
                cmd.addAll(BenchChild.ids(group));
                runChild(cmd, "beam", group, sizes, out, results);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Runs a child, echoing its stdout and collecting its result lines; its stderr goes to ours. A
     * child that has not finished within {@link #limit} is killed (a JVM child after a thread dump).
     */
    private static void runChild(List<String> cmd, String runtime, List<Scenario> scenarios, Sizes sizes,
                                 PrintStream out, List<Result> results) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            String dump = runtime.equals("beam") ? "" : threadDump(p.pid(), runtime, names);
            p.destroyForcibly();
            p.waitFor();
            out.println("# scenario=" + names + " runtime=" + runtime + " failed: no result within "
                    + limit.toSeconds() + " s; killed" + dump);
        } else if (p.exitValue() != 0) {
            out.println("# scenario=" + names + " runtime=" + runtime + " failed: exit status " + p.exitValue());
        }
        reader.join();
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

    private static void printTable(PrintStream out, Options o, List<Result> results, List<NotApplicable> notApplicable) {
        List<String> runtimes = o.runtimes().stream()
                .filter(r -> results.stream().anyMatch(x -> x.runtime().equals(r))
                        || notApplicable.stream().anyMatch(x -> x.runtime().equals(r))).toList();
        if (runtimes.isEmpty()) {
            return;
        }
        Map<String, Map<String, Result>> byScenario = new LinkedHashMap<>();
        for (Scenario s : o.scenarios()) {
            for (String name : s.lineNames()) {
                byScenario.put(name, new LinkedHashMap<>());
            }
        }
        for (Result r : results) {
            byScenario.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>()).put(r.runtime(), r);
        }
        // Per output line, the runtimes that have nothing comparable for its scenario.
        Map<String, List<String>> na = new LinkedHashMap<>();
        for (NotApplicable x : notApplicable) {
            for (String name : Scenario.of(x.scenario()).lineNames()) {
                na.computeIfAbsent(name, k -> new ArrayList<>()).add(x.runtime());
            }
        }
        List<String> peers = runtimes.contains("jarl")
                ? runtimes.stream().filter(r -> !r.equals("jarl")).toList() : List.of();

        out.println();
        out.println("Summary (medians). Columns 'jarl/<peer>': Jarl against that peer, >= 1 means Jarl is better"
                + " (peer/jarl for ms, ns, bytes and ratio; jarl/peer for calls/s and lookups/s);"
                + " n/a: the runtime has nothing comparable.");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-18s %-9s", "scenario", "unit"));
        for (String r : runtimes) {
            head.append(String.format(Locale.ROOT, " %13s", r));
        }
        for (String p : peers) {
            head.append(String.format(Locale.ROOT, " %17s", "jarl/" + p));
        }
        out.println(head);
        for (var e : byScenario.entrySet()) {
            Map<String, Result> row = e.getValue();
            List<String> rowNa = na.getOrDefault(e.getKey(), List.of());
            if (row.isEmpty() && rowNa.isEmpty()) {
                continue;
            }
            String unit = row.isEmpty() ? Scenario.of(e.getKey()).unit : row.values().iterator().next().unit();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-18s %-9s", e.getKey(), unit));
            for (String r : runtimes) {
                Result x = row.get(r);
                String cell = x != null ? Result.format(x.value(), unit) : rowNa.contains(r) ? "n/a" : "-";
                line.append(String.format(Locale.ROOT, " %13s", cell));
            }
            Result jarl = row.get("jarl");
            for (String p : peers) {
                Result peer = row.get(p);
                String cell = rowNa.contains(p) || rowNa.contains("jarl") ? "n/a" : "-";
                if (jarl != null && peer != null && jarl.value() > 0 && peer.value() > 0) {
                    double ratio = Result.isRate(unit) ? jarl.value() / peer.value() : peer.value() / jarl.value();
                    cell = String.format(Locale.ROOT, "%.2f", ratio);
                }
                line.append(String.format(Locale.ROOT, " %17s", cell));
            }
            out.println(line);
        }
    }
}

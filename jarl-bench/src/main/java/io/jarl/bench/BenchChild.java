package io.jarl.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Runs the scenarios on one JVM runtime and prints one result line per scenario. {@link BenchMain}
 * starts it in a fresh JVM per runtime:
 * {@code java -cp ... io.jarl.bench.BenchChild <jarl|pekko|pekko_tuned> <quick|full> [scenario...]}.
 *
 * <p>Every runtime is driven by the same code here: the same sizes, one untimed warm-up, then the
 * median of the timed runs.
 */
public final class BenchChild {
    private BenchChild() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[1].equals("quick") || args[1].equals("full"))) {
            System.err.println("usage: BenchChild <jarl|pekko|pekko_tuned> <quick|full> [scenario...]");
            System.exit(2);
        }
        List<Scenario> scenarios = Scenario.parse(Arrays.asList(args).subList(2, args.length));
        LoggerFactory.getILoggerFactory(); // before Pekko logs from several threads at once (no "replay" notice)
        run(args[0], Sizes.of(args[1].equals("quick")), scenarios, r -> {
            System.out.println(r.line());
            System.out.flush();
        }, note -> {
            System.out.println(note);
            System.out.flush();
        });
        System.exit(0); // the actor systems and the Jarl node are gone; don't wait for stray threads
    }

    static JvmRuntime open(String runtime) {
        return switch (runtime) {
            case "jarl" -> new JarlRuntime();
            case "pekko" -> new PekkoRuntime(false);
            case "pekko_tuned" -> new PekkoRuntime(true);
            default -> throw new IllegalArgumentException("not a JVM runtime: " + runtime);
        };
    }

    /**
     * Runs {@code scenarios} on {@code runtime} in this JVM, handing each result to {@code out} as it
     * comes, and the individual runs behind it to {@code notes} (lines starting with {@code #}).
     */
    public static void run(String runtime, Sizes s, List<Scenario> scenarios, Consumer<Result> out,
                           Consumer<String> notes) throws Exception {
        try (JvmRuntime rt = open(runtime)) {
            for (Scenario scenario : scenarios) {
                Optional<String> why = notApplicable(runtime, scenario);
                if (why.isPresent()) {
                    notes.accept(new NotApplicable(scenario.id, runtime, why.get()).line());
                    continue;
                }
                switch (scenario) {
                    case SPAWN_1M, IDLE_BYTES -> {
                        if (scenario == Scenario.IDLE_BYTES && scenarios.contains(Scenario.SPAWN_1M)) {
                            continue; // measured together with spawn_1m
                        }
                        rt.spawnIdle(s.spawnWarm());
                        double[] ms = new double[s.spawnRuns()];
                        double[] bytes = new double[s.spawnRuns()];
                        for (int i = 0; i < s.spawnRuns(); i++) {
                            JvmRuntime.Idle idle = rt.spawnIdle(s.spawn());
                            ms[i] = idle.millis();
                            bytes[i] = idle.bytesPerProcess();
                        }
                        notes.accept(note("spawn_1m", runtime, "ms", ms));
                        notes.accept(note("idle_bytes", runtime, "bytes", bytes));
                        if (scenarios.contains(Scenario.SPAWN_1M)) {
                            out.accept(result(Scenario.SPAWN_1M, runtime, Stats.median(ms)));
                        }
                        if (scenarios.contains(Scenario.IDLE_BYTES)) {
                            out.accept(result(Scenario.IDLE_BYTES, runtime, Stats.median(bytes)));
                        }
                        if (rt instanceof JarlRuntime) {
                            JarlHandlers.spawnIdle(s.spawnWarm());
                            for (int i = 0; i < s.spawnRuns(); i++) {
                                JvmRuntime.Idle idle = JarlHandlers.spawnIdle(s.spawn());
                                ms[i] = idle.millis();
                                bytes[i] = idle.bytesPerProcess();
                            }
                            notes.accept(note("spawn_1m" + Scenario.HANDLER, runtime, "ms", ms));
                            notes.accept(note("idle_bytes" + Scenario.HANDLER, runtime, "bytes", bytes));
                            if (scenarios.contains(Scenario.SPAWN_1M)) {
                                out.accept(handlerResult(Scenario.SPAWN_1M, runtime, Stats.median(ms)));
                            }
                            if (scenarios.contains(Scenario.IDLE_BYTES)) {
                                out.accept(handlerResult(Scenario.IDLE_BYTES, runtime, Stats.median(bytes)));
                            }
                        }
                    }
                    case PINGPONG -> {
                        double[] ns = rt.pingPong(s.pingPongWarm(), s.pingPong(), s.pingPongRuns());
                        notes.accept(note(scenario.id, runtime, "ns", ns));
                        out.accept(result(scenario, runtime, Stats.median(ns)));
                        if (rt instanceof JarlRuntime) {
                            ns = JarlHandlers.pingPong(s.pingPongWarm(), s.pingPong(), s.pingPongRuns());
                            notes.accept(note(scenario.id + Scenario.HANDLER, runtime, "ns", ns));
                            out.accept(handlerResult(scenario, runtime, Stats.median(ns)));
                        }
                    }
                    case RING -> {
                        double[] ns = rt.ring(s.ringSize(), s.ringWarmHops(), s.ringHops(), s.ringRuns());
                        notes.accept(note(scenario.id, runtime, "ns", ns));
                        out.accept(result(scenario, runtime, Stats.median(ns)));
                        if (rt instanceof JarlRuntime) {
                            ns = JarlHandlers.ring(s.ringSize(), s.ringWarmHops(), s.ringHops(), s.ringRuns());
                            notes.accept(note(scenario.id + Scenario.HANDLER, runtime, "ns", ns));
                            out.accept(handlerResult(scenario, runtime, Stats.median(ns)));
                        }
                    }
                    case CALL_FANIN -> {
                        for (int clients : Scenario.FANIN_CLIENTS) {
                            double[] rates = rt.callFanin(clients, s.faninWarmMillis(), s.faninMillis(), s.faninRuns());
                            notes.accept(note(scenario.id + "_" + clients, runtime, "calls/s", rates));
                            out.accept(new Result(scenario.id + "_" + clients, runtime, Stats.median(rates),
                                    scenario.unit));
                        }
                        if (rt instanceof JarlRuntime) {
                            for (int clients : Scenario.FANIN_CLIENTS) {
                                String line = scenario.id + "_" + clients + Scenario.HANDLER;
                                double[] rates = JarlHandlers.callFanin(clients, s.faninWarmMillis(), s.faninMillis(),
                                        s.faninRuns());
                                notes.accept(note(line, runtime, "calls/s", rates));
                                out.accept(new Result(line, runtime, Stats.median(rates), scenario.unit));
                            }
                        }
                    }
                    case GENSERVER_CALL -> {
                        for (int clients : Scenario.GENSERVER_CLIENTS) {
                            double[] rates = rt.genServerCall(clients, s.genserverWarmMillis(), s.genserverMillis(),
                                    s.genserverRuns());
                            notes.accept(note(scenario.id + "_" + clients, runtime, "calls/s", rates));
                            out.accept(new Result(scenario.id + "_" + clients, runtime, Stats.median(rates),
                                    scenario.unit));
                        }
                    }
                    case SKYNET -> {
                        double[] ms = rt.skynet(s.skynetWarm(), s.skynet(), s.skynetRuns());
                        notes.accept(note(scenario.id, runtime, "ms", ms));
                        out.accept(result(scenario, runtime, Stats.median(ms)));
                        if (rt instanceof JarlRuntime) {
                            ms = JarlHandlers.skynet(s.skynetWarm(), s.skynet(), s.skynetRuns());
                            notes.accept(note(scenario.id + Scenario.HANDLER, runtime, "ms", ms));
                            out.accept(handlerResult(scenario, runtime, Stats.median(ms)));
                        }
                    }
                    case SELECTIVE_RECEIVE -> {
                        long[][] rounds = rt.selectiveReceive(s.selectiveJunk(), s.selectiveWarmRounds(),
                                s.selectiveRounds());
                        long[] empty = new long[rounds.length];
                        long[] loaded = new long[rounds.length];
                        for (int i = 0; i < rounds.length; i++) {
                            empty[i] = rounds[i][0];
                            loaded[i] = rounds[i][1];
                        }
                        notes.accept(String.format(Locale.ROOT,
                                "# selective_receive runtime=%s junk=%d median_ns_empty=%.0f median_ns_loaded=%.0f",
                                runtime, s.selectiveJunk(), Stats.median(empty), Stats.median(loaded)));
                        out.accept(result(scenario, runtime, Stats.median(loaded) / Stats.median(empty)));
                    }
                    case REGISTRY_LOOKUP -> {
                        double[] rates = rt.registryLookup(s.registryKeys(), s.registryReaders(),
                                s.registryWarmMillis(), s.registryMillis(), s.registryRuns());
                        notes.accept(note(scenario.id, runtime, scenario.unit, rates));
                        out.accept(result(scenario, runtime, Stats.median(rates)));
                    }
                    case FAIRNESS -> {
                        int hogs = 2 * Runtime.getRuntime().availableProcessors();
                        double[][] ms = rt.fairness(hogs, s.fairnessMillis(), s.fairnessRuns());
                        notes.accept(note(scenario.id, runtime, "ms", ms[0]));
                        out.accept(new Result(scenario.id, runtime, Stats.median(ms[0]), scenario.unit));
                        if (ms.length > 1) {
                            notes.accept(note(scenario.id + "_dirty", runtime, "ms", ms[1]));
                            out.accept(new Result(scenario.id + "_dirty", runtime, Stats.median(ms[1]), scenario.unit));
                        }
                    }
                    case TASK_ASYNC_AWAIT -> {
                        double[] ms = rt.taskAsyncAwait(s.taskWarm(), s.tasks(), s.taskBatch(), s.taskRuns());
                        notes.accept(note(scenario.id, runtime, "ms", ms));
                        out.accept(result(scenario, runtime, Stats.median(ms)));
                    }
                }
            }
        }
    }

    /**
     * Why {@code runtime} has nothing comparable for {@code scenario}, or empty if it runs it. The
     * driver prints the reason ({@link NotApplicable}) in place of a number and starts no process for it.
     */
    static Optional<String> notApplicable(String runtime, Scenario scenario) {
        return switch (runtime) {
            case "pekko", "pekko_tuned" -> PekkoRuntime.notApplicable(scenario);
            default -> Optional.empty();
        };
    }

    private static Result result(Scenario scenario, String runtime, double value) {
        return new Result(scenario.id, runtime, value, scenario.unit);
    }

    private static Result handlerResult(Scenario scenario, String runtime, double value) {
        return new Result(scenario.id + Scenario.HANDLER, runtime, value, scenario.unit);
    }

    /** The scenarios' names, for a child's command line. */
    static List<String> ids(List<Scenario> scenarios) {
        return scenarios.stream().map(sc -> sc.id).toList();
    }

    /** {@code # <scenario> runtime=<runtime> runs=[...] <unit>}: every timed run, in order. */
    static String note(String scenario, String runtime, String unit, double[] runs) {
        StringJoiner j = new StringJoiner(" ", "[", "]");
        for (double v : runs) {
            j.add(Result.format(v, unit));
        }
        return "# " + scenario + " runtime=" + runtime + " runs=" + j + " " + unit;
    }
}

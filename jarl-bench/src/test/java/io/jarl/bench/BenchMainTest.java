package io.jarl.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jarl.testing.Installed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchMainTest {

    @Test
    @Timeout(60)
    void quickJarlRunPrintsOneWellFormedLinePerScenario() throws Exception {
        int processesBefore = io.jarl.Jarl.processCount();
        Run run = run("--quick", "--in-process", "--runtime", "jarl", "pingpong", "ring",
                "genserver_call");
        List<Result> results = run.results();
        String output = run.output();

        assertThat(output).contains("# machine: cores=");
        // The core-to-core probe runs at the start and around the runtime (two threads; CI has two cores).
        String probe = Runtime.getRuntime().availableProcessors() >= 2 ? "\\d+ ns" : "n/a \\(one core\\)";
        assertThat(output).containsPattern("# core-to-core round trip at start: " + probe)
                .containsPattern("# runtime=jarl starts; core-to-core round trip " + probe)
                .containsPattern("# runtime=jarl took .*; core-to-core round trip " + probe);
        List<String> lines = output.lines().filter(l -> l.startsWith("scenario=")).toList();
        assertThat(lines).hasSize(7);
        assertThat(lines.subList(0, 4)).allMatch(l -> l.matches(
                "scenario=(pingpong|ring)(_handler)? runtime=jarl value=\\d+\\.\\d unit=ns"));
        assertThat(lines.subList(4, 7))
                .allMatch(l -> l.matches("scenario=genserver_call_(1|16|100) runtime=jarl value=\\d+ unit=calls/s"));
        assertThat(results).extracting(Result::scenario).containsExactly("pingpong", "pingpong_handler", "ring",
                "ring_handler", "genserver_call_1", "genserver_call_16", "genserver_call_100");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.runtime()).isEqualTo("jarl");
            assertThat(r.value()).isPositive();
        });
        assertThat(output).contains("Summary").contains("genserver_call_100 calls/s").contains("ring_handler");
        // The scenarios end every process they start (kills and stops are synchronous).
        assertThat(io.jarl.Jarl.processCount()).isEqualTo(processesBefore);
    }

    @Test
    @Timeout(120)
    void registryLookupAndTasksRunOnJarlAndPekkoSaysNotApplicable() throws Exception {
        int processesBefore = io.jarl.Jarl.processCount();
        Run run = run("--quick", "--in-process", "--runtime", "jarl,pekko",
                "task_async_await", "registry_lookup");
        List<Result> results = run.results();
        String output = run.output();

        List<String> lines = output.lines().filter(l -> l.startsWith("scenario=")).toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("scenario=registry_lookup runtime=jarl value=\\d+ unit=lookups/s");
        assertThat(lines.get(1)).matches("scenario=task_async_await runtime=jarl value=\\d+\\.\\d unit=ms");
        assertThat(lines.get(2)).matches("scenario=task_async_await runtime=pekko value=\\d+\\.\\d unit=ms");
        assertThat(results).extracting(Result::scenario, Result::runtime).containsExactly(
                org.assertj.core.groups.Tuple.tuple("registry_lookup", "jarl"),
                org.assertj.core.groups.Tuple.tuple("task_async_await", "jarl"),
                org.assertj.core.groups.Tuple.tuple("task_async_await", "pekko"));
        assertThat(results).allSatisfy(r -> assertThat(r.value()).isPositive());
        // Every reader's lookups are counted: far more than the 16 readers times one batch.
        assertThat(results.getFirst().value()).isGreaterThan(16.0 * JarlRuntime.LOOKUP_BATCH);

        // Pekko has no registry read in the caller: a reason in place of a number, and n/a in the table.
        assertThat(output).contains("# scenario=registry_lookup runtime=pekko not applicable: Pekko's Receptionist"
                + " is asynchronous");
        assertThat(output.lines().filter(l -> l.startsWith("registry_lookup ")))
                .singleElement().asString()
                .matches("registry_lookup\\s+lookups/s\\s+\\d+\\s+n/a\\s+n/a");
        assertThat(output.lines().filter(l -> l.startsWith("task_async_await ")))
                .singleElement().asString()
                .matches("task_async_await\\s+ms\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\s+\\d+\\.\\d\\d");
        // The owners, readers, registry and tasks have all ended.
        assertThat(io.jarl.Jarl.processCount()).isEqualTo(processesBefore);
    }

    @Test
    @Timeout(120)
    void fairnessMeasuresOrdinaryAndDirtyHogsOnJarlAndPekkoSaysNotYet() throws Exception {
        int processesBefore = io.jarl.Jarl.processCount();
        Run run = run("--quick", "--in-process", "--runtime", "jarl,pekko", "fairness");
        List<Result> results = run.results();
        String output = run.output();
        assertThat(io.jarl.Jarl.schedulerInfo().kind()).as("the test JVM runs Jarl's scheduler").isEqualTo("jarl");

        assertThat(results).extracting(Result::scenario, Result::runtime).containsExactly(
                org.assertj.core.groups.Tuple.tuple("fairness", "jarl"),
                org.assertj.core.groups.Tuple.tuple("fairness_dirty", "jarl"));
        // A worst round trip: more than nothing, and the pinger was not starved for the whole run.
        assertThat(results).allSatisfy(r -> assertThat(r.value()).isPositive().isLessThan(
                Sizes.quickSize().fairnessMillis()));
        assertThat(output).contains("# scenario=fairness runtime=pekko not applicable: not measured yet");
        assertThat(output.lines().filter(l -> l.startsWith("fairness_dirty "))).singleElement().asString()
                .matches("fairness_dirty\\s+ms\\s+\\d+\\.\\d\\s+n/a\\s+n/a");
        // The hogs, the echo and the pinger have ended.
        assertThat(io.jarl.Jarl.processCount()).isEqualTo(processesBefore);
    }

    @Test
    void notApplicableLinesRoundTrip() {
        NotApplicable na = new NotApplicable("registry_lookup", "pekko_tuned", "no registry: read the docs");
        assertThat(na.line()).isEqualTo("# scenario=registry_lookup runtime=pekko_tuned not applicable: no registry:"
                + " read the docs");
        assertThat(NotApplicable.parse(na.line())).contains(na);
        assertThat(NotApplicable.parse("scenario=registry_lookup runtime=beam value=1 unit=lookups/s")).isEmpty();
        assertThat(Result.parse(na.line())).isEmpty();
        assertThat(BenchChild.notApplicable("pekko", Scenario.REGISTRY_LOOKUP)).isPresent();
        assertThat(BenchChild.notApplicable("pekko_tuned", Scenario.REGISTRY_LOOKUP)).isPresent();
        assertThat(BenchChild.notApplicable("pekko", Scenario.TASK_ASYNC_AWAIT)).isEmpty();
        assertThat(BenchChild.notApplicable("jarl", Scenario.REGISTRY_LOOKUP)).isEmpty();
    }

    @Test
    void ratesArePrintedWholeAndLargerIsBetter() {
        assertThat(new Result("registry_lookup", "jarl", 12345678.6, "lookups/s").line())
                .isEqualTo("scenario=registry_lookup runtime=jarl value=12345679 unit=lookups/s");
        assertThat(Scenario.REGISTRY_LOOKUP.lowerIsBetter()).isFalse();
        assertThat(Scenario.CALL_FANIN.lowerIsBetter()).isFalse();
        assertThat(Scenario.TASK_ASYNC_AWAIT.lowerIsBetter()).isTrue();
    }

    /** Every size the BEAM side reads from its arguments is one that the runner passes. */
    @Test
    void theBeamSideReadsOnlySizesItIsGiven() throws Exception {
        String erl;
        try (var in = BenchMain.class.getResourceAsStream("/erlang/jarl_bench.erl")) {
            erl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        java.util.Set<String> given = new java.util.HashSet<>();
        for (String arg : Sizes.fullSize().erlangArgs()) {
            given.add(arg.substring(0, arg.indexOf('=')));
        }
        List<String> read = java.util.regex.Pattern.compile("([a-z_]+) := ").matcher(erl).results()
                .map(m -> m.group(1)).distinct().toList();
        assertThat(read).contains("registry_keys", "registry_readers", "task_batch", "tasks").allMatch(given::contains);
        for (Scenario s : Scenario.values()) {
            assertThat(erl).as(s.id).contains(s.distributed()
                    ? "dist_run([\"" + s.id + "\" | Rest], Pair, Peer, S) ->"
                    : "run([\"" + s.id + "\" | Rest], S) ->");
        }
        assertThat(read).contains("dist_send", "dist_senders", "dist_rtt", "dist_call_millis");
        // The terms both sides speak, and the callers' count.
        assertThat(erl).contains("-define(DIST_COUNTER, " + JarlDist.COUNTER + ").",
                "-define(DIST_ECHO, " + JarlDist.ECHO + ").", "-define(DIST_CALLERS, " + Scenario.DIST_CALLERS + ").",
                "{count, N, Driver}", "{counting, self()}", "{counted, N, dist_count(N, 0)}", "{msg, I}",
                "io:format(\"" + JarlDist.READY + "~s~n\", [node()])");
        assertThat(Sizes.fullSize().erlangArgs()).contains("registry_keys=10000", "registry_readers=16",
                "tasks=1000000", "task_batch=1000");
    }

    @Test
    void usageListsEveryScenario() {
        String usage = BenchMain.usage();
        for (Scenario s : Scenario.values()) {
            assertThat(usage).containsPattern("\\n  " + s.id + " +" + java.util.regex.Pattern.quote(s.unit) + " +\\S");
        }
    }

    @Test
    void resultLinesRoundTrip() {
        Result r = new Result("call_fanin_16", "beam", 1234567.4, "calls/s");
        assertThat(r.line()).isEqualTo("scenario=call_fanin_16 runtime=beam value=1234567 unit=calls/s");
        assertThat(Result.parse(r.line())).contains(new Result("call_fanin_16", "beam", 1234567, "calls/s"));
        assertThat(Result.parse("# runtime=beam took 1 s")).isEmpty();
    }

    @Test
    void optionsAreParsed() {
        var o = BenchMain.Options.parse(List.of("--quick", "--runtime", "jarl,beam", "call_fanin_16", "ring"));
        assertThat(o.quick()).isTrue();
        assertThat(o.runtimes()).containsExactly("jarl", "beam");
        assertThat(o.scenarios()).containsExactly(Scenario.RING, Scenario.CALL_FANIN);
        assertThat(BenchMain.Options.parse(List.of("genserver_call_1")).scenarios())
                .containsExactly(Scenario.GENSERVER_CALL);
        assertThat(Scenario.parse(List.of())).contains(Scenario.GENSERVER_CALL);
        assertThat(Scenario.GENSERVER_CALL.lineNames())
                .containsExactly("genserver_call_1", "genserver_call_16", "genserver_call_100");
        assertThat(BenchMain.Options.parse(List.of("task_async_await", "registry_lookup")).scenarios())
                .containsExactly(Scenario.REGISTRY_LOOKUP, Scenario.TASK_ASYNC_AWAIT);
        assertThat(Scenario.REGISTRY_LOOKUP.lineNames()).containsExactly("registry_lookup");
        assertThat(o.pairs()).containsExactly(new Pair("jarl", "jarl"), new Pair("jarl", "beam"),
                new Pair("beam", "jarl"), new Pair("beam", "beam"));
    }

    @Test
    void pairsAreSelectedByNameOrByBothTheirRuntimes() {
        assertThat(BenchMain.Options.parse(List.of()).pairs()).isEqualTo(Pair.ALL);
        assertThat(BenchMain.Options.parse(List.of("--runtime", "jarl,pekko")).pairs())
                .containsExactly(new Pair("jarl", "jarl"));
        var named = BenchMain.Options.parse(List.of("--runtime=beam_jarl,jarl_jarl", "dist_call_rtt"));
        assertThat(named.runtimes()).isEmpty();
        assertThat(named.pairs()).extracting(Pair::id).containsExactly("jarl_jarl", "beam_jarl");
        assertThat(named.scenarios()).containsExactly(Scenario.DIST_CALL);
        assertThat(BenchMain.Options.parse(List.of("--runtime", "beam,jarl_beam")).pairs()).extracting(Pair::id)
                .containsExactly("jarl_beam", "beam_beam");
        assertThatThrownBy(() -> BenchMain.Options.parse(List.of("--runtime", "pekko_pekko")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jarl_jarl, jarl_beam");
        assertThat(Pair.of("jarl_beam")).contains(new Pair("jarl", "beam"));
        assertThat(new Pair("jarl", "beam").needsErl()).isTrue();
        assertThat(new Pair("jarl", "jarl").needsErl()).isFalse();
        assertThatThrownBy(() -> new Pair("pekko", "jarl")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Scenario.DIST_CALL.lineNames()).containsExactly("dist_call_rtt", "dist_call_16");
        assertThat(Scenario.DIST_CALL.unit("dist_call_rtt")).isEqualTo("us");
        assertThat(Scenario.DIST_CALL.unit("dist_call_16")).isEqualTo("calls/s");
        assertThat(Scenario.DIST_SEND.unit("dist_send")).isEqualTo("msgs/s");
        assertThat(Scenario.of("dist_call_16")).isEqualTo(Scenario.DIST_CALL);
        assertThat(Scenario.parse(List.of())).filteredOn(Scenario::distributed)
                .containsExactly(Scenario.DIST_SEND, Scenario.DIST_CALL);
    }

    /** A _handler row holds Jarl's handler figure and the peers' usual one, and the ratio between them. */
    @Test
    void handlerRowsSetJarlsHandlersAgainstThePeersUsualForm() {
        assertThat(Scenario.RING.lineNames()).containsExactly("ring", "ring_handler");
        assertThat(Scenario.CALL_FANIN.lineNames())
                .containsExactly("call_fanin_16", "call_fanin_100", "call_fanin_16_handler", "call_fanin_100_handler");
        assertThat(Scenario.GENSERVER_CALL.hasHandlerLines()).isFalse();
        assertThat(Scenario.of("skynet_handler")).isEqualTo(Scenario.SKYNET);
        assertThat(Scenario.peerLine("call_fanin_16_handler")).isEqualTo("call_fanin_16");
        var o = BenchMain.Options.parse(List.of("--runtime", "jarl,pekko,beam", "ring", "call_fanin", "skynet"));
        List<Result> results = List.of(
                new Result("ring", "jarl", 600, "ns"), new Result("ring_handler", "jarl", 100, "ns"),
                new Result("ring", "pekko", 800, "ns"), new Result("ring", "beam", 400, "ns"),
                new Result("call_fanin_16_handler", "jarl", 4_000_000, "calls/s"),
                new Result("call_fanin_16", "beam", 1_000_000, "calls/s"),
                new Result("skynet", "beam", 2000, "ms")); // no Jarl figure: no skynet_handler row
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            BenchMain.printTable(out, o, results, List.of());
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "ring\\s+ns\\s+600\\.0\\s+800\\.0\\s+400\\.0\\s+1\\.33\\s+0\\.67"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "ring_handler\\s+ns\\s+100\\.0\\s+800\\.0\\s+400\\.0\\s+8\\.00\\s+4\\.00"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "call_fanin_16_handler\\s+calls/s\\s+4000000\\s+-\\s+1000000\\s+-\\s+4\\.00"));
        assertThat(lines).noneMatch(l -> l.startsWith("skynet_handler"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("skynet "));
    }

    /** The pairs' table: a column per pair (and n/a for Pekko), then each pair against beam_beam. */
    @Test
    void thePairTableComparesEachPairWithTwoBeamNodes() {
        var o = BenchMain.Options.parse(List.of("--runtime", "jarl,pekko,beam", "pingpong", "dist_send", "dist_call"));
        List<Result> results = List.of(
                new Result("pingpong", "jarl", 300, "ns"), new Result("pingpong", "beam", 600, "ns"),
                new Result("dist_send", "jarl_jarl", 1_000_000, "msgs/s"),
                new Result("dist_send", "jarl_beam", 300_000, "msgs/s"),
                new Result("dist_send", "beam_beam", 250_000, "msgs/s"),
                new Result("dist_call_rtt", "jarl_jarl", 18.5, "us"),
                new Result("dist_call_rtt", "jarl_beam", 37, "us"),
                new Result("dist_call_rtt", "beam_jarl", 74, "us"),
                new Result("dist_call_rtt", "beam_beam", 37, "us"),
                new Result("dist_call_16", "jarl_jarl", 90_000, "calls/s"),
                new Result("dist_call_16", "beam_beam", 45_000, "calls/s"));
        List<NotApplicable> na = List.of(new NotApplicable("dist_send", "pekko", "no Erlang distribution"),
                new NotApplicable("dist_call", "pekko", "no Erlang distribution"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            BenchMain.printTable(out, o, results, na);
            BenchMain.printPairTable(out, o, results, na);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();

        // The single-runtime table has no pair in it, and no distributed line.
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("scenario\\s+unit\\s+jarl\\s+beam\\s+jarl/beam"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("pingpong\\s+ns\\s+300\\.0\\s+600\\.0\\s+2\\.00"));
        assertThat(lines).filteredOn(l -> l.startsWith("dist_")).hasSize(3);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("Between two nodes on loopback"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("scenario\\s+unit\\s+jarl_jarl\\s+jarl_beam\\s+"
                + "beam_jarl\\s+beam_beam\\s+pekko\\s+jarl_jarl/beam_beam\\s+jarl_beam/beam_beam\\s+beam_jarl/beam_beam"));
        // Rates: pair/beam_beam; times: beam_beam/pair; "-" where a pair has no value, n/a for Pekko.
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "dist_send\\s+msgs/s\\s+1000000\\s+300000\\s+-\\s+250000\\s+n/a\\s+4\\.00\\s+1\\.20\\s+-"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "dist_call_rtt\\s+us\\s+18\\.5\\s+37\\.0\\s+74\\.0\\s+37\\.0\\s+n/a\\s+2\\.00\\s+1\\.00\\s+0\\.50"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "dist_call_16\\s+calls/s\\s+90000\\s+-\\s+-\\s+45000\\s+n/a\\s+2\\.00\\s+-\\s+-"));
    }

    /**
     * jarl_jarl for real, at quick size: two child JVMs, the receiver's embedded EPMD on a free port;
     * every result checked by its sender (the counter's sum, each echo), and nothing left running.
     */
    @Test
    @Timeout(90)
    void quickJarlJarlPairRunsBothDistributedScenariosInChildJvms() throws Exception {
        Run run = run("--quick", "--runtime", "jarl_jarl", "--jvm-opts", SMALL_JVM,
                "dist_send", "dist_call");
        List<Result> results = run.results();
        String output = run.output();

        assertThat(output).contains("# mode: quick; runtimes: ; pairs: jarl_jarl; scenarios: dist_send dist_call");
        assertThat(output.lines().filter(l -> l.startsWith("# dist_ready node=jbr"))).hasSize(2);
        assertThat(output.lines().filter(l -> l.startsWith("scenario="))).containsExactly(
                lineOf(results, 0), lineOf(results, 1), lineOf(results, 2));
        assertThat(results).extracting(Result::scenario, Result::runtime, Result::unit).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dist_send", "jarl_jarl", "msgs/s"),
                org.assertj.core.groups.Tuple.tuple("dist_call_rtt", "jarl_jarl", "us"),
                org.assertj.core.groups.Tuple.tuple("dist_call_16", "jarl_jarl", "calls/s"));
        assertThat(results).allSatisfy(r -> assertThat(r.value()).isPositive());
        assertThat(output).doesNotContain("failed");
        assertThat(output.lines().filter(l -> l.startsWith("dist_call_rtt "))).singleElement().asString()
                .matches("dist_call_rtt\\s+us\\s+\\d+\\.\\d");
        assertThat(Children.running()).isZero();
    }

    /** The Java and the Erlang side speak the same terms, both ways (needs erl; skipped without it). */
    @Test
    @Timeout(120)
    void quickPairsOfJarlAndBeamNodes() throws Exception {
        Installed.Peer.ERLANG.assume();
        Run run = run("--quick", "--runtime", "jarl_beam,beam_jarl", "--jvm-opts", SMALL_JVM,
                "dist_send", "dist_call");
        List<Result> results = run.results();
        String output = run.output();

        assertThat(output).doesNotContain("failed");
        assertThat(results).extracting(Result::scenario, Result::runtime).containsExactly(
                org.assertj.core.groups.Tuple.tuple("dist_send", "jarl_beam"),
                org.assertj.core.groups.Tuple.tuple("dist_call_rtt", "jarl_beam"),
                org.assertj.core.groups.Tuple.tuple("dist_call_16", "jarl_beam"),
                org.assertj.core.groups.Tuple.tuple("dist_send", "beam_jarl"),
                org.assertj.core.groups.Tuple.tuple("dist_call_rtt", "beam_jarl"),
                org.assertj.core.groups.Tuple.tuple("dist_call_16", "beam_jarl"));
        assertThat(results).allSatisfy(r -> assertThat(r.value()).isPositive());
        assertThat(Children.running()).isZero();
    }

    /** A sender that does not finish in time is killed, and so are the receiving node and its EPMD. */
    @Test
    @Timeout(90)
    void aPairThatTimesOutLeavesNothingRunning() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setProperty("jarl.bench.limitSeconds", "0");
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            List<Result> results = BenchMain.run(List.of("--quick", "--runtime", "jarl_jarl", "--jvm-opts", SMALL_JVM,
                    "dist_send"), out);
            assertThat(results).isEmpty();
        } finally {
            System.clearProperty("jarl.bench.limitSeconds");
        }
        String output = bytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("# scenario=dist_send runtime=jarl_jarl failed: no result within 0 s; killed");
        assertThat(output).doesNotContain("Between two nodes"); // no pair has a result: no table
        // The killed JVM's thread dump, saved for a hang, is of no interest here.
        var dump = java.util.regex.Pattern.compile("\\(thread dump: (\\S+)\\)").matcher(output);
        while (dump.find()) {
            java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(dump.group(1)));
        }
        assertThat(Children.running()).isZero();
    }

    private static final String SMALL_JVM = "-Xms64m -Xmx512m";

    /** What one {@link BenchMain#run} returned and printed. */
    private record Run(List<Result> results, String output) {}

    private static Run run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Result> results;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            results = BenchMain.run(List.of(args), out);
        }
        return new Run(results, bytes.toString(StandardCharsets.UTF_8));
    }

    private static String lineOf(List<Result> results, int i) {
        return results.get(i).line();
    }
}

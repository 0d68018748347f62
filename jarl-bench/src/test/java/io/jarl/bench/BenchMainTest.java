package io.jarl.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Result> results;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            results = BenchMain.run(List.of("--quick", "--in-process", "--runtime", "jarl", "pingpong", "ring",
                    "genserver_call"), out);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertThat(output).contains("# machine: cores=");
        List<String> lines = output.lines().filter(l -> l.startsWith("scenario=")).toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.subList(0, 2))
                .allMatch(l -> l.matches("scenario=(pingpong|ring) runtime=jarl value=\\d+\\.\\d unit=ns"));
        assertThat(lines.subList(2, 5))
                .allMatch(l -> l.matches("scenario=genserver_call_(1|16|100) runtime=jarl value=\\d+ unit=calls/s"));
        assertThat(results).extracting(Result::scenario).containsExactly("pingpong", "ring",
                "genserver_call_1", "genserver_call_16", "genserver_call_100");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.runtime()).isEqualTo("jarl");
            assertThat(r.value()).isPositive();
        });
        assertThat(output).contains("Summary").contains("genserver_call_100 calls/s");
        // The scenarios end every process they start (kills and stops are synchronous).
        assertThat(io.jarl.Jarl.processCount()).isEqualTo(processesBefore);
    }

    @Test
    @Timeout(120)
    void registryLookupAndTasksRunOnJarlAndPekkoSaysNotApplicable() throws Exception {
        int processesBefore = io.jarl.Jarl.processCount();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Result> results;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            results = BenchMain.run(List.of("--quick", "--in-process", "--runtime", "jarl,pekko",
                    "task_async_await", "registry_lookup"), out);
        }
        String output = bytes.toString(StandardCharsets.UTF_8);

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
            assertThat(erl).as(s.id).contains("run([\"" + s.id + "\" | Rest], S) ->");
        }
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
    }
}

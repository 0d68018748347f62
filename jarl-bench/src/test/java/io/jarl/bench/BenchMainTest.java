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
    }
}

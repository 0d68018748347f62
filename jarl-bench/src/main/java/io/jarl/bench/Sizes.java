package io.jarl.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How big each scenario is and how often it is repeated. Every runtime gets exactly these numbers:
 * the JVM runtimes through {@link BenchChild}, the BEAM through {@link #erlangArgs()}.
 *
 * <p>Each repeated scenario first runs once untimed ({@code ...Warm}) and reports the median of the
 * timed runs. The distributed scenarios warm up as long as one timed run: a JVM node's encoder,
 * decoder and connection threads are still being compiled after 200,000 messages (the first timed
 * run was then a third slower than the others).
 */
public record Sizes(
        boolean quick,
        int spawnWarm, int spawn, int spawnRuns,
        int pingPongWarm, int pingPong, int pingPongRuns,
        int ringSize, int ringWarmHops, int ringHops, int ringRuns,
        int faninWarmMillis, int faninMillis, int faninRuns,
        int genserverWarmMillis, int genserverMillis, int genserverRuns,
        int skynetWarm, int skynet, int skynetRuns,
        int selectiveJunk, int selectiveWarmRounds, int selectiveRounds,
        int registryKeys, int registryReaders, int registryWarmMillis, int registryMillis, int registryRuns,
        int taskWarm, int tasks, int taskBatch, int taskRuns,
        int fairnessMillis, int fairnessRuns,
        int distSendWarm, int distSend, int distSenders, int distSendRuns,
        int distRttWarm, int distRtt, int distRttRuns,
        int distCallWarmMillis, int distCallMillis, int distCallRuns) {

    /**
     * Full size: a million processes; ring of 10,000 with 100 rounds; 100,000 queued messages; 16
     * readers of a registry of 10,000 keys; a million tasks in batches of 1,000; a million messages
     * between two nodes from 4 senders; 20,000 timed calls between two nodes.
     */
    public static Sizes fullSize() {
        return new Sizes(false,
                100_000, 1_000_000, 3,
                100_000, 1_000_000, 5,
                10_000, 200_000, 1_000_000, 5,
                500, 2_000, 3,
                500, 2_000, 3,
                100_000, 1_000_000, 3,
                100_000, 3, 21,
                10_000, 16, 500, 2_000, 3,
                100_000, 1_000_000, 1_000, 3,
                3_000, 3,
                1_000_000, 1_000_000, 4, 3,
                20_000, 20_000, 3,
                500, 2_000, 3);
    }

    /** Small sizes, so that a run of all four runtimes takes well under a minute. */
    public static Sizes quickSize() {
        return new Sizes(true,
                2_000, 20_000, 1,
                20_000, 50_000, 3,
                1_000, 20_000, 100_000, 3,
                100, 250, 1,
                100, 250, 1,
                1_000, 10_000, 3,
                10_000, 2, 9,
                10_000, 16, 100, 250, 1,
                2_000, 20_000, 1_000, 3,
                200, 1,
                20_000, 100_000, 4, 1,
                500, 2_000, 1,
                100, 250, 1);
    }

    public static Sizes of(boolean quick) {
        return quick ? quickSize() : fullSize();
    }

    /** {@code key=value} arguments for {@code jarl_bench:main/1}. */
    public List<String> erlangArgs() {
        List<String> out = new ArrayList<>();
        for (var c : Sizes.class.getRecordComponents()) {
            if (c.getType() == int.class) {
                try {
                    out.add(snake(c.getName()) + "=" + c.getAccessor().invoke(this));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }
}

package io.jarl.examples;

import static io.jarl.Jarl.*;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo behind {@code bin/jarl demo --links}: a few thousand linked processes, some of them sent exit
 * signals, and what their links and monitors saw.
 *
 * <p>Each chain is built the Erlang way: every process spawns the next with {@code spawnLink}. The
 * demo process traps exits, links to the head of each chain and monitors its tail, then sends one
 * exit signal to the process in the middle of each chain and reports how it travelled along the
 * links. Exits with status 1 if anything differs from OTP's semantics.
 */
public final class LinksDemo {
    private static final int LENGTH = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One chain's scenario: the signal sent to its middle process, and what must follow. */
    private record Scenario(String story, ExitReason signal, int trapperAt, String headLinkSees, String tailMonitorSees,
                            int aliveAfter) {}

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("kill is untrappable; links pass on killed", ExitReason.kill(), -1, "killed", "killed", 0),
            new Scenario("an abnormal reason takes the whole chain down", ExitReason.of("crashed"), -1, "crashed",
                    "crashed", 0),
            new Scenario("normal is ignored by a process that does not trap exits", ExitReason.normal(), -1, "-", "-",
                    LENGTH),
            new Scenario("a process that traps exits stops the cascade", ExitReason.of("crashed"), LENGTH / 4, "-",
                    "crashed", LENGTH / 4 + 1),
            new Scenario("shutdown travels like any other reason", ExitReason.shutdown(), -1, "shutdown", "shutdown", 0));

    private record Started(int chain, int index, Pid pid) {}

    private LinksDemo() {}

    public static void main(String[] args) {
        int failures = run(LinksDemo::demo);
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Runs the demo in the calling process; returns how many expectations failed. */
    static int demo() {
        int before = processCount();
        trapExit(true);
        System.out.printf("Jarl demo: %d chains of %d processes, each linked to the next%n", SCENARIOS.size(), LENGTH);

        List<List<Pid>> chains = new ArrayList<>();
        Map<Ref, Integer> tailMonitors = new HashMap<>();
        for (int c = 0; c < SCENARIOS.size(); c++) {
            List<Pid> chain = buildChain(c, SCENARIOS.get(c).trapperAt());
            chains.add(chain);
            link(chain.getFirst());
            tailMonitors.put(monitor(chain.getLast()), c);
        }
        System.out.printf("%d processes alive%n%n", processCount());

        for (int c = 0; c < SCENARIOS.size(); c++) {
            Pid victim = chains.get(c).get(LENGTH / 2);
            exit(victim, SCENARIOS.get(c).signal());
        }

        Map<Integer, String> headSaw = new HashMap<>(), tailSaw = new HashMap<>();
        long expectedMessages = SCENARIOS.stream()
                .mapToLong(s -> (s.headLinkSees().equals("-") ? 0 : 1) + (s.tailMonitorSees().equals("-") ? 0 : 1))
                .sum();
        for (long i = 0; i < expectedMessages; i++) {
            Object msg = receive(m -> m instanceof Exit || m instanceof Down ? m : skip(), WAIT).orElse(null);
            switch (msg) {
                case Exit(Pid from, ExitReason reason) -> headSaw.put(indexOfHead(chains, from), reason.toString());
                case Down(Ref ref, Object object, ExitReason reason) -> tailSaw.put(tailMonitors.get(ref), reason.toString());
                case null -> System.out.println("timed out waiting for exit signals");
                default -> throw new IllegalStateException("unexpected " + msg);
            }
        }

        int failures = 0;
        for (int c = 0; c < SCENARIOS.size(); c++) {
            Scenario s = SCENARIOS.get(c);
            long alive = chains.get(c).stream().filter(Pid::isAlive).count();
            String head = headSaw.getOrDefault(c, "-"), tail = tailSaw.getOrDefault(c, "-");
            boolean ok = head.equals(s.headLinkSees()) && tail.equals(s.tailMonitorSees()) && alive == s.aliveAfter();
            System.out.printf("chain %d: exit(middle, %s)%s%n", c, s.signal(),
                    s.trapperAt() < 0 ? "" : ", process " + s.trapperAt() + " traps exits");
            System.out.printf("  head's link saw %-9s tail's monitor saw %-9s %4d of %d alive   %s%n", head, tail, alive,
                    LENGTH, ok ? "ok: " + s.story() : "UNEXPECTED");
            if (!ok) {
                failures++;
                System.out.printf("  expected: head %s, tail %s, %d alive%n", s.headLinkSees(), s.tailMonitorSees(),
                        s.aliveAfter());
            }
        }

        // Clean up: kill what is left and wait until it is gone.
        List<Ref> survivors = new ArrayList<>();
        for (List<Pid> chain : chains) {
            for (Pid p : chain) {
                if (p.isAlive()) {
                    survivors.add(monitor(p));
                    exit(p, ExitReason.kill());
                }
            }
        }
        for (Ref ref : survivors) {
            receive(m -> m instanceof Down d && d.ref().equals(ref) ? d : skip(), WAIT);
        }
        flush();
        System.out.printf("%nprocesses before: %d, after: %d%n", before, processCount());
        System.out.println(failures == 0 ? "demo: all expectations held" : "demo: " + failures + " expectation(s) failed");
        return failures;
    }

    private static int indexOfHead(List<List<Pid>> chains, Pid head) {
        for (int c = 0; c < chains.size(); c++) {
            if (chains.get(c).getFirst().equals(head)) {
                return c;
            }
        }
        return -1;
    }

    /** Spawns a chain: process i spawns process i+1 linked to it, then waits forever. */
    private static List<Pid> buildChain(int chain, int trapperAt) {
        Pid owner = self();
        spawn(() -> chainLink(owner, chain, 0, trapperAt));
        Pid[] pids = new Pid[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            Started s = receive(m -> m instanceof Started st && st.chain() == chain ? st : skip(), WAIT)
                    .orElseThrow(() -> new IllegalStateException("chain " + chain + " did not start"));
            pids[s.index()] = s.pid();
        }
        return List.of(pids);
    }

    private static void chainLink(Pid owner, int chain, int index, int trapperAt) {
        if (index == trapperAt) {
            trapExit(true);
        }
        if (index + 1 < LENGTH) {
            spawnLink(() -> chainLink(owner, chain, index + 1, trapperAt));
        }
        send(owner, new Started(chain, index, self()));
        while (true) {
            receive(); // a trapping process gets Exit messages here and carries on
        }
    }
}

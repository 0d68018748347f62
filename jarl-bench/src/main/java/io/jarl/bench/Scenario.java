package io.jarl.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The scenarios the runner knows, in the order they run, with the names of the lines they print.
 * {@code spawn_1m} and {@code idle_bytes} are one measurement (the same million idle processes);
 * {@code call_fanin} prints {@code call_fanin_16} and {@code call_fanin_100}; {@code genserver_call}
 * prints {@code genserver_call_1}, {@code genserver_call_16} and {@code genserver_call_100};
 * {@code dist_call} prints {@code dist_call_rtt} (µs, printed {@code us}) and {@code dist_call_16}.
 *
 * <p>{@code dist_send} and {@code dist_call} are {@linkplain #distributed() distributed}: they run
 * between two nodes, on the {@link Pair}s ({@code jarl_jarl}, {@code jarl_beam}...), not on one runtime.
 *
 * <p>A runtime may have nothing comparable for a scenario ({@code registry_lookup} on Pekko): it then
 * prints a {@link NotApplicable} line saying why, and the table shows {@code n/a}.
 */
public enum Scenario {
    SPAWN_1M("spawn_1m", "ms", "spawn 1,000,000 processes and see each reach receive"),
    IDLE_BYTES("idle_bytes", "bytes", "heap per idle process (the same run as spawn_1m)"),
    PINGPONG("pingpong", "ns", "one round trip between two processes"),
    RING("ring", "ns", "one hop of a token around a ring of 10,000 processes"),
    CALL_FANIN("call_fanin", "calls/s", "16 and 100 clients calling one hand-written echo server"),
    GENSERVER_CALL("genserver_call", "calls/s", "1, 16 and 100 clients calling one GenServer (pekko: ask)"),
    SKYNET("skynet", "ms", "a tree of 1,111,111 processes summing 1,000,000 leaves"),
    SELECTIVE_RECEIVE("selective_receive", "ratio", "a call with 100,000 messages queued, against one with none"),
    REGISTRY_LOOKUP("registry_lookup", "lookups/s",
            "16 processes reading a registry of 10,000 keys (beam: ets; pekko: not applicable)"),
    TASK_ASYNC_AWAIT("task_async_await", "ms", "1,000,000 tasks started and awaited, 1,000 at a time"),
    FAIRNESS("fairness", "ms", "worst round trip of 1 ping/ms while 2 x cores processes compute for 3 s"
            + " (fairness_dirty: Jarl's dirty processes; beam: its ordinary processes on both lines)"),
    DIST_SEND("dist_send", "msgs/s", "1,000,000 {msg, I} from 4 processes to a counter on another node (pairs)"),
    DIST_CALL("dist_call", "us,calls/s",
            "a remote gen_server call: 1 caller's round trip (us), 16 callers' calls/s (pairs)");

    /** The client counts of {@link #CALL_FANIN}. */
    public static final int[] FANIN_CLIENTS = {16, 100};

    /** The client counts of {@link #GENSERVER_CALL}. */
    public static final int[] GENSERVER_CLIENTS = {1, 16, 100};

    /** The callers of {@code dist_call_16} (the BEAM side has the same constant, DIST_CALLERS). */
    public static final int DIST_CALLERS = 16;

    /** {@link #DIST_CALL}'s lines: the round trip of one caller, then the rate of {@link #DIST_CALLERS}. */
    public static final String DIST_CALL_RTT = "dist_call_rtt", DIST_CALL_MANY = "dist_call_" + DIST_CALLERS;

    public final String id;
    public final String unit;
    /** One line for the usage text, at full size. */
    public final String description;

    Scenario(String id, String unit, String description) {
        this.id = id;
        this.unit = unit;
        this.description = description;
    }

    /**
     * The suffix of the lines that measure a scenario written with Jarl's handler processes; only
     * Jarl prints them, and the table sets each against the peers' line of the same scenario.
     */
    public static final String HANDLER = "_handler";

    /** The names of the output lines this scenario prints (its {@code _handler} lines last). */
    public List<String> lineNames() {
        if (this == DIST_CALL) {
            return List.of(DIST_CALL_RTT, DIST_CALL_MANY);
        }
        if (this == FAIRNESS) {
            return List.of(id, id + "_dirty");
        }
        List<String> names = new ArrayList<>();
        if (this == CALL_FANIN || this == GENSERVER_CALL) {
            for (int c : clients()) {
                names.add(id + "_" + c);
            }
        } else {
            names.add(id);
        }
        if (hasHandlerLines()) {
            for (String n : List.copyOf(names)) {
                names.add(n + HANDLER);
            }
        }
        return names;
    }

    /** Whether Jarl also measures this scenario written with handler processes. */
    public boolean hasHandlerLines() {
        return switch (this) {
            case SPAWN_1M, IDLE_BYTES, PINGPONG, RING, CALL_FANIN, SKYNET -> true;
            default -> false;
        };
    }

    /** The line a {@code _handler} line is compared with on the peers ({@code ring_handler}: {@code ring}); others: itself. */
    public static String peerLine(String lineName) {
        return lineName.endsWith(HANDLER) ? lineName.substring(0, lineName.length() - HANDLER.length()) : lineName;
    }

    /** The client counts of a scenario with one line per count ({@code call_fanin}, {@code genserver_call}). */
    public int[] clients() {
        return switch (this) {
            case CALL_FANIN -> FANIN_CLIENTS.clone();
            case GENSERVER_CALL -> GENSERVER_CLIENTS.clone();
            default -> new int[0];
        };
    }

    /** The unit of one of this scenario's lines ({@link #lineNames()}). */
    public String unit(String lineName) {
        if (!lineNames().contains(lineName)) {
            throw new IllegalArgumentException(lineName + " is not a line of " + id + ": " + lineNames());
        }
        if (this == DIST_CALL) {
            return lineName.equals(DIST_CALL_RTT) ? "us" : "calls/s";
        }
        return unit;
    }

    /** Whether the scenario runs between two nodes (on {@link Pair}s) rather than on one runtime. */
    public boolean distributed() {
        return this == DIST_SEND || this == DIST_CALL;
    }

    /** Whether a smaller value is better (time, bytes, ratio); for rates (calls/s, lookups/s) larger is better. */
    public boolean lowerIsBetter() {
        return !Result.isRate(unit);
    }

    public static Scenario of(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id) || s.lineNames().contains(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "'; known: " + ids());
    }

    public static List<String> ids() {
        List<String> out = new ArrayList<>();
        for (Scenario s : values()) {
            out.add(s.id);
        }
        return out;
    }

    /** Parses scenario names, keeping the canonical order; none means all. */
    public static List<Scenario> parse(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of(values());
        }
        LinkedHashSet<Scenario> wanted = new LinkedHashSet<>();
        for (String id : ids) {
            wanted.add(of(id));
        }
        List<Scenario> out = new ArrayList<>();
        for (Scenario s : values()) {
            if (wanted.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}

package io.jarl.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The scenarios the runner knows, in the order they run, with the names of the lines they print.
 * {@code spawn_1m} and {@code idle_bytes} are one measurement (the same million idle processes);
 * {@code call_fanin} prints {@code call_fanin_16} and {@code call_fanin_100}; {@code genserver_call}
 * prints {@code genserver_call_1}, {@code genserver_call_16} and {@code genserver_call_100}.
 */
public enum Scenario {
    SPAWN_1M("spawn_1m", "ms"),
    IDLE_BYTES("idle_bytes", "bytes"),
    PINGPONG("pingpong", "ns"),
    RING("ring", "ns"),
    CALL_FANIN("call_fanin", "calls/s"),
    GENSERVER_CALL("genserver_call", "calls/s"),
    SKYNET("skynet", "ms"),
    SELECTIVE_RECEIVE("selective_receive", "ratio");

    /** The client counts of {@link #CALL_FANIN}. */
    public static final int[] FANIN_CLIENTS = {16, 100};

    /** The client counts of {@link #GENSERVER_CALL}. */
    public static final int[] GENSERVER_CLIENTS = {1, 16, 100};

    public final String id;
    public final String unit;

    Scenario(String id, String unit) {
        this.id = id;
        this.unit = unit;
    }

    /** The names of the output lines this scenario prints. */
    public List<String> lineNames() {
        if (this == CALL_FANIN || this == GENSERVER_CALL) {
            List<String> names = new ArrayList<>();
            for (int c : clients()) {
                names.add(id + "_" + c);
            }
            return names;
        }
        return List.of(id);
    }

    /** The client counts of a scenario with one line per count ({@code call_fanin}, {@code genserver_call}). */
    public int[] clients() {
        return switch (this) {
            case CALL_FANIN -> FANIN_CLIENTS.clone();
            case GENSERVER_CALL -> GENSERVER_CLIENTS.clone();
            default -> new int[0];
        };
    }

    /** Whether a smaller value is better (time, bytes, ratio); for calls/s larger is better. */
    public boolean lowerIsBetter() {
        return !unit.equals("calls/s");
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

package io.jarl.registry;

import io.jarl.Down;
import io.jarl.Exit;
import io.jarl.ExitReason;
import io.jarl.Jarl;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.CallResult;
import io.jarl.server.From;
import io.jarl.server.GenServer;
import io.jarl.server.Init;
import io.jarl.server.Request;
import io.jarl.server.Result;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/*
 * Implementation overview (Elixir: Registry.Partition).
 *
 * One partition of a registry: a GenServer that owns the partition's tables, traps exits and is
 * linked to every process that registered through it. It is not on the path of any read or write of
 * entries: those are made by the callers on the tables. Its jobs:
 * - init: make the tables and publish them in the registry's slot (a restarted partition starts
 *   empty, as an ETS table does not survive its owner);
 * - an Exit from a registered process: remove everything it registered (handle_info({:EXIT, ...}));
 * - lock/unlock (Registry.lock/3): one FIFO queue of waiting callers per lock key; the holder is
 *   monitored, so a holder that dies releases the lock;
 * - terminate: empty the tables, so that a registry that stops takes its entries with it.
 * The Exit of the parent (the registry's supervisor) is handled by the GenServer engine: it runs
 * terminate and exits, which sends the same reason to every linked registered process.
 * The server object is its own state.
 */
final class RegistryPartition implements GenServer<RegistryPartition, RegistryPartition.Call, Void> {

    sealed interface Call {
        /** Take the lock {@code key}, now or when it is released (Elixir: {@code {:lock, key}}). */
        record Lock(Object key) implements Call, Request<Ref> {}
    }

    /** Release the lock {@code key} taken with the monitor {@code ref} (Elixir: {@code {:unlock, key, ref}}). */
    record Unlock(Object key, Ref ref) {}

    private final RegistryTable registry;
    private final int index;
    private PartitionTable table;
    /** Lock key -> callers waiting for it; present while the lock is held. */
    private final Map<Object, ArrayDeque<From>> locks = new HashMap<>();
    /** The monitor of a lock holder -> the lock key. */
    private final Map<Ref, Object> holders = new HashMap<>();

    RegistryPartition(RegistryTable registry, int index) {
        this.registry = registry;
        this.index = index;
    }

    /** The local name of partition {@code i} of {@code registry} (Elixir: {@code Registry.Partition.pid_name/2}). */
    static String processName(String registry, int i) {
        return registry + ".PIDPartition" + i;
    }

    @Override
    public Init<RegistryPartition> init() {
        Jarl.trapExit(true);
        table = new PartitionTable(Jarl.self(), index, registry.keys);
        registry.publish(index, table);
        return Init.ok(this);
    }

    @Override
    public CallResult<RegistryPartition> handleCall(Call call, From from, RegistryPartition state) {
        return switch (call) {
            case Call.Lock(Object key) -> {
                ArrayDeque<From> waiting = locks.get(key);
                if (waiting != null) {
                    waiting.add(from);
                } else {
                    grant(from, key);
                    locks.put(key, new ArrayDeque<>());
                }
                yield CallResult.noReply(this);
            }
        };
    }

    @Override
    public Result<RegistryPartition> handleInfo(Object message, RegistryPartition state) throws Exception {
        switch (message) {
            case Exit(Pid pid, ExitReason reason) -> table.removeAll(pid);
            case Unlock(Object key, Ref ref) -> {
                // Only the holder's own unlock counts: an unlock for a lock already released (its
                // holder died first) or a forged one is ignored.
                if (holders.remove(ref) != null) {
                    Jarl.demonitor(ref, true);
                    release(key);
                }
            }
            case Down(Ref ref, Object pid, ExitReason reason) when holders.containsKey(ref) -> release(holders.remove(ref));
            default -> GenServer.super.handleInfo(message, state); // logs it, as Elixir's GenServer does
        }
        return Result.noReply(this);
    }

    /** Gives the lock to {@code from}, monitoring it so that its death releases the lock (Elixir: {@code go/2}). */
    private void grant(From from, Object key) {
        Ref ref = Jarl.monitor(from.pid());
        holders.put(ref, key);
        GenServer.reply(from, ref);
    }

    /** Passes the lock to the next live waiter, or frees it (Elixir: {@code unlock/2}, {@code dequeue/2}). */
    private void release(Object key) {
        ArrayDeque<From> waiting = locks.get(key);
        for (From next; (next = waiting.poll()) != null; ) {
            if (next.pid().isAlive()) {
                grant(next, key);
                return;
            }
        }
        locks.remove(key);
    }

    @Override
    public void terminate(ExitReason reason, RegistryPartition state) {
        table.clear();
    }

    @Override
    public Object formatStatus(RegistryPartition state) {
        return "Registry " + registry.name + " partition " + index + ": " + table.pids.size() + " registered processes, "
                + table.size() + " entries, " + locks.size() + " locks held";
    }
}

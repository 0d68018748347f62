package io.jarl.pg;

import io.jarl.Down;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/*
 * Implementation overview (OTP: pg.erl, the gen_server of one scope).
 *
 * Writes go through this process, one at a time, as in OTP; reads go to the ScopeTable. State, as
 * OTP's #state{} minus the remote part:
 * - local: each member process -> its monitor and the groups it joined, once per join (a process
 *   that joined a group twice has it twice), so that its death removes exactly its memberships;
 * - scopeMonitors: monitor ref -> subscriber, for monitor_scope;
 * - groupMonitors / monitoredGroups: ref -> (subscriber, group) and group -> its subscribers.
 * Members and subscribers are monitored; a Down is matched by reference: a subscriber that went
 * away, or a member that died (it leaves every group it joined, one leave event per membership).
 *
 * Distribution (not built yet) extends this the way OTP does: a scope process per node and scope,
 * discovering its peers ({discover, Pid}), exchanging local memberships ({sync, Pid, Groups}),
 * broadcasting each local join and leave, monitoring peer scopes and dropping a peer's members when
 * it goes down. The table already keeps all members and local members apart, and join/leave only
 * accept local pids, as OTP requires.
 */
final class PgScope implements GenServer<PgScope, PgScope.Call, Void> {

    sealed interface Call {
        record Join(Object group, List<Pid> pids) implements Call, Request<Boolean> {}

        /** Replies false when none of {@code pids} was a member (OTP: {@code not_joined}). */
        record Leave(Object group, List<Pid> pids) implements Call, Request<Boolean> {}

        record MonitorScope() implements Call, Request<ScopeMonitor> {}

        record MonitorGroup(Object group) implements Call, Request<GroupMonitor> {}

        /** Replies false for a reference that is no monitor of this scope (OTP: {@code false}). */
        record Demonitor(Ref ref) implements Call, Request<Boolean> {}
    }

    /** A local member: its monitor, and its groups, one entry per join. */
    private record Member(Ref monitor, List<Object> groups) {}

    private record Subscriber(Pid pid, Ref ref) {}

    private record GroupSubscription(Pid pid, Object group) {}

    private final String scope;
    private ScopeTable table;
    private final Map<Pid, Member> local = new HashMap<>();
    private final Map<Ref, Pid> scopeMonitors = new HashMap<>();
    private final Map<Ref, GroupSubscription> groupMonitors = new HashMap<>();
    private final Map<Object, List<Subscriber>> monitoredGroups = new HashMap<>();

    PgScope(String scope) {
        this.scope = scope;
    }

    @Override
    public Init<PgScope> init() {
        table = ScopeTable.create(scope, Jarl.self());
        if (table == null) {
            return Init.stop(ExitReason.of("a pg scope named " + scope + " is already running"));
        }
        return Init.ok(this);
    }

    @Override
    public CallResult<PgScope> handleCall(Call call, From from, PgScope state) {
        return switch (call) {
            case Call.Join(Object group, List<Pid> pids) -> {
                join(group, pids);
                yield CallResult.reply(true, this);
            }
            case Call.Leave(Object group, List<Pid> pids) -> CallResult.reply(leave(group, pids), this);
            case Call.MonitorScope() -> {
                Map<Object, List<Pid>> groups = new HashMap<>();
                table.groups.forEach((group, members) -> groups.put(group, members.all()));
                Ref ref = Jarl.monitor(from.pid());
                scopeMonitors.put(ref, from.pid());
                yield CallResult.reply(new ScopeMonitor(ref, groups), this);
            }
            case Call.MonitorGroup(Object group) -> {
                ScopeTable.Members members = table.groups.get(group);
                Ref ref = Jarl.monitor(from.pid());
                groupMonitors.put(ref, new GroupSubscription(from.pid(), group));
                monitoredGroups.computeIfAbsent(group, g -> new ArrayList<>()).add(new Subscriber(from.pid(), ref));
                yield CallResult.reply(new GroupMonitor(ref, members == null ? List.of() : members.all()), this);
            }
            case Call.Demonitor(Ref ref) -> CallResult.reply(demonitor(ref), this);
        };
    }

    @Override
    public Result<PgScope> handleInfo(Object message, PgScope state) {
        if (!(message instanceof Down(Ref ref, Object object, ExitReason reason))) {
            // OTP's pg crashes on a message it does not expect (handle_info(_, _) -> error(badarg)).
            throw new IllegalArgumentException("pg scope " + scope + " received an unexpected message: " + message);
        }
        if (scopeMonitors.remove(ref) != null) {
            return Result.noReply(this);
        }
        GroupSubscription subscription = groupMonitors.remove(ref);
        if (subscription != null) {
            dropSubscriber(subscription.group(), ref);
            return Result.noReply(this);
        }
        if (object instanceof Pid pid && local.get(pid) instanceof Member m && m.monitor().equals(ref)) {
            local.remove(pid);
            for (Object group : m.groups()) {
                leaveTable(group, List.of(pid));
            }
        }
        return Result.noReply(this);
    }

    @Override
    public void terminate(ExitReason reason, PgScope state) {
        table.drop(); // OTP: ets:delete(Scope)
    }

    // ------------------------------------------------------------------ join and leave

    /** OTP: {@code join_local/3} and {@code join_local_update_ets/5}. */
    private void join(Object group, List<Pid> pids) {
        if (pids.isEmpty()) {
            return;
        }
        for (Pid pid : pids) {
            Member m = local.get(pid);
            if (m == null) {
                m = new Member(Jarl.monitor(pid), new ArrayList<>()); // a dead pid gives a Down at once: it leaves
                local.put(pid, m);
            }
            m.groups().add(group);
        }
        ScopeTable.Members current = table.groups.get(group);
        table.groups.put(group, current == null ? new ScopeTable.Members(pids, pids)
                : new ScopeTable.Members(prepend(pids, current.all()), prepend(pids, current.local())));
        notify(group, pids, true);
    }

    /** OTP: {@code leave_local/3}; returns false if none of {@code pids} was in {@code group} ({@code not_joined}). */
    private boolean leave(Object group, List<Pid> pids) {
        List<Pid> left = new ArrayList<>();
        for (Pid pid : pids) {
            Member m = local.get(pid);
            if (m != null && m.groups().remove(group)) {
                left.add(pid);
                if (m.groups().isEmpty()) {
                    Jarl.demonitor(m.monitor(), true);
                    local.remove(pid);
                }
            }
        }
        if (left.isEmpty()) {
            return false;
        }
        leaveTable(group, left);
        return true;
    }

    /** Removes one membership of each of {@code pids} from the table, and tells the monitors (OTP: {@code leave_local_update_ets/5}). */
    private void leaveTable(Object group, List<Pid> pids) {
        ScopeTable.Members current = table.groups.get(group);
        if (current == null) {
            return;
        }
        List<Pid> all = minus(current.all(), pids);
        if (all.isEmpty()) {
            table.groups.remove(group);
        } else {
            table.groups.put(group, new ScopeTable.Members(all, minus(current.local(), pids)));
        }
        notify(group, pids, false);
    }

    // ------------------------------------------------------------------ monitors

    private boolean demonitor(Ref ref) {
        if (scopeMonitors.remove(ref) != null) {
            Jarl.demonitor(ref, true);
            return true;
        }
        GroupSubscription subscription = groupMonitors.remove(ref);
        if (subscription == null) {
            return false;
        }
        Jarl.demonitor(ref, true);
        dropSubscriber(subscription.group(), ref);
        return true;
    }

    private void dropSubscriber(Object group, Ref ref) {
        List<Subscriber> subscribers = monitoredGroups.get(group);
        subscribers.removeIf(s -> s.ref().equals(ref));
        if (subscribers.isEmpty()) {
            monitoredGroups.remove(group);
        }
    }

    /** Sends a join or leave event to the scope's and the group's monitors (OTP: {@code notify_group/5}). */
    private void notify(Object group, List<Pid> pids, boolean join) {
        scopeMonitors.forEach((ref, pid) -> Jarl.send(pid, event(ref, group, pids, join)));
        List<Subscriber> subscribers = monitoredGroups.get(group);
        if (subscribers != null) {
            for (Subscriber s : subscribers) {
                Jarl.send(s.pid(), event(s.ref(), group, pids, join));
            }
        }
    }

    private static GroupEvent event(Ref ref, Object group, List<Pid> pids, boolean join) {
        return join ? new GroupEvent.Join(ref, group, pids) : new GroupEvent.Leave(ref, group, pids);
    }

    // ------------------------------------------------------------------ lists, as Erlang's

    /** {@code front ++ rest}. */
    private static List<Pid> prepend(List<Pid> front, List<Pid> rest) {
        List<Pid> out = new ArrayList<>(front.size() + rest.size());
        out.addAll(front);
        out.addAll(rest);
        return List.copyOf(out);
    }

    /** {@code from -- remove}: the first occurrence of each element of {@code remove} goes. */
    private static List<Pid> minus(List<Pid> from, List<Pid> remove) {
        List<Pid> out = new ArrayList<>(from);
        for (Pid pid : remove) {
            out.remove(pid);
        }
        return List.copyOf(out);
    }

    @Override
    public Object formatStatus(PgScope state) {
        return "pg scope " + scope + ": " + table.groups.size() + " groups, " + local.size() + " local members, "
                + (scopeMonitors.size() + groupMonitors.size()) + " monitors";
    }
}

package io.jarl.pg;

import io.jarl.Jarl;
import io.jarl.Name;
import io.jarl.NotAProcessException;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.server.GenServer;
import io.jarl.server.StartOptions;
import io.jarl.server.StartResult;
import io.jarl.supervisor.ChildSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Process groups: named groups of processes that processes join and leave at runtime and that anyone
 * can list, with members removed when they end (OTP: {@code pg}).
 *
 * <p>There is no "send to a group": a sender asks for the members ({@link #getMembers}) and sends to
 * some or all of them. A process may join many groups, and the same group several times (it then
 * appears, and must leave, as many times). A group exists while it has members: an unknown group and
 * an empty one are the same, with no members.
 *
 * {@snippet :
 * try (var me = Jarl.attach()) {
 *     Pg.startLink("chat").orElseThrow();                       // a scope: a process and its table
 *     Pg.join("chat", "room:lobby", me.pid());
 *     for (Pid member : Pg.getMembers("chat", "room:lobby")) {    // no message to the scope
 *         Jarl.send(member, new Said("hello"));
 *     }
 *     Pg.leave("chat", "room:lobby", me.pid());                  // true; false if it was not a member
 * }
 * }
 *
 * <h2>Scopes</h2>
 * Groups live in a scope: a process registered under the scope's name (a {@code String}, OTP's atom)
 * that serialises changes, monitors the members and keeps a table that readers consult directly.
 * Scopes are independent: the same group name in two scopes is two groups. Start one with
 * {@link #startLink(String)} or, in a supervision tree, {@link #childSpec(String)}. The functions
 * without a scope use the default scope {@value #DEFAULT_SCOPE}, which runs once started with
 * {@link #startLink()} or {@link #start()} (OTP: the kernel starts it when {@code start_pg} is set).
 * A scope that stops or restarts forgets its groups.
 *
 * <h2>Writes and reads</h2>
 * {@link #join} and {@link #leave} are calls to the scope process, which takes them in order, with no
 * timeout; they throw {@link io.jarl.ExitException} with {@code noproc} if the scope is not running.
 * {@link #getMembers}, {@link #getLocalMembers}, {@link #whichGroups} and {@link #whichLocalGroups}
 * read the scope's table from the calling thread, without a message: they cost a map lookup and return
 * an immutable list that is not copied. A process that ends leaves its groups once the scope has
 * handled its {@code Down}, so a reader may briefly see a dead member, as in OTP.
 *
 * <h2>Monitoring membership</h2>
 * {@link #monitorScope(String)} and {@link #monitor(String, Object)} (OTP 25.1) return the current
 * members and then send the caller a {@link GroupEvent} for each join and leave, tagged with the
 * returned reference, until {@link #demonitor(String, Ref)} or the caller's end.
 *
 * <h2>Where it differs from OTP</h2>
 * Only local: there is no distribution yet, so {@link #getMembers} and {@link #getLocalMembers} are
 * the same and scopes do not talk to peers; the table and the scope are built to add it the way OTP
 * does (see the implementation overview of the scope). A pid list that leaves sends a
 * {@link GroupEvent.Leave} that lists only the pids that were members (OTP lists every pid given), and
 * joining an empty list does nothing (OTP records an empty group). The scope crashes on an unexpected
 * message, as OTP's does.
 */
public final class Pg {
    /** The default scope's name (OTP: {@code pg}). */
    public static final String DEFAULT_SCOPE = "pg";

    private static final Duration INFINITY = Duration.ofNanos(Long.MAX_VALUE);

    private Pg() {}

    // ------------------------------------------------------------------ scopes

    /** Starts the default scope linked to the caller (OTP: {@code pg:start_link/0}). */
    public static StartResult startLink() {
        return startLink(DEFAULT_SCOPE);
    }

    /** Starts the default scope, not linked (as the kernel starts it when {@code start_pg} is set). */
    public static StartResult start() {
        return start(DEFAULT_SCOPE);
    }

    /**
     * Starts scope {@code scope} linked to the caller, which must be a process (OTP:
     * {@code pg:start_link/1}); a name that is taken gives {@code Failed({already_started, Pid})}.
     */
    public static StartResult startLink(String scope) {
        Objects.requireNonNull(scope, "scope");
        return GenServer.startLink(new PgScope(scope), StartOptions.named(scope));
    }

    /** Starts scope {@code scope}, not linked, from any thread (OTP: {@code pg:start/1}). */
    public static StartResult start(String scope) {
        Objects.requireNonNull(scope, "scope");
        return GenServer.start(new PgScope(scope), StartOptions.named(scope));
    }

    /** A child spec that starts scope {@code scope} under a supervisor (id: the scope's name). */
    public static ChildSpec childSpec(String scope) {
        Objects.requireNonNull(scope, "scope");
        return ChildSpec.worker(scope, () -> startLink(scope));
    }

    /** A child spec for the default scope. */
    public static ChildSpec childSpec() {
        return childSpec(DEFAULT_SCOPE);
    }

    // ------------------------------------------------------------------ join and leave

    /**
     * Adds {@code pid} to {@code group} (OTP: {@code pg:join/3}); it may be added several times. The
     * scope monitors it, and removes it from all its groups when it ends.
     *
     * @throws io.jarl.ExitException with {@code noproc} if the scope is not running
     */
    public static void join(String scope, Object group, Pid pid) {
        join(scope, group, List.of(Objects.requireNonNull(pid, "pid")));
    }

    /** Adds each of {@code pids} (in one change and one event; a pid listed twice joins twice). */
    public static void join(String scope, Object group, List<Pid> pids) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(group, "group");
        GenServer.call(Name.of(scope), new PgScope.Call.Join(group, List.copyOf(pids)), INFINITY);
    }

    /** {@link #join(String, Object, Pid)} in the default scope. */
    public static void join(Object group, Pid pid) {
        join(DEFAULT_SCOPE, group, pid);
    }

    /** {@link #join(String, Object, List)} in the default scope. */
    public static void join(Object group, List<Pid> pids) {
        join(DEFAULT_SCOPE, group, pids);
    }

    /**
     * Removes one membership of {@code pid} in {@code group} (OTP: {@code pg:leave/3}).
     *
     * @return false if it was not a member (OTP: {@code not_joined})
     * @throws io.jarl.ExitException with {@code noproc} if the scope is not running
     */
    public static boolean leave(String scope, Object group, Pid pid) {
        return leave(scope, group, List.of(Objects.requireNonNull(pid, "pid")));
    }

    /** Removes one membership of each of {@code pids}; false only if none was a member. */
    public static boolean leave(String scope, Object group, List<Pid> pids) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(group, "group");
        return GenServer.call(Name.of(scope), new PgScope.Call.Leave(group, List.copyOf(pids)), INFINITY);
    }

    /** {@link #leave(String, Object, Pid)} in the default scope. */
    public static boolean leave(Object group, Pid pid) {
        return leave(DEFAULT_SCOPE, group, pid);
    }

    /** {@link #leave(String, Object, List)} in the default scope. */
    public static boolean leave(Object group, List<Pid> pids) {
        return leave(DEFAULT_SCOPE, group, pids);
    }

    // ------------------------------------------------------------------ reads

    /**
     * The members of {@code group}, newest first, once per membership (OTP: {@code pg:get_members/2});
     * empty if the group has none or the scope is not running. Reads the table: no message.
     */
    public static List<Pid> getMembers(String scope, Object group) {
        ScopeTable t = ScopeTable.find(Objects.requireNonNull(scope, "scope"));
        ScopeTable.Members m = t == null ? null : t.groups.get(Objects.requireNonNull(group, "group"));
        return m == null ? List.of() : m.all();
    }

    /** {@link #getMembers(String, Object)} in the default scope. */
    public static List<Pid> getMembers(Object group) {
        return getMembers(DEFAULT_SCOPE, group);
    }

    /** The members of {@code group} that run on this node (OTP: {@code pg:get_local_members/2}). */
    public static List<Pid> getLocalMembers(String scope, Object group) {
        ScopeTable t = ScopeTable.find(Objects.requireNonNull(scope, "scope"));
        ScopeTable.Members m = t == null ? null : t.groups.get(Objects.requireNonNull(group, "group"));
        return m == null ? List.of() : m.local();
    }

    /** {@link #getLocalMembers(String, Object)} in the default scope. */
    public static List<Pid> getLocalMembers(Object group) {
        return getLocalMembers(DEFAULT_SCOPE, group);
    }

    /**
     * The groups that have members (OTP: {@code pg:which_groups/1}).
     *
     * @throws IllegalArgumentException if the scope is not running (OTP: {@code badarg})
     */
    public static List<Object> whichGroups(String scope) {
        return List.copyOf(running(scope).groups.keySet());
    }

    /** {@link #whichGroups(String)} of the default scope. */
    public static List<Object> whichGroups() {
        return whichGroups(DEFAULT_SCOPE);
    }

    /**
     * The groups that have members on this node (OTP: {@code pg:which_local_groups/1}).
     *
     * @throws IllegalArgumentException if the scope is not running
     */
    public static List<Object> whichLocalGroups(String scope) {
        List<Object> out = new ArrayList<>();
        running(scope).groups.forEach((group, members) -> {
            if (!members.local().isEmpty()) {
                out.add(group);
            }
        });
        return List.copyOf(out);
    }

    /** {@link #whichLocalGroups(String)} of the default scope. */
    public static List<Object> whichLocalGroups() {
        return whichLocalGroups(DEFAULT_SCOPE);
    }

    private static ScopeTable running(String scope) {
        ScopeTable t = ScopeTable.find(Objects.requireNonNull(scope, "scope"));
        if (t == null) {
            throw new IllegalArgumentException("pg scope " + scope + " is not running");
        }
        return t;
    }

    // ------------------------------------------------------------------ monitors

    /**
     * Returns every group of the scope with its members, and from then on sends the calling process a
     * {@link GroupEvent} for each join and leave in the scope (OTP: {@code pg:monitor_scope/1}).
     *
     * @throws NotAProcessException if the caller is not a process (the events need a mailbox)
     * @throws io.jarl.ExitException with {@code noproc} if the scope is not running
     */
    public static ScopeMonitor monitorScope(String scope) {
        Objects.requireNonNull(scope, "scope");
        requireProcess("monitorScope");
        return GenServer.call(Name.of(scope), new PgScope.Call.MonitorScope(), INFINITY);
    }

    /** {@link #monitorScope(String)} of the default scope. */
    public static ScopeMonitor monitorScope() {
        return monitorScope(DEFAULT_SCOPE);
    }

    /**
     * Returns the members of {@code group}, and from then on sends the calling process a
     * {@link GroupEvent} for each join and leave of that group (OTP: {@code pg:monitor/2}).
     *
     * @throws NotAProcessException if the caller is not a process
     * @throws io.jarl.ExitException with {@code noproc} if the scope is not running
     */
    public static GroupMonitor monitor(String scope, Object group) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(group, "group");
        requireProcess("monitor");
        return GenServer.call(Name.of(scope), new PgScope.Call.MonitorGroup(group), INFINITY);
    }

    /** {@link #monitor(String, Object)} in the default scope. */
    public static GroupMonitor monitor(Object group) {
        return monitor(DEFAULT_SCOPE, group);
    }

    /**
     * Stops a scope or group monitor and removes from the caller's mailbox the events of it already
     * queued (OTP: {@code pg:demonitor/2}).
     *
     * @return false if {@code ref} is not a monitor of this scope (OTP: {@code false})
     * @throws NotAProcessException if the caller is not a process
     */
    public static boolean demonitor(String scope, Ref ref) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(ref, "ref");
        requireProcess("demonitor");
        boolean was = GenServer.call(Name.of(scope), new PgScope.Call.Demonitor(ref), INFINITY);
        if (was) {
            while (Jarl.receiveIf(m -> m instanceof GroupEvent e && e.ref().equals(ref), Duration.ZERO).isPresent()) {
                // flushed
            }
        }
        return was;
    }

    /** {@link #demonitor(String, Ref)} in the default scope. */
    public static boolean demonitor(Ref ref) {
        return demonitor(DEFAULT_SCOPE, ref);
    }

    private static void requireProcess(String operation) {
        if (!Jarl.inProcess()) {
            throw new NotAProcessException("Pg." + operation + " sends events to the calling process, and thread "
                    + Thread.currentThread() + " is not one; call it from a process (spawned, Jarl.attach() or"
                    + " Jarl.run())");
        }
    }
}

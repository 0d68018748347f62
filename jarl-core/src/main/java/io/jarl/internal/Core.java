package io.jarl.internal;

import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemotePid;
import java.util.Objects;

/**
 * The runtime's side of distribution: how the distribution layer turns wire identifiers into pids
 * and references and delivers the signals that arrive from other nodes. Implemented in
 * {@code io.jarl}, obtained with {@link #get()} (the JDK's "shared secrets" pattern: the methods
 * need the runtime's package-private machinery, which is not part of the API). The runtime's own
 * packages use it too, for what a process's death must do to them ({@link #atExit}).
 */
public interface Core {

    /** The runtime. */
    static Core get() {
        Core c = Holder.core;
        if (c == null) {
            try {
                Class.forName("io.jarl.Kernel", true, Core.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            c = Objects.requireNonNull(Holder.core, "the runtime did not register its Core");
        }
        return c;
    }

    /** Called once by the runtime. */
    static void register(Core core) {
        Holder.core = core;
    }

    /** Makes this node a distributed node; signals to other nodes go through {@code distribution}. */
    void install(Distribution distribution);

    /** Back to a node that is not distributed. */
    void uninstall(Distribution distribution);

    /**
     * Runs {@code hook} once the local process {@code pid} has ended, for any reason ({@code kill}
     * included), in the thread that ended it, before its links and monitors are told (OTP: an ETS
     * table goes with its owner). Returns false, and never runs the hook, if the process is not
     * alive. A hook must be short and must not throw; one that throws is ignored.
     */
    boolean atExit(Pid pid, Runnable hook);

    /** This node's pid with the given number and serial: the live process, or a pid that is dead. */
    Pid localPid(int number, int serial);

    /** The number (low 28 bits of the id) of a local pid. */
    int localNumber(Pid pid);

    /** The serial (the id above 28 bits) of a local pid. */
    int localSerial(Pid pid);

    RemotePid remotePid(String node, int number, int serial, int creation);

    /**
     * A reference of this node as it goes on the wire: 3 words for a plain reference, 5 for an
     * alias (words 3 and 4 carry the owner's pid, so that an alias arriving back finds its process).
     */
    int[] localRefWords(Ref ref);

    /** A reference of this node back from the wire (the inverse of {@link #localRefWords}). */
    Ref localRef(int[] words);

    /** Another node's reference; {@code alias}: it came as an alias, so a reply goes to it. */
    Ref remoteRef(String node, int creation, int[] words, boolean alias);

    /** The id words of another node's reference. */
    int[] remoteRefWords(Ref ref);

    /** The creation of another node's reference. */
    int remoteRefCreation(Ref ref);

    /** A message from another node to a local pid (dropped if it is dead). */
    void deliver(Pid to, Object message);

    /** A message from another node to a local name; dropped if nobody has it, as on the BEAM. */
    void deliver(String name, Object message);

    /** A message from another node to one of this node's aliases. */
    void deliverToAlias(Ref alias, Object message);

    /** {@code from} (remote) links to {@code to} (local). Returns false if {@code to} is dead. */
    boolean linked(RemotePid from, Pid to);

    /** {@code from} (remote) removed its link to {@code to}. */
    void unlinked(RemotePid from, Pid to);

    /**
     * An exit signal from a remote process arrives at a local one: from a link that broke
     * ({@code link}: only if the link still stands), or from {@code exit/2}.
     */
    void exitSignal(RemotePid from, Pid to, ExitReason reason, boolean link);

    /**
     * A remote process monitors a local one, by pid or by name ({@code object} is what the Down
     * will name). Returns false if it is dead (the caller answers noproc).
     */
    boolean monitored(RemotePid watcher, Ref ref, Pid target, Object object);

    /** The local pid registered as {@code name}, if any. */
    java.util.Optional<Pid> whereis(String name);

    /** A remote watcher removed its monitor of a local process. */
    void demonitored(Pid target, Ref ref);

    /** A remote process that a local one monitors ended: the watcher gets its Down. */
    void down(Pid watcher, Ref ref, Object object, ExitReason reason);

    /**
     * The noproc Down of a monitor that never took ({@code ref} made for it), to the calling
     * process: a signal, queued even in a full bounded mailbox.
     */
    void noprocDown(Ref ref, Object object);

    /**
     * The connection to {@code node} is gone: every link to a process there breaks with
     * {@code noconnection}, every monitor of one fires with it, and monitors from there are dropped.
     */
    void nodeDown(String node);

    /** The sender of signals from plain threads ({@code <0.0.0>}). */
    Pid outside();

    /**
     * An unstarted thread for a connection's socket I/O: a virtual thread of the node's scheduler
     * (so that a reader delivering a message, and a process waking its writer, hand over on one
     * core), or of the JDK's when the node runs on the JDK's scheduler.
     */
    Thread ioThread(String name, Runnable body);
}

final class Holder {
    static volatile Core core;

    private Holder() {}
}

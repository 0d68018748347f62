package io.jarl.internal;

import io.jarl.ExitReason;
import io.jarl.Pid;
import io.jarl.Ref;
import io.jarl.RemoteName;
import io.jarl.RemotePid;

/**
 * What the runtime asks of the distribution layer when a signal goes to another node: implemented
 * by jarl-dist and installed with {@link Core#install(Distribution)}. Every method is called by the
 * sending process's thread (or the thread that ends a process) and must not block on the network:
 * it queues the signal on the connection to the node, in order, making the connection if needed.
 */
public interface Distribution {
    /** This node's name ({@code name@host}). */
    String nodeName();

    /** This node's creation (its incarnation, from EPMD). */
    int creation();

    /** Whether a connection to {@code node} is up. */
    boolean isConnected(String node);

    /** {@code from ! message} to a pid of another node (SEND_SENDER). */
    void send(Pid from, RemotePid to, Object message);

    /** {@code {Name, Node} ! message} (REG_SEND). */
    void send(Pid from, RemoteName to, Object message);

    /** A message to an alias made on another node (ALIAS_SEND). */
    void sendAlias(Pid from, Ref alias, Object message);

    /**
     * {@code from} links to {@code to} (LINK). Returns false if no connection to the node can be
     * had: the caller then gets a {@code noconnection} exit signal, as on the BEAM.
     */
    boolean link(Pid from, RemotePid to);

    /** {@code from} removes its link to {@code to} (UNLINK_ID). */
    void unlink(Pid from, RemotePid to);

    /** {@code from}, linked to {@code to}, ended with {@code reason} (EXIT). */
    void linkExit(Pid from, RemotePid to, ExitReason reason);

    /** {@code exit(to, reason)} sent by {@code from} (EXIT2). */
    void exit(Pid from, RemotePid to, ExitReason reason);

    /**
     * {@code watcher} monitors {@code target}, a {@link RemotePid} or a {@link RemoteName}
     * (MONITOR_P). Returns false if no connection can be had: the watcher then gets a
     * {@code Down} with {@code noconnection}.
     */
    boolean monitor(Pid watcher, Ref ref, Object target);

    /** {@code watcher} removes its monitor of {@code target} (DEMONITOR_P). */
    void demonitor(Pid watcher, Ref ref, Object target);

    /**
     * A local process monitored from another node ended (MONITOR_P_EXIT).
     *
     * @param object what the watcher monitored: the pid or the registered name
     */
    void monitorExit(Pid dead, Pid watcher, Ref ref, Object object, ExitReason reason);
}
